"""Alert read views: the queue (filterable) and one alert with its explanation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from api.auth import require
from domain.access import EVERYWHERE, Action, Principal, covers
from domain.parameters import region_prefix
from projections import alert_queue
from projections.alert_queue import row_to_json

router = APIRouter()
MAX_OFFSET = 1_000_000_000  # far beyond any queue, well within SQLite's 64-bit integers


def area_of(principal: Principal) -> str | None:
    """The region prefix a principal's reads are limited to (None: everywhere)."""
    return None if principal.role in EVERYWHERE else region_prefix(principal.jurisdiction.split("-")[0])


@router.get("/api/v1/alerts")
def list_alerts(
    request: Request,
    household: str | None = None,
    rule: str | None = None,
    status: str | None = Query(None, pattern="^(open|closed)$"),
    severity: str | None = Query(None, pattern="^(critical|high|medium|low)$"),
    region: str | None = Query(None, pattern="^[0-9]{2,12}$"),
    escalated: bool | None = Query(None, description="only alerts escalated to a supervisor (or only not)"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    principal: Principal = Depends(require(Action.READ_ALERTS)),
) -> dict[str, Any]:
    """Open alerts first, most severe first; filters combine; only alerts within your jurisdiction."""
    filters = {"household": household, "rule": rule, "status": status, "severity": severity}
    total, rows = alert_queue.query(request.app.state.runtime.views, filters, escalated=escalated,
                                    regions=[r for r in (region, area_of(principal)) if r], limit=limit, offset=offset)
    return {"total": total, "limit": limit, "offset": offset, "alerts": [row_to_json(r) for r in rows]}


@router.get("/api/v1/alerts/{alert_id}")
def get_alert(request: Request, alert_id: str,
              principal: Principal = Depends(require(Action.READ_ALERTS))) -> dict[str, Any]:
    rows = alert_queue.one(request.app.state.runtime.views, alert_id)
    if not rows or not covers(principal, rows[0]["region"], rows[0]["grid"]):
        raise HTTPException(404, f"no alert with id {alert_id}")
    return row_to_json(rows[0])
