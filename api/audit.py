"""Audit views under /api/v1/audit/…: who read which household's personal data, and when."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from api.auth import require
from api.problems import problem_responses
from domain.access import Action, Principal
from projections import access_log

router = APIRouter()
MAX_OFFSET = 1_000_000_000


@router.get("/api/v1/audit/access", responses=problem_responses(401, 403, 422))
def list_access(
    request: Request,
    household: str | None = Query(None, max_length=64),
    user: str | None = Query(None, max_length=64),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    principal: Principal = Depends(require(Action.READ_AUDIT)),
) -> dict[str, Any]:
    """Every recorded read of personal data (who, role, household, route, full or masked), newest first."""
    total, rows = access_log.query(request.app.state.runtime.views, household, user, limit, offset)
    return {"total": total, "limit": limit, "offset": offset, "access": rows}
