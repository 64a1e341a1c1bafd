"""GET /api/v1/tasks: the verification visits the informant of a grid has to make, oldest first, and the leads
sent to the grid (find the household and register it)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from api.http.auth import require
from api.http.dependencies import Views
from api.http.problems import problem_responses
from api.http.reads import record_alert_reads
from domain.identity.access import Action, Principal

from projections.leads import lead_tasks, shown_lead
from projections.tasks import open_tasks

router = APIRouter()
MAX_OFFSET = 1_000_000_000


@router.get("/api/v1/tasks", responses=problem_responses(401, 403, 422))
def list_tasks(
    request: Request,
    views: Views,
    principal: Principal = Depends(require(Action.RECORD_VERIFICATION)),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    """Open verification requests for your grid (who asked, when, about which alert), and `lead_tasks`: the
    people a department names that your grid is asked to find and register (name, masked ID number, address)."""
    grid = principal.jurisdiction
    total, tasks = open_tasks(views, grid, limit, offset)
    record_alert_reads(request, principal, ((t["household"], t["alert_id"]) for t in tasks))  # each task seen
    leads = [shown_lead(lead, principal.role) for lead in lead_tasks(views, grid)]
    return {"grid": grid, "total": total, "limit": limit, "offset": offset, "tasks": tasks, "lead_tasks": leads}
