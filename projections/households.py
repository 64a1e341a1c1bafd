"""Read-view queries on the households table (household 360, the informant's grid)."""

from __future__ import annotations

import json
from typing import Any


def _revealed(views: Any, row: dict[str, Any]) -> dict[str, Any]:
    """The row with its sealed address and member names opened (projections/sealing.py)."""
    row = views.sealer.reveal_fields(row, "address")
    if row.get("members"):
        members = [views.sealer.reveal_fields(m, "name") for m in json.loads(row["members"])]
        row = {**row, "members": json.dumps(members, ensure_ascii=False)}
    return row


def household_row(views: Any, household_id: str) -> dict[str, Any] | None:
    rows = views.query("SELECT * FROM households WHERE household = ?", (household_id,))
    return _revealed(views, rows[0]) if rows else None


def household_alerts(views: Any, household_id: str) -> list[dict[str, Any]]:
    """The household's alerts, open ones first."""
    return views.query("SELECT * FROM alerts WHERE household = ? ORDER BY status DESC, raised_on", (household_id,))


def households_in_grid(views: Any, grid: str, limit: int = 500) -> list[dict[str, Any]]:
    """The households registered in a grid (id, address, members as recorded), for the informant's forms."""
    rows = views.query("SELECT household, address, members FROM households WHERE grid = ? ORDER BY household"
                       " LIMIT ?", (grid, limit))
    return [_revealed(views, row) for row in rows]
