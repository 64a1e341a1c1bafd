"""The alert queue: one row per alert, open ones first, for caseworkers and supervisors.

Each row carries the alert's workflow state (who has it, where its verification
visit stands) and, in `events`, its visible history: one entry per event with
what happened (`type`), who (`by`), the date it counts on (`on`) and when it was
recorded (`at`).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from domain.alerts.alert import CLOSED, CONDITION_CLEARED, OPEN, RULES_ACTOR, Alert, next_state


def apply(db: sqlite3.Connection, event: Any) -> None:
    """Update the queue for one alert event; other events are ignored."""
    if isinstance(event, Alert.Raised):
        _raised(db, event)
        return
    for cls, project in PROJECTORS:
        if isinstance(event, cls):
            project(db, event)
            return


def _assigned(db: sqlite3.Connection, e: Any) -> None:
    state = _state(db, e, "assign")
    _append(db, e, {"type": "assigned", "to": e.to})
    _set(db, e, state=state, assigned_to=e.to)


def _acknowledged(db: sqlite3.Connection, e: Any) -> None:
    state = _state(db, e, "acknowledge")
    _append(db, e, {"type": "acknowledged"})
    db.execute("UPDATE alerts SET state = ?, acknowledged_by = ?, assigned_to = COALESCE(assigned_to, ?)"
               " WHERE alert_id = ?", (state, e.by, e.by, str(e.originator_id)))


def _verification_requested(db: sqlite3.Connection, e: Any) -> None:
    state = _state(db, e, "request_verification")
    _append(db, e, {"type": "verification_requested", "grid": e.grid})
    _set(db, e, state=state, verification_requested_on=e.on, verification_requested_by=e.by,
         verification_grid=e.grid, verification_outcome=None)


def _verification_recorded(db: sqlite3.Connection, e: Any) -> None:
    state = _state(db, e, "record_verification")
    _append(db, e, {"type": "verification_recorded", "outcome": e.outcome, "note": e.note,
                    "visited_on": e.visited_on})
    _set(db, e, state=state, verification_outcome=e.outcome)


def _resolved(db: sqlite3.Connection, e: Any) -> None:
    _append(db, e, {"type": "resolved", "reason": e.outcome, "note": e.note})
    _set(db, e, status="closed", state=CLOSED, closed_on=e.on, close_reason=e.outcome)


def _cleared(db: sqlite3.Connection, e: Any) -> None:
    _append(db, e, {"type": "cleared", "reason": CONDITION_CLEARED, "event_ids": e.event_ids})
    _set(db, e, status="closed", state=CLOSED, closed_on=e.on, close_reason=CONDITION_CLEARED)


def _escalated(db: sqlite3.Connection, e: Any) -> None:
    _append(db, e, {"type": "escalated", "to": e.to, "deadline": e.deadline})
    _set(db, e, escalated_on=e.on, escalated_to=e.to)


def _reopened(db: sqlite3.Connection, e: Any) -> None:
    _append(db, e, {"type": "reopened", "reason": e.reason})
    _set(db, e, status="open", state=OPEN, closed_on=None, close_reason=None, assigned_to=None)


PROJECTORS = (
    (Alert.Assigned, _assigned),
    (Alert.Acknowledged, _acknowledged),
    (Alert.VerificationRequested, _verification_requested),
    (Alert.VerificationRecorded, _verification_recorded),
    (Alert.Resolved, _resolved),
    (Alert.Cleared, _cleared),
    (Alert.Escalated, _escalated),
    (Alert.Reopened, _reopened),
)


def _raised(db: sqlite3.Connection, e: Any) -> None:
    title = e.explanation.get("title", {})
    db.execute(
        "INSERT OR REPLACE INTO alerts (alert_id, household, region, grid, rule, rule_version, category, severity,"
        " subject_kind, subject, resident, episode, status, state, raised_on, title_zh, title_en, explanation,"
        " events, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'open',?,?,?,?,seal(?),?,?)",
        (
            str(e.originator_id), e.household, e.region, getattr(e, "grid", None), e.rule, e.rule_version,
            e.category, e.severity, e.subject_kind, e.subject, e.resident, e.episode, OPEN, e.raised_on,
            title.get("zh"), title.get("en"), json.dumps(e.explanation, ensure_ascii=False),
            json.dumps([{"type": "raised", "on": e.raised_on, "by": RULES_ACTOR, "at": e.timestamp.isoformat()}]),
            e.timestamp.isoformat(),
        ),
    )


def _state(db: sqlite3.Connection, e: Any, action: str) -> str:
    """The row's state after `action`, by the aggregate's own table."""
    row = db.execute("SELECT state FROM alerts WHERE alert_id = ?", (str(e.originator_id),)).fetchone()
    return next_state(row[0] if row and row[0] else OPEN, action)


def _append(db: sqlite3.Connection, e: Any, entry: dict[str, Any]) -> None:
    """Add one entry (what, who, when) to the alert's visible history."""
    row = db.execute("SELECT events FROM alerts WHERE alert_id = ?", (str(e.originator_id),)).fetchone()
    history = json.loads(row[0]) if row else []
    # Events stored before they named their actor were the rule worker's (clear, escalate).
    history.append({**entry, "on": e.on, "by": getattr(e, "by", RULES_ACTOR), "at": e.timestamp.isoformat()})
    db.execute(
        "UPDATE alerts SET events = ?, updated_at = ? WHERE alert_id = ?",
        (json.dumps(history, ensure_ascii=False), e.timestamp.isoformat(), str(e.originator_id)),
    )


def _set(db: sqlite3.Connection, e: Any, **columns: Any) -> None:
    """Set the given columns of the event's row (names come from this module, never from input)."""
    assignments = ", ".join(f"{name} = ?" for name in columns)
    db.execute(f"UPDATE alerts SET {assignments} WHERE alert_id = ?", (*columns.values(), str(e.originator_id)))


def row_to_json(row: dict[str, Any]) -> dict[str, Any]:
    """The API form of a queue row."""
    out = {k: v for k, v in row.items() if k not in ("explanation", "events", "title_zh", "title_en")}
    out["title"] = {"zh": row["title_zh"], "en": row["title_en"]}
    out["explanation"] = json.loads(row["explanation"]) if row.get("explanation") else None
    out["history"] = json.loads(row["events"]) if row.get("events") else []
    return out


SEVERITY_ORDER = "CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END"


def query(
    views: Any, filters: dict[str, str | None], *, escalated: bool | None, regions: list[str], limit: int, offset: int,
    overdue: bool | None = None,
) -> tuple[int, list[dict[str, Any]]]:
    """The alert queue: open first, most severe first, oldest first; every region prefix must match."""
    where, params = [], []
    for column, value in filters.items():
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if escalated is not None:
        where.append("escalated_on IS NOT NULL" if escalated else "escalated_on IS NULL")
    if overdue is not None:  # escalation is how the rules say "not acknowledged in time"
        late = "(status = 'open' AND escalated_on IS NOT NULL AND acknowledged_by IS NULL)"
        where.append(late if overdue else f"NOT {late}")
    for region in regions:
        where.append("region LIKE ?")
        params.append(f"{region}%")
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    total = views.query(f"SELECT COUNT(*) AS n FROM alerts {clause}", tuple(params))[0]["n"]
    rows = views.query(
        f"SELECT * FROM alerts {clause} ORDER BY status DESC, {SEVERITY_ORDER}, raised_on, alert_id LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    return total, rows


def one(views: Any, alert_id: str) -> list[dict[str, Any]]:
    return views.query("SELECT * FROM alerts WHERE alert_id = ?", (alert_id,))


def row_from_events(events: Any) -> dict[str, Any] | None:
    """The queue row an alert's stored events project to, folded apart from the views: what a read
    answers for an alert the views have not caught up with yet (the same projection, so the same row)."""
    from projections.view_store import SCHEMA  # the views' own table definitions

    db = sqlite3.connect(":memory:")
    db.row_factory = sqlite3.Row
    db.create_function("seal", 1, lambda value: value)  # in memory only: the row as the views' reads open it
    try:
        db.executescript(SCHEMA)
        alert_id = None
        for event in events:
            apply(db, event)
            alert_id = str(event.originator_id)
        row = db.execute("SELECT * FROM alerts WHERE alert_id = ?", (alert_id,)).fetchone()
        return dict(row) if row else None
    finally:
        db.close()
