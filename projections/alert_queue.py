"""The alert queue: one row per alert, open ones first, for caseworkers and supervisors.

Each row carries the alert's workflow state (who has it, where its verification
visit stands) and, in `events`, its visible history: one entry per event with
what happened (`type`), who (`by`), the date it counts on (`on`) and when it was
recorded (`at`).
"""

from __future__ import annotations

import json
from typing import Any, Callable, Sequence

from domain.alerts.alert import CONDITION_CLEARED, OPEN, RULES_ACTOR, Alert
from projections.row_memo import memo
from projections.sealing import seal
from projections.sql_dialect import ViewConnection, memory_connection, upsert


def apply(db: ViewConnection, event: Any) -> None:
    """Update the queue for one alert event; other events are ignored."""
    if isinstance(event, Alert.Raised):
        _raised(db, event)
        return
    for cls, entry in HISTORY_ENTRIES:
        if isinstance(event, cls):
            _append(db, event, entry(event))
            _set(db, event, **_workflow_after(db, event))
            return


# What each workflow event adds to the visible history (the row's state comes from the aggregate).
HISTORY_ENTRIES: tuple[tuple[type, Callable[[Any], dict[str, Any]]], ...] = (
    (Alert.Assigned, lambda e: {"type": "assigned", "to": e.to}),
    (Alert.Acknowledged, lambda e: {"type": "acknowledged"}),
    (Alert.VerificationRequested, lambda e: {"type": "verification_requested", "grid": e.grid}),
    (Alert.VerificationRecorded, lambda e: {"type": "verification_recorded", "outcome": e.outcome, "note": e.note,
                                            "visited_on": e.visited_on}),
    (Alert.Resolved, lambda e: {"type": "resolved", "reason": e.outcome, "note": e.note}),
    (Alert.Cleared, lambda e: {"type": "cleared", "reason": CONDITION_CLEARED, "event_ids": e.event_ids}),
    (Alert.Escalated, lambda e: {"type": "escalated", "to": e.to, "deadline": e.deadline}),
    (Alert.Reopened, lambda e: {"type": "reopened", "reason": e.reason}),
)

# The events this view applies (the runner sends it these; the others are not even decoded for it).
EVENTS = frozenset({Alert.Raised, *(cls for cls, _ in HISTORY_ENTRIES)})

WORKFLOW_COLUMNS = ("status", "state", "assigned_to", "acknowledged_by", "closed_on", "close_reason", "escalated_to",
                    "verification_requested_on", "verification_requested_by", "verification_grid",
                    "verification_outcome")
VERIFICATION_COLUMNS = {"verification_requested_on": "requested_on", "verification_requested_by": "requested_by",
                        "verification_grid": "grid", "verification_outcome": "outcome"}


def _workflow_after(db: ViewConnection, e: Any) -> dict[str, Any]:
    """The workflow columns `e` changes, found by applying `e` with the aggregate's own event method
    (`Alert._assigned`, …: the same `TRANSITIONS`) to an `Alert` holding the row's workflow state."""
    row = row_of(db, str(e.originator_id))
    if row is None:
        return {}
    before = {**{name: row[name] for name in WORKFLOW_COLUMNS}, "state": row["state"] or OPEN}
    alert = _alert_in(before)
    e.apply(alert)
    after = _columns_of(alert)
    if isinstance(e, Alert.Escalated):
        after["escalated_on"] = e.on  # the queue's own column: when it reached the supervisor
    return {name: value for name, value in after.items() if before.get(name) != value}


def _alert_in(columns: dict[str, Any]) -> Alert:
    """An `Alert` with only the workflow state of a queue row (never saved: the event methods read nothing else)."""
    alert = object.__new__(Alert)
    for name in ("status", "state", "assigned_to", "acknowledged_by", "closed_on", "close_reason", "escalated_to"):
        setattr(alert, name, columns[name])
    verification = {key: columns[column] for column, key in VERIFICATION_COLUMNS.items()}
    alert.verification = verification if any(v is not None for v in verification.values()) else None
    return alert


def _columns_of(alert: Alert) -> dict[str, Any]:
    verification = alert.verification or {}
    return {"status": alert.status, "state": alert.state, "assigned_to": alert.assigned_to,
            "acknowledged_by": alert.acknowledged_by, "closed_on": alert.closed_on,
            "close_reason": alert.close_reason, "escalated_to": alert.escalated_to,
            **{column: verification.get(key) for column, key in VERIFICATION_COLUMNS.items()}}


RAISED_COLUMNS = ("alert_id", "household", "region", "grid", "rule", "rule_version", "category", "severity",
                  "subject_kind", "subject", "resident", "episode", "status", "state", "raised_on", "title_zh",
                  "title_en", "explanation", "events", "updated_at")


def _raised(db: ViewConnection, e: Any) -> None:
    memo(db, "alerts").pop(str(e.originator_id), None)  # an upsert: read afresh if a later event needs the row
    title = e.explanation.get("title", {})
    db.execute(
        upsert("alerts", RAISED_COLUMNS, ("alert_id",), ["?"] * 12 + ["'open'"] + ["?"] * 7),
        (
            str(e.originator_id), e.household, e.region, getattr(e, "grid", None), e.rule, e.rule_version,
            e.category, e.severity, e.subject_kind, e.subject, e.resident, e.episode, OPEN, e.raised_on,
            title.get("zh"), title.get("en"), seal(db, json.dumps(e.explanation, ensure_ascii=False)),
            json.dumps([{"type": "raised", "on": e.raised_on, "by": RULES_ACTOR, "at": e.timestamp.isoformat()}]),
            e.timestamp.isoformat(),
        ),
    )


def _append(db: ViewConnection, e: Any, entry: dict[str, Any]) -> None:
    """Add one entry (what, who, when) to the alert's visible history."""
    row = row_of(db, str(e.originator_id))
    history = json.loads(row["events"]) if row else []
    # Events stored before they named their actor were the rule worker's (clear, escalate).
    history.append({**entry, "on": e.on, "by": getattr(e, "by", RULES_ACTOR), "at": e.timestamp.isoformat()})
    _set(db, e, events=json.dumps(history, ensure_ascii=False), updated_at=e.timestamp.isoformat())


def _set(db: ViewConnection, e: Any, **columns: Any) -> None:
    """Set the given columns of the event's row (names come from this module, never from input)."""
    if not columns:
        return
    assignments = ", ".join(f"{name} = ?" for name in columns)
    db.execute(f"UPDATE alerts SET {assignments} WHERE alert_id = ?", (*columns.values(), str(e.originator_id)))
    if (row := memo(db, "alerts").get(str(e.originator_id))) is not None:
        row.update((name, value) for name, value in columns.items() if name in row)


KEPT_COLUMNS = ("household", "events", *WORKFLOW_COLUMNS)  # what the workflow events read of their row


def row_of(db: ViewConnection, alert_id: str) -> dict[str, Any] | None:
    """The columns of an alert's row its later events read (`KEPT_COLUMNS`): read once per batch
    (`projections.row_memo`), then kept as this module writes them."""
    kept = memo(db, "alerts")
    if alert_id not in kept:
        row = db.execute(f"SELECT {', '.join(KEPT_COLUMNS)} FROM alerts WHERE alert_id = ?", (alert_id,)).fetchone()
        if row is None:
            return None
        kept[alert_id] = dict(zip(KEPT_COLUMNS, row))
    return kept[alert_id]


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
    overdue: bool | None = None, also: Sequence[tuple[str, tuple[Any, ...]]] = (),
) -> tuple[int, list[dict[str, Any]]]:
    """The alert queue: open first, most severe first, oldest first; every region prefix must match, and every
    condition in `also` (SQL on `alerts a` written by the projections, e.g. `projections.unread`, with its
    parameters)."""
    where: list[str] = [f"({condition})" for condition, _ in also]
    params: list[Any] = [value for _, values in also for value in values]
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
    total = views.query(f"SELECT COUNT(*) AS n FROM alerts a {clause}", tuple(params))[0]["n"]
    rows = views.query(
        f"SELECT a.* FROM alerts a {clause} ORDER BY status DESC, {SEVERITY_ORDER}, raised_on, alert_id"
        " LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    return total, rows


def one(views: Any, alert_id: str) -> list[dict[str, Any]]:
    return views.query("SELECT * FROM alerts WHERE alert_id = ?", (alert_id,))


def row_from_events(events: Any) -> dict[str, Any] | None:
    """The queue row an alert's stored events project to, folded apart from the views: what a read
    answers for an alert the views have not caught up with yet (the same projection, so the same row)."""
    from projections.view_store import SCHEMA  # the views' own table definitions

    db = memory_connection()  # in memory only, values left unsealed: the row as the views' reads open it
    try:
        db.script(SCHEMA)
        alert_id = None
        for event in events:
            apply(db, event)
            alert_id = str(event.originator_id)
        row = db.execute("SELECT * FROM alerts WHERE alert_id = ?", (alert_id,)).fetchone()
        return dict(row) if row else None
    finally:
        db.close()


def returned_visit(alert: dict[str, Any]) -> dict[str, Any] | None:
    """The latest visit the informant recorded for an alert (outcome, note, who, when), from its history:
    what the caseworker reads when a verification comes back. None when no visit was recorded, or when
    another visit was asked for after it (then the new one is awaited)."""
    visit = None
    for entry in alert.get("history") or []:
        if entry.get("type") == "verification_recorded":
            visit = entry
        elif entry.get("type") == "verification_requested":
            visit = None
    if visit is None:
        return None
    return {"outcome": visit.get("outcome") or alert.get("verification_outcome"), "note": visit.get("note") or "",
            "by": visit.get("by"), "on": visit.get("visited_on") or visit.get("on")}
