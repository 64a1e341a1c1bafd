"""POST /api/v1/observations/{id}/correction and /retraction: an informant fixes what they sent.

The household decides (`domain.households.household`): only the sender may correct or retract, a
correction keeps the kind and household, a registration is corrected, never retracted.
The body of a correction is a whole observation with its own `observation_id`, so a
re-sent correction is a duplicate and changes nothing; retracting twice answers 200.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.http.auth import current_principal
from api.http.dependencies import corrections as service
from api.http.observation_schemas import SCHEMA_REF, Observation
from api.http.problems import MEDIA_TYPE, problem, problem_response, problem_responses
from domain.identity.access import Principal
from domain.households.intake_limits import MAX_ID
from domain.households.observations.shapes import IDENTIFIER_PATTERN, NOT_BLANK_PATTERN
from domain.households.application import HouseholdsApp
from domain.households.intake import Outcome

router = APIRouter()
ObservationId = Annotated[str, Path(min_length=1, max_length=MAX_ID, pattern=IDENTIFIER_PATTERN,
                                    description="the observation you sent, as it is in force now")]

PROBLEMS = problem_responses(
    400, 401, 403, 404, 409, 413, 422, e403="you did not send that observation, or may not send its kind",
    e404="no such observation in your jurisdiction",
    e409="it was corrected or retracted already, or the new observation_id is in use")


class Revision(BaseModel):
    observation_id: str = Field(description="the observation in force now (the correction's own id)")
    status: Literal["accepted", "duplicate", "retracted"]
    household: str | None = None
    corrects: str | None = Field(None, description="the observation replaced")
    retracts: str | None = Field(None, description="the observation withdrawn")


class Retraction(BaseModel):
    reason: str = Field(min_length=1, max_length=500, pattern=NOT_BLANK_PATTERN,
                        description="why it is withdrawn (e.g. 录错了户 / reported the wrong household)")


CORRECTION_BODY: dict[str, Any] = {
    "required": True,
    "description": "the whole observation as it should have been, with a new `observation_id`; the same kind "
                   "and household as the one it corrects",
    "content": {"application/json": {"schema": {"$ref": SCHEMA_REF.format(model=Observation.__name__)}}},
}


def _answer(outcome: Outcome, **extra: str) -> JSONResponse:
    if outcome.status == "rejected":
        body = outcome.to_json()
        fields = ", ".join(e["field"] for e in body["errors"])
        return JSONResponse(problem(outcome.http_status, f"refused; check: {fields}", errors=body["errors"],
                                    observation_id=outcome.observation_id),
                            status_code=outcome.http_status, media_type=MEDIA_TYPE)
    revision = Revision(observation_id=outcome.observation_id or "", status=outcome.status,  # type: ignore[arg-type]
                        household=outcome.household, **extra)
    return JSONResponse(revision.model_dump(exclude_none=True),
                        status_code=202 if outcome.status == "accepted" else 200)


@router.post("/api/v1/observations/{observation_id}/correction", status_code=202,
             openapi_extra={"requestBody": CORRECTION_BODY},
             responses={200: {"model": Revision, "description": "a re-sent correction: nothing changed"},
                        202: {"model": Revision, "description": "the correction is in force"}, **PROBLEMS})
async def correct(observation_id: ObservationId, request: Request, principal: Principal = Depends(current_principal),
                  corrections: HouseholdsApp = Depends(service)) -> JSONResponse:
    """Replace an observation you sent by a corrected one (更正). History keeps both; the household's
    state and alerts follow the correction."""
    try:
        body = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return problem_response(400, f"request body is not valid JSON: {error}")
    if not isinstance(body, dict):
        return problem_response(422, "the correction must be one observation (a JSON object)",
                                errors=[{"field": "", "message": "expected an object", "message_zh": "必须是对象"}])
    return _answer(corrections.correct(observation_id, body, principal), corrects=observation_id)


@router.post("/api/v1/observations/{observation_id}/retraction", response_model=Revision,
             responses={200: {"model": Revision, "description": "retracted (now, or before)"}, **PROBLEMS})
def retract(observation_id: ObservationId, body: Retraction, principal: Principal = Depends(current_principal),
            corrections: HouseholdsApp = Depends(service)) -> JSONResponse:
    """Withdraw an observation you sent (撤回), e.g. one sent for the wrong household."""
    return _answer(corrections.retract(observation_id, body.reason, principal), retracts=observation_id)
