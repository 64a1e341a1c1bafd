"""GET /api/v1/audit/equity: per group, who is found, resolved as enrolled, and how fast.

For auditors (everywhere) and supervisors (under their jurisdiction); computed in
`projections.equity` from the households store and the alert queue view.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from api.http.routes.alerts import area_of
from api.http.auth import require
from api.http.dependencies import Reports, Today, Views
from api.http.problems import problem_responses
from api.http.regions import RegionQuery
from domain.identity.access import Action, Principal
from domain.region_codes import narrowed
from projections.equity import equity_report

router = APIRouter()


class CategoryShares(BaseModel):
    """Share of the group's residents with an open or past alert of each category."""

    NEED: float | None
    MISSED: float | None
    LAPSED: float | None
    LATE: float | None


class EquityGroup(BaseModel):
    group: str
    residents: int
    population_share: float | None = Field(description="the group's share of all residents in the region")
    with_alert: CategoryShares
    any_alert: float | None = Field(description="share of the group's residents with any alert")
    resolved_enrolled: float | None = Field(
        description="of those with an alert, the share with one resolved as enrolled")
    median_days_to_resolution: float | None = Field(description="calendar days, raised → resolved by a caseworker")


class EquityGroups(BaseModel):
    hukou: list[EquityGroup]
    sex: list[EquityGroup]
    age_band: list[EquityGroup] = Field(description="0-17, 18-59, 60-79, 80+ (today, or at death)")
    disability: list[EquityGroup] = Field(description="disabled: a disability assessment was recorded")
    community: list[EquityGroup]


class EquityReport(BaseModel):
    region: str = Field(description="the region prefix covered (`all`: everywhere)")
    on: date
    residents: int
    groups: EquityGroups


@router.get("/api/v1/audit/equity", response_model=EquityReport, responses=problem_responses(401, 403, 422))
def get_equity(
    views: Views,
    reports: Reports,
    today: Today,
    region: RegionQuery = None,
    principal: Principal = Depends(require(Action.READ_STATISTICS)),
) -> EquityReport:
    """By hukou, sex, age band, disability and community: alert shares next to population shares."""
    mine = area_of(principal) or ""
    prefix = narrowed(mine, region)
    found = equity_report(reports, views, prefix, today)
    return EquityReport.model_validate({"region": prefix or "all", "on": today, **found})
