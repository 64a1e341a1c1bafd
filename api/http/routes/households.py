"""GET /api/v1/households/{id}: the household, its alerts and what the rules see now."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException

from api.http.auth import require
from api.http.dependencies import AllServices
from api.http.household_view import household_360
from api.http.problems import problem_responses
from domain.identity.access import Action, Principal

router = APIRouter()


@router.get("/api/v1/households/{household_id}",
            responses=problem_responses(401, 403, 404, 422, e404="no such household in your jurisdiction"))
def get_household(household_id: str, services: AllServices,
                  principal: Principal = Depends(require(Action.READ_HOUSEHOLD))) -> dict[str, Any]:
    """The household 360 view; outside your jurisdiction it does not exist (404). Names and ID numbers
    are masked unless your job needs them (caseworkers of the jurisdiction)."""
    view = household_360(services, principal, household_id, "GET /api/v1/households/{id}")
    if view is None:
        raise HTTPException(404, f"no household with id {household_id} / 家庭 {household_id} 不存在")
    return view
