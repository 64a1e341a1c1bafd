"""Alert actions under /api/v1/alerts/{id}/…: acknowledge and resolve."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.problems import problem_response
from infra.alert_workflow import AlertActionError

router = APIRouter()


class Acknowledge(BaseModel):
    by: str = Field(min_length=1, description="user id of the caseworker")


class Resolve(BaseModel):
    by: str = Field(min_length=1)
    outcome: str = Field(description="enrolled / referred / not_eligible / duplicate / other")
    note: str = ""


def _today(request: Request) -> date:
    return request.app.state.runtime.assessor.clock() or date.today()


def _act(action: Any) -> Any:
    try:
        alert = action()
    except AlertActionError as error:
        return problem_response(
            error.status, str(error), errors=[{"field": "alert", "message": str(error), "message_zh": error.message_zh}]
        )
    return JSONResponse({"alert_id": str(alert.id), "status": alert.status, "acknowledged_by": alert.acknowledged_by,
                         "close_reason": alert.close_reason})


@router.post("/api/v1/alerts/{alert_id}/acknowledge")
def acknowledge(request: Request, alert_id: str, body: Acknowledge) -> Any:
    workflow = request.app.state.runtime.workflow
    return _act(lambda: workflow.acknowledge(alert_id, body.by, _today(request)))


@router.post("/api/v1/alerts/{alert_id}/resolve")
def resolve(request: Request, alert_id: str, body: Resolve) -> Any:
    workflow = request.app.state.runtime.workflow
    return _act(lambda: workflow.resolve(alert_id, body.outcome, body.by, body.note, _today(request)))
