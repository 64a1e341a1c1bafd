"""Policy parameters: what is in force for a region on a date, and adding dated values."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.problems import problem_response
from infra.policy_service import PolicyError

router = APIRouter()


class NewValue(BaseModel):
    name: str = Field(examples=["dibao.standard_monthly.urban"])
    region: str = Field(pattern="^[0-9]{2,12}$", examples=["500000"])
    effective_from: date = Field(alias="from")
    value: Any
    set_by: str = Field(min_length=1)
    reason: str = ""


@router.get("/api/v1/parameters")
def in_force(
    request: Request,
    region: str = Query(..., pattern="^[0-9]{2,12}$"),
    on: date | None = None,
) -> dict[str, Any]:
    """Every parameter's value for the region on the date (default: the clock), with its origin."""
    runtime = request.app.state.runtime
    day = on or runtime.worker.clock() or date.today()
    table = runtime.policy.table()
    names = table.names()
    values = {name: table.lookup(name, region, day) for name in names}
    return {
        "region": region,
        "on": day.isoformat(),
        "values": {name: r.to_json() for name, r in values.items() if r is not None},
        "missing": [name for name, r in values.items() if r is None],
    }


@router.post("/api/v1/parameters", status_code=201)
def add_value(request: Request, body: NewValue) -> Any:
    """Add a dated value; recorded as an event, and every household is judged again."""
    try:
        request.app.state.runtime.policy.set_value(
            body.name, body.region, body.effective_from, body.value, body.set_by, body.reason
        )
    except PolicyError as error:
        return problem_response(422, str(error), errors=[{"field": "name", "message": str(error),
                                                          "message_zh": "参数值无效"}])
    return JSONResponse({"name": body.name, "region": body.region, "from": body.effective_from.isoformat(),
                         "value": body.value}, status_code=201)
