"""Audit views under /api/v1/audit/…: who read which household's personal data, and when, and who was refused;
a household's whole history; the household as it was on a date as known at a moment; an alert's story. Each
of the last three is itself a read of personal data, recorded in the access log."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request

from api.http.auth import require
from api.http.dependencies import Access, AsOfQuery, History, Views
from api.http.problems import problem_responses
from api.http.reads import record_read, route_of
from domain.identity.access import Action, Principal
from domain.audit.access_log import OUTCOMES, REASONS
from domain.instants import instant
from domain.privacy import sees_full_identity
from domain.identity.authorizer import Authorizer, OutOfReach
from projections import access_log

router = APIRouter()
MAX_OFFSET = 1_000_000_000


@router.get("/api/v1/audit/access", responses=problem_responses(401, 403, 422))
def list_access(
    views: Views,
    household: str | None = Query(None, max_length=128),
    user: str | None = Query(None, max_length=64),
    outcome: str | None = Query(None, pattern=f"^({'|'.join(OUTCOMES)})$", description="granted reads or refusals"),
    reason: str | None = Query(None, pattern=f"^({'|'.join(REASONS)})$", description="why an attempt was refused"),
    alert: str | None = Query(None, max_length=128, description="reads and refusals through one alert"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    principal: Principal = Depends(require(Action.READ_AUDIT)),
) -> dict[str, Any]:
    """Every recorded read of personal data (who, role, household, route, full or masked) and every refused
    attempt (`outcome=refused`, with its `reason`: outside_jurisdiction, role_not_allowed, not_found), newest
    first."""
    total, rows = access_log.query(views, household, user, limit, offset,
                                   outcome=outcome, reason=reason, alert=alert)
    return {"total": total, "limit": limit, "offset": offset, "access": rows}


HouseholdId = Annotated[str, Path(min_length=1, max_length=64)]
KINDS = "^(household|alert|access|rules)(\\.[a-z_]+)?$"
DAY = "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
MOMENT = f"^{DAY}([T ][0-2][0-9]:[0-5][0-9](:[0-5][0-9](\\.[0-9]{{1,6}})?)?(Z|[+-][0-2][0-9]:[0-5][0-9])?)?$"


def _instant(value: str | None, field: str) -> datetime | None:
    """An ISO moment; one without an offset is China Standard Time (a bare date: its end of day)."""
    if value is None:
        return None
    try:
        return instant(f"{value}T23:59:59.999999" if len(value) == 10 else value)
    except ValueError:
        raise HTTPException(422, f"{field} must be an ISO date or date-time, e.g. 2026-03-01T09:30:00+08:00 / "
                                 f"{field} 须为 ISO 日期或时间") from None


@router.get("/api/v1/audit/households/{household_id}/events",
            responses=problem_responses(401, 403, 404, 422, e404="no such household"))
def household_events(
    request: Request,
    household_id: HouseholdId,
    access: Access,
    history: History,
    views: Views,
    kind: str | None = Query(None, pattern=KINDS, description="a type or its prefix: household, alert.resolved …"),
    since: str | None = Query(None, alias="from", pattern=MOMENT, description="recorded at or after (ISO)"),
    until: str | None = Query(None, alias="to", pattern=MOMENT, description="recorded at or before (ISO)"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    principal: Principal = Depends(require(Action.READ_AUDIT)),
) -> dict[str, Any]:
    """Every event of the household, its alerts and the reads of its data, oldest recorded first: who,
    when it happened (`occurred_at`), when it was recorded, and the observations it came from."""
    start, end = _instant(since, "from"), _instant(until, "to")
    _authorized(request, access, principal, household_id)
    entries = history.events(household_id, access_log.ids_of(views, household_id),
                             sees_full_identity(principal.role))
    if not entries:
        raise HTTPException(404, f"no household with id {household_id} / 家庭 {household_id} 不存在")
    record_read(request, principal, household_id)
    chosen = [e for e in entries if _matches(e, kind, start, end)]
    return {"household": household_id, "total": len(chosen), "limit": limit, "offset": offset,
            "events": chosen[offset:offset + limit]}


def _matches(entry: dict[str, Any], kind: str | None, start: datetime | None, end: datetime | None) -> bool:
    if kind is not None and entry["type"] != kind and not entry["type"].startswith(f"{kind}."):
        return False
    recorded = datetime.fromisoformat(entry["recorded_at"])
    return (start is None or recorded >= start) and (end is None or recorded <= end)


@router.get("/api/v1/audit/households/{household_id}",
            responses=problem_responses(401, 403, 404, 422, e404="no such household, or not recorded yet then"))
def household_as_of(
    request: Request,
    household_id: HouseholdId,
    access: Access,
    past: AsOfQuery,
    as_of: str | None = Query(None, pattern=f"^{DAY}$", description="what had happened by this date, YYYY-MM-DD "
                                                                    "(default: the clock then)"),
    known_at: str | None = Query(None, pattern=MOMENT, description="what had been recorded by this moment "
                                                                   "(ISO; no offset: China time; default: now)"),
    principal: Principal = Depends(require(Action.READ_AUDIT)),
) -> dict[str, Any]:
    """The household's members, coverage, applications, facts and open alerts as they were on `as_of`, as
    the system knew them at `known_at` (late reports and later corrections left out)."""
    moment = _instant(known_at, "known_at") or datetime.now(timezone.utc)
    day = _instant(as_of, "as_of")
    _authorized(request, access, principal, household_id)
    rebuilt = past.household(household_id, day.date() if day else None, moment, sees_full_identity(principal.role))
    if rebuilt is None:
        raise HTTPException(404, f"household {household_id} was not recorded by {moment.isoformat()} / "
                                 f"该时刻之前没有家庭 {household_id} 的记录")
    record_read(request, principal, household_id)
    return rebuilt


@router.get("/api/v1/audit/alerts/{alert_id}",
            responses=problem_responses(401, 403, 404, 422, e404="no such alert"))
def alert_story(request: Request, alert_id: Annotated[str, Path(min_length=1, max_length=64)], access: Access,
                past: AsOfQuery, principal: Principal = Depends(require(Action.READ_AUDIT))) -> dict[str, Any]:
    """An alert's whole story: the observations that raised it (and whether they are still in force),
    every action with who and when, and for each resolution what the household looked like to the
    system at that moment."""
    try:
        access.alert(principal, alert_id, route_of(request))
    except OutOfReach:
        raise HTTPException(404, f"no alert with id {alert_id} / 预警 {alert_id} 不存在") from None
    story = past.alert_story(alert_id, sees_full_identity(principal.role))
    if story is None:
        raise HTTPException(404, f"no alert with id {alert_id} / 预警 {alert_id} 不存在")
    record_read(request, principal, story["household"], alert=alert_id)
    return story


def _authorized(request: Request, access: Authorizer, principal: Principal, household_id: str) -> None:
    """A household the households store holds (auditors read everywhere); else 404, the attempt recorded."""
    try:
        access.household(principal, household_id, route_of(request))
    except OutOfReach:
        raise HTTPException(404, f"no household with id {household_id} / 家庭 {household_id} 不存在") from None
