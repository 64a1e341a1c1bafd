"""POST /api/v1/observations: one envelope, or {"observations": [...]}, answered per item."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from api.http.observation_schemas import REQUEST_BODY, RESPONSES
from api.http.problems import MEDIA_TYPE, problem, problem_response, problem_responses
from domain.households.intake_limits import MAX_BATCH
from api.http.auth import current_principal
from api.http.dependencies import Intake
from domain.identity.access import Principal
from domain.households.application import HouseholdsApp
from domain.households.intake import Gate, Outcome, gate_for

router = APIRouter()


def _item_problem(outcome: Outcome) -> dict[str, Any]:
    body = outcome.to_json()
    fields = ", ".join(e["field"] for e in body["errors"])
    return problem(outcome.http_status, f"observation rejected; check: {fields}", errors=body["errors"], index=outcome.index,
                   observation_id=outcome.observation_id)


# The body is read raw, so that the domain validator judges every item (naming fields in Chinese and
# English) and answers per item; its schema, generated from the same vocabulary, is documented here.
@router.post("/api/v1/observations", status_code=202, openapi_extra={"requestBody": REQUEST_BODY},
             responses={**RESPONSES, **problem_responses(
                 400, 401, 403, 404, 409, 413, e403="your role may not submit this kind, or not there",
                 e404="the household or resident it names is unknown (in your jurisdiction)",
                 e409="the household is registered already, or a resident id is in use")})
async def post_observations(request: Request, intake: Intake,
                            principal: Principal = Depends(current_principal)) -> JSONResponse:
    """Accept observations; a bad item never loses the good items of its batch. Each item is recorded
    as observed by you (an `informant` field is replaced by your user name), and only what your role
    may submit, where you may submit it, is accepted (403 / 404 per item)."""
    try:
        body = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return problem_response(400, f"request body is not valid JSON: {error}")
    gate = gate_for(principal)
    if isinstance(body, dict) and "observations" in body:
        return _batch(intake, _as(principal, body["observations"]), gate)
    outcome = intake.accept(_as(principal, [body])[0], gate)
    if outcome.status == "rejected":
        return JSONResponse(_item_problem(outcome), status_code=outcome.http_status, media_type=MEDIA_TYPE)
    return JSONResponse(outcome.to_json(), status_code=outcome.http_status)


def _as(principal: Principal, items: Any) -> Any:
    """The items as observed by the authenticated user (the actor is never a field of the body)."""
    if not isinstance(items, list):
        return items
    return [dict(item, informant=principal.name) if isinstance(item, dict) else item for item in items]


def _batch(intake: HouseholdsApp, items: Any, gate: Gate) -> JSONResponse:
    if not isinstance(items, list) or not items:
        return problem_response(422, "observations must be a non-empty list",
                                errors=[{"field": "observations", "message": "expected a non-empty list",
                                         "message_zh": "observations 必须是非空列表"}])
    if len(items) > MAX_BATCH:
        return problem_response(422, f"a batch holds at most {MAX_BATCH} observations",
                                errors=[{"field": "observations", "message": f"at most {MAX_BATCH} items",
                                         "message_zh": f"每批最多 {MAX_BATCH} 条"}])
    outcomes = intake.accept_batch(items, gate)
    results = [_item_problem(o) if o.status == "rejected" else o.to_json() for o in outcomes]
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in ("accepted", "duplicate", "rejected")}
    status = 422 if counts["rejected"] == len(outcomes) else 207 if counts["rejected"] else 202
    return JSONResponse({**counts, "results": results}, status_code=status)
