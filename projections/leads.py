"""The leads view: one row per lead (a person a department names and no household holds), for the
supervisor's list (by region prefix and state) and the informant's lead tasks (by the grid it was sent to).

Rows hold the masked ID number only; the name, the address and the department's data are sealed.
"""

from __future__ import annotations

import json
from typing import Any

from domain.leads.lead import DISPATCHED, FOUND, Lead
from domain.privacy import mask_name, sight_of
from projections.sealing import seal
from projections.sql_dialect import ViewConnection, upsert

COLUMNS = ("lead_id", "department", "what_zh", "what_en", "masked_id", "name", "region", "address", "data",
           "state", "grid", "raised_on", "raised_by", "line", "dispatched_on", "dispatched_by", "closed_on",
           "closed_by", "close_reason", "household", "updated_at")
RAISED_COLUMNS = ("lead_key", *COLUMNS[:14], "updated_at")  # lead_key: the aggregate's id, named by later events
SEALED = ("name", "address", "data")


# The events this view applies (the runner sends it these; the others are not even decoded for it).
EVENTS = frozenset({Lead.Raised, Lead.Dispatched, Lead.Dismissed, Lead.Found})


def apply(db: ViewConnection, event: Any) -> None:
    """Update the view for one lead event; other events are ignored."""
    if isinstance(event, Lead.Raised):
        db.execute(upsert("leads", RAISED_COLUMNS, ("lead_id",)), (
            str(event.originator_id), event.lead_id, event.department, event.what_zh, event.what_en, event.masked_id,
            seal(db, event.name), event.region, seal(db, event.address),
            seal(db, json.dumps(event.data, ensure_ascii=False)), "raised", None, event.on, event.raised_by,
            event.line, event.timestamp.isoformat()))
    elif isinstance(event, Lead.Dispatched):
        _set(db, event, state=DISPATCHED, grid=event.grid, dispatched_on=event.on, dispatched_by=event.by)
    elif isinstance(event, Lead.Dismissed):
        _set(db, event, state="dismissed", closed_on=event.on, closed_by=event.by, close_reason=event.reason)
    elif isinstance(event, Lead.Found):
        _set(db, event, state=FOUND, closed_on=event.on, closed_by=event.by, close_reason="found",
             household=event.household)


def _set(db: ViewConnection, event: Any, **columns: Any) -> None:
    """Set the given columns of the lead's row (names from this module, never from input)."""
    columns["updated_at"] = event.timestamp.isoformat()
    assignments = ", ".join(f"{name} = ?" for name in columns)
    db.execute(f"UPDATE leads SET {assignments} WHERE lead_key = ?", (*columns.values(), str(event.originator_id)))


def leads_in(views: Any, region: str | None, state: str | None = None, limit: int = 100,
             offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
    """(how many, one page of) the leads whose region starts with `region` (None: everywhere), in `state`
    (None: any), open ones first, the oldest first."""
    where, params = ["1 = 1"], []
    if region is not None:
        where.append("region LIKE ?")
        params.append(f"{region}%")
    if state is not None:
        where.append("state = ?")
        params.append(state)
    clause = " AND ".join(where)
    total = views.query(f"SELECT COUNT(*) AS n FROM leads WHERE {clause}", tuple(params))[0]["n"]
    rows = views.query(
        f"SELECT {', '.join(COLUMNS)} FROM leads WHERE {clause} ORDER BY CASE WHEN state IN ('raised', "
        "'dispatched') THEN 0 ELSE 1 END, raised_on, lead_id LIMIT ? OFFSET ?", (*params, limit, offset))
    return total, [lead_to_json(row) for row in rows]


def lead_tasks(views: Any, grid: str, limit: int = 100) -> list[dict[str, Any]]:
    """The leads sent to `grid` and not yet found or dismissed, the longest waiting first."""
    rows = views.query(f"SELECT {', '.join(COLUMNS)} FROM leads WHERE grid = ? AND state = ? "
                       "ORDER BY dispatched_on, lead_id LIMIT ?", (grid, DISPATCHED, limit))
    return [lead_to_json(row) for row in rows]


def one(views: Any, lead_id: str) -> dict[str, Any] | None:
    rows = views.query(f"SELECT {', '.join(COLUMNS)} FROM leads WHERE lead_id = ?", (lead_id,))
    return lead_to_json(rows[0]) if rows else None


def lead_to_json(row: dict[str, Any]) -> dict[str, Any]:
    """The API form of a lead row (sealed fields already opened by `ViewStore.query`)."""
    return {
        "lead_id": row["lead_id"], "department": row["department"],
        "what": {"zh": row["what_zh"], "en": row["what_en"]}, "masked_id": row["masked_id"], "name": row["name"],
        "region": row["region"], "address": row["address"], "data": json.loads(row["data"] or "{}"),
        "state": row["state"], "grid": row["grid"], "raised_on": row["raised_on"], "raised_by": row["raised_by"],
        "line": row["line"], "dispatched_on": row["dispatched_on"], "dispatched_by": row["dispatched_by"],
        "closed_on": row["closed_on"], "closed_by": row["closed_by"], "close_reason": row["close_reason"],
        "household": row["household"],
    }


def shown_lead(lead: dict[str, Any], role: str) -> dict[str, Any]:
    """A lead as the role sees it (`domain.privacy.SIGHTS`): supervisors and admins the masked name; the ID
    number is masked for everyone (the view holds no other)."""
    if sight_of(role).name == "masked" and isinstance(lead.get("name"), str):
        return {**lead, "name": mask_name(lead["name"])}
    return lead
