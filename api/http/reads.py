"""The access log seen from the routes: name the route, record what a read showed, record refusals.

Shared by the JSON routes and the pages, so that every read of personal data and every refused
attempt lands in the same log (`domain/audit/application.py`) whichever skin served it.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from fastapi import Request

from api.http.dependencies import access_audit
from domain.identity.access import Action, Principal
from domain.audit.access_log import ROLE_NOT_ALLOWED
from domain.privacy import sees_full_identity

# Actions whose routes show, or act on, a household's personal data: a role refused one is logged.
PERSONAL = frozenset({Action.READ_HOUSEHOLD, Action.READ_ALERTS, Action.ACT_ON_ALERT, Action.RECORD_VERIFICATION,
                      Action.READ_ESCALATIONS, Action.READ_AUDIT})
_PARAMETER = re.compile(r"\{(household_id|alert_id|observation_id)\}")  # the ids, not `{action}`


def route_of(request: Request) -> str:
    """`GET /api/v1/households/{id}`: the method and the route's template, its parameters named `{id}`."""
    route = request.scope.get("route")
    path = getattr(route, "path", None) or request.url.path
    return f"{request.method} {_PARAMETER.sub('{id}', path)}"


def shown_to(principal: Principal) -> str:
    """What a read shows this principal: full identities or masked ones."""
    return "full" if sees_full_identity(principal.role) else "masked"


def record_reads(request: Request, principal: Principal, households: Iterable[Any]) -> None:
    """A list's read: one access record per household it showed."""
    access_audit(request).record_accesses(principal, [str(h) for h in households if h], route_of(request),
                                          shown_to(principal))


def record_alert_reads(request: Request, principal: Principal, reads: Iterable[tuple[str, str]]) -> None:
    """A list showing each alert whole: one access record per (household, alert) it showed."""
    access_audit(request).record_alert_accesses(principal, [(str(h), str(a)) for h, a in reads if h],
                                                route_of(request), shown_to(principal))


def record_read(request: Request, principal: Principal, household: str, alert: str | None = None,
                shown: str | None = None) -> None:
    """One household's read (through one of its alerts, when `alert` is given; `shown` when the page shows
    other than the role's usual masking)."""
    access_audit(request).record_access(principal, household, route_of(request), shown or shown_to(principal),
                                        alert=alert)
    if alert:  # this response shows the alert: its own header counts it as read (projections/unread.py)
        request.state.opened_alert = alert


def record_role_refusal(request: Request, principal: Principal, action: Action) -> None:
    """A role refused a route over personal data: who, which route, and the id it named, if any."""
    if action not in PERSONAL:
        return
    params = request.path_params
    access_audit(request).record_refusal(principal, route_of(request), ROLE_NOT_ALLOWED,
                                         household=params.get("household_id"), alert=params.get("alert_id"))
