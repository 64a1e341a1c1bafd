"""Alert workflow actions under /api/v1/alerts/{id}/…: assign, acknowledge, request verification,
record the verification visit, resolve, reopen.

The alert aggregate decides what each action may do; these routes only read the
request, name the actor and today's date, and answer the alert's workflow
fields or a problem+json (404 unknown alert, 409 refused transition, 422 a bad
value). The actor is always the authenticated user, never a body field; an alert
outside the user's jurisdiction answers 404, judged on the alert aggregate (see `acting_on`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Callable

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from api.http.auth import require
from api.http.dependencies import Access, Identity, Today, Workflow
from api.http.problems import problem_response, problem_responses
from api.http.reads import route_of
from domain.identity.access import Action, Principal, covers
from domain.alerts.alert import OUTCOMES, VERIFICATION_OUTCOMES, Alert
from domain.households.observations.shapes import NOT_BLANK_PATTERN
from domain.alerts.errors import AlertActionError
from domain.identity.application import IdentityApp
from domain.identity.authorizer import Authorizer, OutOfReach

router = APIRouter()
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

PROBLEMS: dict[int | str, dict[str, Any]] = problem_responses(
    400, 401, 403, 404, 409, 413, 422, e404="no such alert in your jurisdiction",
    e409="the action is not allowed in the alert's current state", e422="a value is missing or outside its vocabulary")


class Actor(BaseModel):
    """An action's body; who acts is the authenticated user."""


class Assign(Actor):
    to: str = Field(min_length=1, description="user name of the caseworker who gets the alert")


class RequestVerification(Actor):
    grid: str | None = Field(None, min_length=1, description="only for alerts raised before they carried the "
                                                             "household's grid: where the visit task goes")


def _iso_day(value: Any) -> Any:
    """YYYY-MM-DD only: pydantic alone reads 1764547200, or "2025-08-05T00:00:00", as a date."""
    if value is None or (isinstance(value, str) and _ISO_DAY.fullmatch(value)):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


# The vocabularies are documented from the aggregate's own tables; the aggregate still checks them (422).
class RecordVerification(Actor):
    outcome: str = Field(description="what the visit found", json_schema_extra={"enum": list(VERIFICATION_OUTCOMES)})
    note: str = ""
    visited_on: Annotated[date | None, BeforeValidator(_iso_day)] = Field(
        None, description="the day of the visit (default: today), not before the request")


class Resolve(Actor):
    model_config = ConfigDict(json_schema_extra={  # `other` must say, in the note, what was done
        "if": {"properties": {"outcome": {"const": "other"}}, "required": ["outcome"]},
        "then": {"properties": {"note": {"pattern": NOT_BLANK_PATTERN}}, "required": ["note"]}})

    outcome: str = Field(json_schema_extra={"enum": list(OUTCOMES)})
    note: str = Field("", description="what was done; required for `other`")


class Reopen(Actor):
    reason: str = Field(min_length=1, json_schema_extra={"pattern": NOT_BLANK_PATTERN},
                        description="why the resolution is taken back")


class AlertWorkflowState(BaseModel):
    """What every action answers: the alert's workflow fields after it."""

    alert_id: str
    status: str
    state: str
    assigned_to: str | None
    acknowledged_by: str | None
    verification: dict[str, Any] | None
    close_reason: str | None


def _authorized(request: Request, check: Callable[[Principal, str, str], Alert], principal: Principal,
                alert_id: str) -> Principal:
    """The principal, once `check` found the alert in the alerts store and within reach (else 404, as if absent)."""
    try:
        check(principal, alert_id, route_of(request))
    except OutOfReach:
        raise NoSuchAlert(alert_id) from None
    return principal


class NoSuchAlert(HTTPException):
    """The 404 of an unknown alert and of one outside the jurisdiction alike, naming the `alert` field."""

    def __init__(self, alert_id: str) -> None:
        super().__init__(404, f"no alert with id {alert_id}")
        self.errors = [{"field": "alert", "message": f"no alert with id {alert_id}",
                        "message_zh": f"预警 {alert_id} 不存在"}]


def acting_on(request: Request, alert_id: str, access: Access,
              principal: Principal = Depends(require(Action.ACT_ON_ALERT))) -> Principal:
    """A caseworker or supervisor acting on an alert of their jurisdiction, judged on the alert aggregate
    itself, never on a read view that may not have caught up (else 404, as if absent)."""
    return _authorized(request, access.alert, principal, alert_id)


def verifying(request: Request, alert_id: str, access: Access,
              principal: Principal = Depends(require(Action.RECORD_VERIFICATION))) -> Principal:
    """The informant of the grid the verification visit was sent to, by the alert aggregate (else 404)."""
    return _authorized(request, access.verification, principal, alert_id)


def _act(action: Callable[[], Alert]) -> Any:
    try:
        alert = action()
    except AlertActionError as error:
        problem = {"field": error.field, "message": str(error), "message_zh": error.message_zh}
        return problem_response(error.status, str(error), errors=[problem])
    return JSONResponse(AlertWorkflowState(
        alert_id=str(alert.id), status=alert.status, state=alert.state, assigned_to=alert.assigned_to,
        acknowledged_by=alert.acknowledged_by, verification=alert.verification, close_reason=alert.close_reason,
    ).model_dump())


@router.post("/api/v1/alerts/{alert_id}/assign", response_model=AlertWorkflowState, responses=PROBLEMS)
def assign(alert_id: str, body: Assign, workflow: Workflow, today: Today, identity: Identity, access: Access,
           principal: Principal = Depends(acting_on)) -> Any:
    """Give the alert to a caseworker, or hand it over to another one while it is not closed."""
    problem = _assignee_problem(identity, access, alert_id, body.to)
    if problem is not None:
        return problem
    return _act(lambda: workflow.assign(alert_id, body.to, principal.name, today))


def _assignee_problem(identity: IdentityApp, access: Authorizer, alert_id: str, to: str) -> Any:
    """An alert is assigned to a caseworker whose jurisdiction holds it (422 naming `to` otherwise)."""
    alert = access.load_alert(alert_id)
    try:
        user = identity.user(to)
    except Exception:  # noqa: BLE001 - an unknown user is answered like a wrong one
        user = None
    assignee = Principal(user.name, user.role, user.jurisdiction) if user is not None and not user.revoked else None
    place = access.alert_place(alert) if alert is not None else None
    if assignee is not None and assignee.role == "caseworker" and place is not None and covers(
            assignee, place.region, place.grid):
        return None
    message = f"{to} is not a caseworker of this alert's jurisdiction"
    return problem_response(422, message, errors=[{"field": "to", "message": message,
                                                   "message_zh": f"{to} 不是该预警所在辖区的经办人员"}])


@router.post("/api/v1/alerts/{alert_id}/acknowledge", response_model=AlertWorkflowState, responses=PROBLEMS)
def acknowledge(alert_id: str, workflow: Workflow, today: Today, body: Actor | None = None,
                principal: Principal = Depends(acting_on)) -> Any:
    """The caseworker takes the alert in hand (it is no longer escalated when late)."""
    return _act(lambda: workflow.acknowledge(alert_id, principal.name, today))


@router.post("/api/v1/alerts/{alert_id}/request-verification", response_model=AlertWorkflowState,
             responses=PROBLEMS)
def request_verification(alert_id: str, workflow: Workflow, today: Today, body: RequestVerification | None = None,
                         principal: Principal = Depends(acting_on)) -> Any:
    """Dispatch a verification visit (核实) to the informant of the household's grid."""
    grid = body.grid if body else None
    return _act(lambda: workflow.request_verification(alert_id, principal.name, today, grid=grid))


@router.post("/api/v1/alerts/{alert_id}/verification", response_model=AlertWorkflowState, responses=PROBLEMS)
def record_verification(alert_id: str, body: RecordVerification, workflow: Workflow, today: Today,
                        principal: Principal = Depends(verifying)) -> Any:
    """The informant records the visit that was asked for: what they found, and when."""
    return _act(lambda: workflow.record_verification(alert_id, body.outcome, body.note, principal.name,
                                                     today, visited_on=body.visited_on))


@router.post("/api/v1/alerts/{alert_id}/resolve", response_model=AlertWorkflowState, responses=PROBLEMS)
def resolve(alert_id: str, body: Resolve, workflow: Workflow, today: Today,
            principal: Principal = Depends(acting_on)) -> Any:
    """Close with an outcome; `not_eligible` snoozes the rule for the household."""
    return _act(lambda: workflow.resolve(alert_id, body.outcome, principal.name, body.note, today))


@router.post("/api/v1/alerts/{alert_id}/reopen", response_model=AlertWorkflowState, responses=PROBLEMS)
def reopen(alert_id: str, body: Reopen, workflow: Workflow, today: Today,
           principal: Principal = Depends(acting_on)) -> Any:
    """Take a resolution back: the alert is open again and holds its slot (409 when a newer one does)."""
    return _act(lambda: workflow.reopen(alert_id, body.reason, principal.name, today))
