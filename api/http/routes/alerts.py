"""Alert read views: the queue (filterable) and one alert with its explanation."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from api.http.auth import require
from api.http.dependencies import Access, Alerts, Policy, Today, Views
from api.http.problems import problem_responses
from api.http.reads import record_read, record_reads, route_of
from api.http.regions import RegionQuery
from domain.identity.access import Action, Principal, scope_of
from domain.privacy import sight_of
from domain.region_codes import region_scope
from domain.alerts.sla import sla_clock
from domain.alerts.application import AlertsApp
from domain.identity.authorizer import Authorizer, OutOfReach
from projections import alert_queue
from projections.alert_queue import row_to_json
from projections.view_store import ViewStore
from rules.explanation import shown_alert

router = APIRouter()
MAX_OFFSET = 1_000_000_000  # far beyond any queue, well within SQLite's 64-bit integers


def area_of(principal: Principal) -> str | None:
    """The region prefix a principal's reads are limited to (None: everywhere)."""
    return scope_of(principal)


@router.get("/api/v1/alerts", responses=problem_responses(401, 403, 422))
def list_alerts(
    request: Request,
    views: Views,
    policy: Policy,
    today: Today,
    household: str | None = None,
    rule: str | None = None,
    status: str | None = Query(None, pattern="^(open|closed)$"),
    severity: str | None = Query(None, pattern="^(critical|high|medium|low)$"),
    region: RegionQuery = None,
    escalated: bool | None = Query(None, description="only alerts escalated to a supervisor (or only not)"),
    assigned_to: str | None = Query(None, max_length=64, description="a caseworker's user name, or `me`"),
    overdue: bool | None = Query(None, description="only open alerts not acknowledged in time (escalated)"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    principal: Principal = Depends(require(Action.READ_ALERTS)),
) -> dict[str, Any]:
    """Open alerts first, most severe first; filters combine; only alerts within your jurisdiction (each
    household listed is recorded as read in the access log)."""
    assignee = principal.name if assigned_to == "me" else assigned_to
    filters = {"household": household, "rule": rule, "status": status, "severity": severity, "assigned_to": assignee}
    total, rows = alert_queue.query(views, filters, escalated=escalated, overdue=overdue,
                                    regions=[r for r in (region and region_scope(region), area_of(principal)) if r],
                                    limit=limit, offset=offset)
    table, sight = policy.table(), sight_of(principal.role)
    record_reads(request, principal, (r["household"] for r in rows))
    return {"total": total, "limit": limit, "offset": offset,
            "alerts": [dict(shown_alert(row_to_json(r), sight), sla=sla_of(r, table, today)) for r in rows]}


def sla_of(row: dict[str, Any], table: Any, today: date) -> dict[str, Any] | None:
    """The SLA clock of an open alert (None once closed, or when its limit is not configured)."""
    limit = table.lookup(f"sla.ack.{row['severity']}", row["region"] or "", today)
    if row["status"] != "open" or limit is None or not row.get("raised_on"):
        return None
    return sla_clock(date.fromisoformat(row["raised_on"]), row["severity"], int(limit.value), today,
                     acknowledged=row.get("acknowledged_by") is not None)


@router.get("/api/v1/alerts/{alert_id}",
            responses=problem_responses(401, 403, 404, 422, e404="no such alert in your jurisdiction"))
def get_alert(request: Request, alert_id: str, access: Access, views: Views, alerts: Alerts,
              principal: Principal = Depends(require(Action.READ_ALERTS))) -> dict[str, Any]:
    """One alert, judged on the alert aggregate (404 outside your jurisdiction, whether or not the views have
    caught up); the read is recorded in the access log."""
    row = alert_row(request, principal, alert_id, access, views, alerts)
    if row is None:
        raise HTTPException(404, f"no alert with id {alert_id}")
    record_read(request, principal, row["household"], alert=alert_id)
    return shown_alert(row_to_json(row), sight_of(principal.role))


def alert_row(request: Request, principal: Principal, alert_id: str, access: Authorizer, views: ViewStore,
              alerts: AlertsApp) -> dict[str, Any] | None:
    """The alert's queue row, if the alerts store holds it within the principal's jurisdiction (a refusal is
    recorded); folded from the alert's own events while the views have not caught up."""
    try:
        alert = access.alert(principal, alert_id, route_of(request))
    except OutOfReach:
        return None
    rows = alert_queue.one(views, alert_id)
    return rows[0] if rows else alert_queue.row_from_events(alerts.events.get(alert.id))
