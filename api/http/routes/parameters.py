"""Policy parameters: what is in force for a region on a date, and adding dated values."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, BeforeValidator, Field

from api.http.auth import require
from api.http.dependencies import Policy, Today
from api.http.problems import problem_response, problem_responses
from api.http.regions import RequiredRegion, region_schema
from domain.identity.access import Action, Principal
from domain.policy.parameter_types import EFFECTIVE_DATE_PATTERN, effective_date
from domain.policy.parameters import Resolved, Unusable
from domain.policy.policy_service import PolicyError

router = APIRouter()


def _iso_day(value: Any) -> date | None:
    """Only YYYY-MM-DD: lax date parsing would read `0` as 1970-01-01."""
    return None if value is None else effective_date(value)


class NewValue(BaseModel):
    name: str = Field(examples=["dibao.standard_monthly.urban"])
    # Read by level and checked by the policy service, which names `region` with the reason.
    region: str = Field(examples=["500000"], json_schema_extra=region_schema)
    # Checked by the policy service (YYYY-MM-DD only), so that `0` or `null` is refused, not read as a date.
    effective_from: Any = Field(alias="from", examples=["2025-07-01"],
                                json_schema_extra={"type": "string", "format": "date",
                                                   "pattern": EFFECTIVE_DATE_PATTERN})
    value: Any = Field(examples=[770], description="of the parameter's declared type (RULES.md § Parameters)")
    reason: str = ""


@router.get("/api/v1/parameters", responses=problem_responses(401, 403, 422))
def in_force(
    policy: Policy,
    today: Today,
    region: RequiredRegion,
    principal: Principal = Depends(require(Action.READ_PARAMETERS)),
    on: Annotated[date | None, BeforeValidator(_iso_day),
                  Query(description="YYYY-MM-DD (default: the clock)",
                        json_schema_extra={"pattern": EFFECTIVE_DATE_PATTERN})] = None,
) -> dict[str, Any]:
    """Every parameter's value for the region on the date (default: the clock), with its origin;
    a value in force that no rule can use is listed under `unusable`, not as a value."""
    day = on or today
    table = policy.table()
    found = {name: table.find(name, region, day) for name in table.names()}
    return {
        "region": region,
        "on": day.isoformat(),
        "values": {name: r.to_json() for name, r in found.items() if isinstance(r, Resolved)},
        "missing": [name for name, r in found.items() if r is None],
        "unusable": [r.to_json() for r in found.values() if isinstance(r, Unusable)],
    }


@router.post("/api/v1/parameters", status_code=201, responses=problem_responses(
    400, 401, 403, 413, 422, e422="an unknown parameter, or a value or date it cannot take (named in `errors`)"))
def add_value(body: NewValue, policy: Policy,
              principal: Principal = Depends(require(Action.SET_PARAMETERS))) -> Any:
    """Add a dated value; recorded as an event, and every household is judged again.
    A value of the wrong type or range is refused (422 naming `value`) and nothing is stored."""
    try:
        stored = policy.set_value(
            body.name, body.region, body.effective_from, body.value, principal.name, body.reason
        )
    except PolicyError as error:
        return problem_response(422, str(error), errors=[p.to_json() for p in error.problems])
    return JSONResponse({"name": stored.name, "region": body.region, "from": stored.effective_from.isoformat(),
                         "value": stored.value}, status_code=201)
