"""Read-view queries on the households table (household 360, the informant's grid)."""

from __future__ import annotations

from typing import Any


def household_row(views: Any, household_id: str) -> dict[str, Any] | None:
    rows = views.query("SELECT * FROM households WHERE household = ?", (household_id,))
    return rows[0] if rows else None


def household_alerts(views: Any, household_id: str) -> list[dict[str, Any]]:
    """The household's alerts, open ones first."""
    return views.query("SELECT * FROM alerts WHERE household = ? ORDER BY status DESC, raised_on", (household_id,))


def households_in_grid(views: Any, grid: str, limit: int = 500) -> list[dict[str, Any]]:
    """The households registered in a grid (id, address, members as recorded), for the informant's forms."""
    return views.query("SELECT household, address, members FROM households WHERE grid = ? ORDER BY household"
                       " LIMIT ?", (grid, limit))
