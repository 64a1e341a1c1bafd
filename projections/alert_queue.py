"""The alert queue: one row per alert, open ones first, for caseworkers and supervisors."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from domain.alert import Alert


def apply(db: sqlite3.Connection, event: Any) -> None:
    """Update the queue for one alert event; other events are ignored."""
    if isinstance(event, Alert.Raised):
        _raised(db, event)
    elif isinstance(event, Alert.Cleared):
        _closed(db, event, event.on, "condition_cleared")
    elif isinstance(event, Alert.Resolved):
        _closed(db, event, event.on, event.outcome)
    elif isinstance(event, Alert.Escalated):
        _append(db, event, {"type": "escalated", "on": event.on, "to": event.to, "deadline": event.deadline})
        db.execute(
            "UPDATE alerts SET escalated_on = ?, escalated_to = ? WHERE alert_id = ?",
            (event.on, event.to, str(event.originator_id)),
        )
    elif isinstance(event, Alert.Acknowledged):
        db.execute(
            "UPDATE alerts SET acknowledged_by = ?, updated_at = ? WHERE alert_id = ?",
            (event.by, event.timestamp.isoformat(), str(event.originator_id)),
        )


def _raised(db: sqlite3.Connection, e: Any) -> None:
    title = e.explanation.get("title", {})
    db.execute(
        "INSERT OR REPLACE INTO alerts (alert_id, household, region, rule, rule_version, category, severity,"
        " subject_kind, subject, resident, episode, status, raised_on, title_zh, title_en, explanation,"
        " events, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,'open',?,?,?,?,?,?)",
        (
            str(e.originator_id), e.household, e.region, e.rule, e.rule_version, e.category, e.severity,
            e.subject_kind, e.subject, e.resident, e.episode, e.raised_on, title.get("zh"), title.get("en"),
            json.dumps(e.explanation, ensure_ascii=False),
            json.dumps([{"type": "raised", "on": e.raised_on}]),
            e.timestamp.isoformat(),
        ),
    )


def _append(db: sqlite3.Connection, e: Any, entry: dict[str, Any]) -> None:
    """Add one entry to the alert's visible history."""
    row = db.execute("SELECT events FROM alerts WHERE alert_id = ?", (str(e.originator_id),)).fetchone()
    history = json.loads(row[0]) if row else []
    history.append(entry)
    db.execute(
        "UPDATE alerts SET events = ?, updated_at = ? WHERE alert_id = ?",
        (json.dumps(history, ensure_ascii=False), e.timestamp.isoformat(), str(e.originator_id)),
    )


def _closed(db: sqlite3.Connection, e: Any, on: str, reason: str) -> None:
    _append(db, e, {"type": "closed", "on": on, "reason": reason, "event_ids": getattr(e, "event_ids", [])})
    db.execute(
        "UPDATE alerts SET status = 'closed', closed_on = ?, close_reason = ? WHERE alert_id = ?",
        (on, reason, str(e.originator_id)),
    )


def row_to_json(row: dict[str, Any]) -> dict[str, Any]:
    """The API form of a queue row."""
    out = {k: v for k, v in row.items() if k not in ("explanation", "events", "title_zh", "title_en")}
    out["title"] = {"zh": row["title_zh"], "en": row["title_en"]}
    out["explanation"] = json.loads(row["explanation"]) if row.get("explanation") else None
    out["history"] = json.loads(row["events"]) if row.get("events") else []
    return out
