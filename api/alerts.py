"""Alert read views: the queue (filterable) and one alert with its explanation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request

from projections.alert_queue import row_to_json

router = APIRouter()
MAX_OFFSET = 1_000_000_000  # far beyond any queue, well within SQLite's 64-bit integers
SEVERITY_ORDER = "CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END"


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
) -> dict[str, Any]:
    """Open alerts first, most severe first; filters combine."""
    where, params = [], []
    for column, value in (("household", household), ("rule", rule), ("status", status), ("severity", severity)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if escalated is not None:
        where.append("escalated_on IS NOT NULL" if escalated else "escalated_on IS NULL")
    if region:
        where.append("region LIKE ?")
        params.append(f"{region}%")
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    views = request.app.state.runtime.views
    total = views.query(f"SELECT COUNT(*) AS n FROM alerts {clause}", tuple(params))[0]["n"]
    rows = views.query(
        f"SELECT * FROM alerts {clause} ORDER BY status DESC, {SEVERITY_ORDER}, raised_on, alert_id LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    return {"total": total, "limit": limit, "offset": offset, "alerts": [row_to_json(r) for r in rows]}


@router.get("/api/v1/alerts/{alert_id}")
def get_alert(request: Request, alert_id: str) -> dict[str, Any]:
    rows = request.app.state.runtime.views.query("SELECT * FROM alerts WHERE alert_id = ?", (alert_id,))
    if not rows:
        raise HTTPException(404, f"no alert with id {alert_id}")
    return row_to_json(rows[0])
