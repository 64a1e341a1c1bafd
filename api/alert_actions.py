"""Alert workflow actions under /api/v1/alerts/{id}/…: assign, acknowledge, request verification,
record the verification visit, resolve, reopen.

The alert aggregate decides what each action may do; these routes only read the
request, name the actor and today's date, and answer the alert's workflow
fields or a problem+json (404 unknown alert, 409 refused transition, 422 a bad
value). Every route takes its actor from `_actor`, the one place that changes
when the actor becomes the authenticated user instead of a body field.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.problems import problem_response
from domain.alert import Alert
from infra.alert_workflow import AlertActionError

router = APIRouter()

PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such alert (problem+json)"},
    409: {"description": "the action is not allowed in the alert's current state (problem+json)"},
    422: {"description": "a value is missing or outside its vocabulary (problem+json)"},
}
BY = Field(None, min_length=1, description="user name of the actor (until requests are authenticated)")


class Actor(BaseModel):
    by: str | None = BY


class Assign(Actor):
    to: str = Field(min_length=1, description="user name of the caseworker who gets the alert")


class RequestVerification(Actor):
    grid: str | None = Field(None, min_length=1, description="only for alerts raised before they carried the "
                                                             "household's grid: where the visit task goes")


class RecordVerification(Actor):
    outcome: str = Field(description="found_as_reported / situation_changed / could_not_reach")
    note: str = ""
    visited_on: date | None = Field(None, description="the day of the visit (default: today)")


class Resolve(Actor):
    outcome: str = Field(description="enrolled / referred / not_eligible / duplicate / other")
    note: str = Field("", description="what was done; required for `other`")


class Reopen(Actor):
    reason: str = Field(min_length=1, description="why the resolution is taken back")


class AlertWorkflowState(BaseModel):
    """What every action answers: the alert's workflow fields after it."""

    alert_id: str
    status: str
    state: str
    assigned_to: str | None
    acknowledged_by: str | None
    verification: dict[str, Any] | None
    close_reason: str | None


def _actor(request: Request, body: Actor | None) -> str:
    """Who acts: the body's `by` for now; the authenticated user's name once requests carry one."""
    if body is None or body.by is None or not body.by.strip():
        raise AlertActionError(422, "by is required: the user name of who acts", "缺少操作人 by（用户名）", field="by")
    return body.by


def _today(request: Request) -> date:
    return request.app.state.runtime.assessor.clock() or date.today()


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
def assign(request: Request, alert_id: str, body: Assign) -> Any:
    """Give the alert to a caseworker, or hand it over to another one while it is not closed."""
    workflow = request.app.state.runtime.workflow
    return _act(lambda: workflow.assign(alert_id, body.to, _actor(request, body), _today(request)))


@router.post("/api/v1/alerts/{alert_id}/acknowledge", response_model=AlertWorkflowState, responses=PROBLEMS)
def acknowledge(request: Request, alert_id: str, body: Actor | None = None) -> Any:
    """The caseworker takes the alert in hand (it is no longer escalated when late)."""
    workflow = request.app.state.runtime.workflow
    return _act(lambda: workflow.acknowledge(alert_id, _actor(request, body), _today(request)))


@router.post("/api/v1/alerts/{alert_id}/request-verification", response_model=AlertWorkflowState,
             responses=PROBLEMS)
def request_verification(request: Request, alert_id: str, body: RequestVerification | None = None) -> Any:
    """Dispatch a verification visit (核实) to the informant of the household's grid."""
    workflow = request.app.state.runtime.workflow
    grid = body.grid if body else None
    return _act(lambda: workflow.request_verification(alert_id, _actor(request, body), _today(request), grid=grid))


@router.post("/api/v1/alerts/{alert_id}/verification", response_model=AlertWorkflowState, responses=PROBLEMS)
def record_verification(request: Request, alert_id: str, body: RecordVerification) -> Any:
    """The informant records the visit that was asked for: what they found, and when."""
    workflow = request.app.state.runtime.workflow
    return _act(lambda: workflow.record_verification(alert_id, body.outcome, body.note, _actor(request, body),
                                                     _today(request), visited_on=body.visited_on))


@router.post("/api/v1/alerts/{alert_id}/resolve", response_model=AlertWorkflowState, responses=PROBLEMS)
def resolve(request: Request, alert_id: str, body: Resolve) -> Any:
    """Close with an outcome; `not_eligible` snoozes the rule for the household."""
    workflow = request.app.state.runtime.workflow
    return _act(lambda: workflow.resolve(alert_id, body.outcome, _actor(request, body), body.note, _today(request)))


@router.post("/api/v1/alerts/{alert_id}/reopen", response_model=AlertWorkflowState, responses=PROBLEMS)
def reopen(request: Request, alert_id: str, body: Reopen) -> Any:
    """Take a resolution back: the alert is open again and holds its slot (409 when a newer one does)."""
    workflow = request.app.state.runtime.workflow
    return _act(lambda: workflow.reopen(alert_id, body.reason, _actor(request, body), _today(request)))
