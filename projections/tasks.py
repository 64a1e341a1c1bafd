"""The informant's task list: verification visits asked of a grid and not yet recorded, oldest first.

A task is an alert in state `verification_requested` whose request went to the
grid; it leaves the list when the visit is recorded or when the alert closes
(resolved, or cleared because its condition stopped holding).
"""

from __future__ import annotations

from typing import Any

from domain.alerts.alert import VERIFICATION_REQUESTED
from projections.view_store import ViewStore

COLUMNS = ("alert_id, household, region, grid, rule, severity, title_zh, title_en, raised_on, assigned_to,"
           " verification_requested_on, verification_requested_by, verification_grid")


def open_tasks(views: ViewStore, grid: str, limit: int = 100, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
    """(how many, one page of) the grid's open verification tasks, the longest waiting first."""
    where = "WHERE verification_grid = ? AND state = ?"
    params = (grid, VERIFICATION_REQUESTED)
    total = views.query(f"SELECT COUNT(*) AS n FROM alerts {where}", params)[0]["n"]
    rows = views.query(
        f"SELECT {COLUMNS} FROM alerts {where} ORDER BY verification_requested_on, raised_on, alert_id"
        " LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    return total, [task_to_json(row) for row in rows]


def task_to_json(row: dict[str, Any]) -> dict[str, Any]:
    """The API form of a task: the alert it verifies and the request."""
    return {
        "alert_id": row["alert_id"],
        "household": row["household"],
        "region": row["region"],
        "grid": row["verification_grid"],
        "rule": row["rule"],
        "severity": row["severity"],
        "title": {"zh": row["title_zh"], "en": row["title_en"]},
        "raised_on": row["raised_on"],
        "assigned_to": row["assigned_to"],
        "requested_on": row["verification_requested_on"],
        "requested_by": row["verification_requested_by"],
    }
