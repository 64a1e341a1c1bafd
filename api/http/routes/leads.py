"""Leads (线索) under /api/v1/leads: people a department's data names and no household of ours holds.

A supervisor lists the leads of their region and sends one to a grid's informant as a task (找到这户并登记),
or dismisses it; admins read every region. The lead aggregate decides what each step may do; these routes
read the request and answer the lead or a problem+json (404 unknown or outside the jurisdiction, 409 a step
its state refuses, 422 a grid or reason that cannot be used).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.http.auth import require
from api.http.dependencies import Households, Identity, Today, Views
from api.http.problems import problem_response, problem_responses
from domain.identity.access import Action, Principal, scope_of
from domain.identity.application import IdentityApp
from domain.leads.errors import LeadRefused
from domain.leads.lead import DISMISS_REASONS, STATES, Lead
from projections.leads import leads_in, shown_lead

router = APIRouter()
MAX_OFFSET = 1_000_000_000
PROBLEMS: dict[int | str, dict[str, Any]] = problem_responses(
    400, 401, 403, 404, 409, 413, 422, e404="no such lead in your jurisdiction",
    e409="the step is not allowed in the lead's current state", e422="a grid or reason that cannot be used")


class LeadWhat(BaseModel):
    zh: str
    en: str


class LeadRow(BaseModel):
    """One lead as the list shows it: the masked ID number only; supervisors see the name masked too."""

    lead_id: str
    department: str = Field(description="the department whose data named the person (e.g. education)")
    what: LeadWhat = Field(description="what the department's row says, in Chinese and English")
    masked_id: str
    name: str | None
    region: str
    address: str | None
    data: dict[str, Any] = Field(description="the row's data as the mapping read it")
    state: str = Field(json_schema_extra={"enum": list(STATES)})
    grid: str | None = Field(description="the grid the lead was sent to")
    raised_on: str | None
    raised_by: str | None
    line: int | None = Field(description="the line of the imported file")
    dispatched_on: str | None
    dispatched_by: str | None
    closed_on: str | None
    closed_by: str | None
    close_reason: str | None = Field(description="found, or the dismissal's reason")
    household: str | None = Field(description="the household registered for the person (found)")


class LeadList(BaseModel):
    total: int
    limit: int
    offset: int
    leads: list[LeadRow]


class Dispatch(BaseModel):
    grid: str = Field(min_length=1, max_length=40, description="the grid code whose informant gets the task")


class Dismiss(BaseModel):
    reason: str = Field(json_schema_extra={"enum": list(DISMISS_REASONS)})


class LeadState(BaseModel):
    """What each step answers: the lead's state after it."""

    lead_id: str
    state: str
    grid: str | None
    close_reason: str | None


@router.get("/api/v1/leads", response_model=LeadList, responses=problem_responses(401, 403, 422))
def list_leads(views: Views, principal: Principal = Depends(require(Action.READ_LEADS)),
               state: str | None = Query(None, json_schema_extra={"enum": list(STATES)}),
               limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0, le=MAX_OFFSET)) -> Any:
    """The leads of your region (admins: every region), open ones first, the oldest first."""
    if state is not None and state not in STATES:
        message = f"state must be one of {', '.join(STATES)}"
        return problem_response(422, message, errors=[{"field": "state", "message": message,
                                                       "message_zh": "状态必须是：待派发、已派发、已找到、已撤销"}])
    total, rows = leads_in(views, scope_of(principal), state, limit, offset)
    return {"total": total, "limit": limit, "offset": offset,
            "leads": [shown_lead(row, principal.role) for row in rows]}


def known_grid(identity: IdentityApp, grid: str) -> bool:
    """Whether `grid` is a grid of the jurisdiction tree (tasks go to a grid someone serves)."""
    node = identity.find_jurisdiction(grid)
    return node is not None and node.level == "grid"


def _answer(lead: Lead) -> JSONResponse:
    return JSONResponse(LeadState(lead_id=lead.lead_id, state=lead.state, grid=lead.grid,
                                  close_reason=lead.close_reason).model_dump())


def refusal(error: LeadRefused) -> JSONResponse:
    return problem_response(error.status, error.message, errors=[
        {"field": error.field, "message": error.message, "message_zh": error.message_zh}])


@router.post("/api/v1/leads/{lead_id}/dispatch", response_model=LeadState, responses=PROBLEMS)
def dispatch(lead_id: str, body: Dispatch, households: Households, identity: Identity, today: Today,
             principal: Principal = Depends(require(Action.ACT_ON_LEAD))) -> Any:
    """Send the lead to the informant of a grid of your jurisdiction: a task to find the household and register it."""
    try:
        if not known_grid(identity, body.grid):
            households.lead_in_reach(lead_id, principal)  # an unknown lead is a 404 whatever the grid
            raise LeadRefused(f"no grid {body.grid}", f"没有网格 {body.grid}", 422, "grid")
        return _answer(households.dispatch_lead(lead_id, body.grid, principal, today))
    except LeadRefused as error:
        return refusal(error)


@router.post("/api/v1/leads/{lead_id}/dismiss", response_model=LeadState, responses=PROBLEMS)
def dismiss(lead_id: str, body: Dismiss, households: Households, today: Today,
            principal: Principal = Depends(require(Action.ACT_ON_LEAD))) -> Any:
    """Close the lead without a household: not_found, moved_away, already_known or other."""
    try:
        return _answer(households.dismiss_lead(lead_id, body.reason, principal, today))
    except LeadRefused as error:
        return refusal(error)
