"""Supervisors' and auditors' views within their jurisdiction: coverage-gap statistics by community × rule,
informant activity by informant and grid, and the escalations still waiting for a caseworker."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from api.http.routes.alerts import area_of
from api.http.auth import require
from api.http.dependencies import Today, Views
from api.http.problems import problem_responses
from api.http.reads import record_reads
from api.http.regions import RegionQuery
from domain.identity.access import Action, Principal
from domain.region_codes import narrowed
from projections.escalations import escalations
from projections.gap_statistics import gap_statistics
from projections.informant_activity import activity

router = APIRouter()
MONTH = "^[0-9]{4}-(0[1-9]|1[0-2])$"


def _area(principal: Principal, region: str | None) -> str:
    """The region prefix to read: the one asked for when it lies within yours, else yours."""
    mine = area_of(principal) or ""
    return narrowed(mine, region)


@router.get("/api/v1/statistics/gaps", responses=problem_responses(401, 403, 422))
def gaps(
    views: Views,
    today: Today,
    region: RegionQuery = None,
    principal: Principal = Depends(require(Action.READ_STATISTICS)),
) -> dict[str, Any]:
    """Open, found this month, verified, resolved by outcome, median days to acknowledge and resolve."""
    prefix = _area(principal, region)
    return {"region": prefix or "all", "on": today.isoformat(),
            "communities": gap_statistics(views, prefix, today)}


@router.get("/api/v1/statistics/informants", responses=problem_responses(401, 403, 422))
def informants(
    views: Views,
    region: RegionQuery = None,
    grid: str | None = Query(None, min_length=1, max_length=32, description="only this grid"),
    since: str | None = Query(None, alias="from", pattern=MONTH, description="first month, YYYY-MM"),
    until: str | None = Query(None, alias="to", pattern=MONTH, description="last month, YYYY-MM"),
    principal: Principal = Depends(require(Action.READ_STATISTICS)),
) -> dict[str, Any]:
    """Per informant and grid: observations sent (registrations, visits), corrections, retractions and
    verification visits recorded, in the months asked (by when they were recorded, China time)."""
    prefix = _area(principal, region)
    rows = activity(views, prefix, grid, since, until)
    return {"region": prefix or "all", "from": since, "to": until, "informants": rows}


@router.get("/api/v1/escalations", responses=problem_responses(401, 403, 422))
def escalated(
    request: Request,
    views: Views,
    today: Today,
    region: RegionQuery = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=1_000_000),
    principal: Principal = Depends(require(Action.READ_ESCALATIONS)),
) -> dict[str, Any]:
    """Alerts escalated to supervisors (not acknowledged in time) and still waiting, oldest first, with
    the count per community and how many nobody has been assigned."""
    prefix = _area(principal, region)
    listed = escalations(views, prefix, today, limit, offset)
    record_reads(request, principal, (a["household"] for a in listed["alerts"]))
    return {"region": prefix or "all", "on": today.isoformat(), **listed}
