"""The supervisor's escalation view: open alerts not acknowledged in time, oldest escalation first.

`LATE.ALERT_UNHANDLED` escalates an alert nobody acknowledged within its SLA; it stays on this
list until a caseworker acknowledges or resolves it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from projections.alert_queue import row_to_json

PENDING = "status = 'open' AND escalated_on IS NOT NULL AND acknowledged_by IS NULL"


def escalations(views: Any, region_prefix: str, today: date, limit: int, offset: int) -> dict[str, Any]:
    """Escalated alerts under `region_prefix` ("" for everywhere), counts by community, and a page of them."""
    rows = views.query(f"SELECT * FROM alerts WHERE {PENDING} AND region LIKE ? "
                       "ORDER BY escalated_on, raised_on, alert_id", (f"{region_prefix}%",))
    communities: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        communities[(row["region"] or "")[:12]].append(row)
    return {
        "total": len(rows),
        "by_community": [{"community": c, "escalated": len(alerts), "oldest_escalated_on": alerts[0]["escalated_on"],
                          "unassigned": sum(a["assigned_to"] is None for a in alerts)}
                         for c, alerts in sorted(communities.items())],
        "alerts": [dict(row_to_json(r), days_escalated=_days(r["escalated_on"], today))
                   for r in rows[offset:offset + limit]],
    }


def _days(since: str | None, today: date) -> int | None:
    return (today - date.fromisoformat(since)).days if since else None
