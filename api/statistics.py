"""GET /api/v1/statistics/gaps: coverage-gap statistics by community × rule, within your jurisdiction."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from api.alerts import area_of
from api.auth import require
from api.problems import problem_responses
from domain.access import Action, Principal
from projections.gap_statistics import gap_statistics

router = APIRouter()


@router.get("/api/v1/statistics/gaps", responses=problem_responses(401, 403, 422))
def gaps(
    request: Request,
    region: str | None = Query(None, pattern="^[0-9]{2,12}$", description="narrow to a region under yours"),
    principal: Principal = Depends(require(Action.READ_STATISTICS)),
) -> dict[str, Any]:
    """Open, found this month, verified, resolved by outcome, median days to acknowledge and resolve."""
    runtime = request.app.state.runtime
    mine = area_of(principal) or ""
    prefix = region if region and region.startswith(mine) else mine
    today = runtime.assessor.clock() or date.today()
    return {"region": prefix or "all", "on": today.isoformat(),
            "communities": gap_statistics(runtime.views, prefix, today)}
