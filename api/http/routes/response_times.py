"""GET /api/v1/audit/response-times: observation → alert → acknowledgement → visit → resolution.

For auditors (everywhere) and supervisors (under their jurisdiction), grouped by community,
rule or caseworker; computed from the log in `projections.response_times`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, BeforeValidator, Field

from api.http.routes.alerts import area_of
from api.http.auth import require
from api.http.dependencies import Reports, Views
from api.http.problems import problem_responses
from api.http.regions import RegionQuery
from domain.identity.access import Action, Principal
from domain.policy.parameter_types import EFFECTIVE_DATE_PATTERN, effective_date
from domain.region_codes import narrowed
from projections.response_times import response_times_report

router = APIRouter()


def _iso_day(value: Any) -> date | None:
    """Only YYYY-MM-DD: lax date parsing would read `0` as 1970-01-01."""
    return None if value is None else effective_date(value)


def _day_query(alias: str, description: str) -> Any:
    return Query(alias=alias, description=f"{description} (YYYY-MM-DD)",
                 json_schema_extra={"pattern": EFFECTIVE_DATE_PATTERN})


class StageSummary(BaseModel):
    """One stage over a group's alerts: the SLA's unit for median/p90, and calendar days."""

    count: int = Field(description="alerts that went through this stage")
    counted_in: Literal["working_days", "calendar_days", "mixed"] | None = Field(
        description="unit of median and p90: working days, but calendar days for critical alerts (domain/alerts/sla.py)")
    median: float | None
    p90: float | None = Field(description="90th percentile")
    median_calendar_days: float | None
    p90_calendar_days: float | None


class Stages(BaseModel):
    observation_to_alert: StageSummary = Field(description="latest evidence observation happened → alert raised")
    alert_to_acknowledgement: StageSummary
    acknowledgement_to_visit: StageSummary = Field(description="acknowledged → verification visit made")
    visit_to_resolution: StageSummary
    alert_to_resolution: StageSummary


class ResponseTimeGroup(BaseModel):
    group: str = Field(description="community code, rule id or caseworker (`unassigned`: nobody took it)")
    alerts: int
    stages: Stages


class ResponseTimes(BaseModel):
    group_by: Literal["community", "rule", "caseworker"]
    region: str = Field(description="the region prefix covered (`all`: everywhere)")
    raised_from: date | None
    raised_to: date | None
    groups: list[ResponseTimeGroup]


@router.get("/api/v1/audit/response-times", response_model=ResponseTimes, responses=problem_responses(401, 403, 422))
def get_response_times(
    views: Views,
    reports: Reports,
    group_by: Literal["community", "rule", "caseworker"] = Query("community"),
    region: RegionQuery = None,
    start: Annotated[date | None, BeforeValidator(_iso_day), _day_query("from", "alerts raised on or after")] = None,
    end: Annotated[date | None, BeforeValidator(_iso_day), _day_query("to", "alerts raised on or before")] = None,
    principal: Principal = Depends(require(Action.READ_STATISTICS)),
) -> ResponseTimes:
    """Median and 90th percentile of each stage, by community, rule or caseworker."""
    mine = area_of(principal) or ""
    prefix = narrowed(mine, region)
    groups = response_times_report(reports, views, prefix, start, end, group_by)
    return ResponseTimes.model_validate({"group_by": group_by, "region": prefix or "all", "raised_from": start,
                                         "raised_to": end, "groups": groups})
