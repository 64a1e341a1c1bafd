"""GET /api/v1/tasks?grid=…: the verification visits a grid's informant has to make, oldest first."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from projections.tasks import open_tasks

router = APIRouter()
MAX_OFFSET = 1_000_000_000


@router.get("/api/v1/tasks")
def list_tasks(
    request: Request,
    grid: str = Query(min_length=1, max_length=64, description="the grid code the visits were sent to"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    """Open verification requests for the grid (who asked, when, about which alert)."""
    total, tasks = open_tasks(request.app.state.runtime.views, grid, limit, offset)
    return {"grid": grid, "total": total, "limit": limit, "offset": offset, "tasks": tasks}
