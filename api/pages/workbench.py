"""The caseworker workbench: the queue of my jurisdiction → household 360 → an alert explained → actions.

Reads use the same projections and checks as `/api/v1/alerts` and `/api/v1/households`; actions call
the same `AlertsApp` commands with the session's principal. A refused action shows the workflow's own
reason (in Chinese) on the alert page with its status (409 or 422); done, the page says what was done.
"""

from __future__ import annotations

import asyncio

import time
from datetime import date
from typing import Any, Callable

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from api.http.routes.alerts import MAX_OFFSET, alert_row, area_of, sla_of
from api.http.dependencies import AllServices, Identity, Policy, Today, Views, ViewsLag
from api.http.household_view import household_360
from api.pages.explain import explained, place_namer
from api.pages.i18n import rule_title, text
from api.pages import flash as flashes
from api.pages.render import page, refused, see_other
from api.pages.session import CSRF_FIELD, PageError, check_csrf, lang_of, needs, one_of
from api.http.reads import record_read, record_reads
from domain.identity.access import Action, Principal, allowed, covers
from domain.alerts.alert import OUTCOMES
from domain.alerts.application import steps_allowed
from domain.privacy import sight_of
from domain.alerts.errors import AlertActionError
from domain.identity.application import IdentityApp
from domain.identity.authorizer import Authorizer
from infra.services import Services
from projections import alert_queue
from projections import unread as unread_view
from projections.alert_queue import returned_visit, row_to_json
from rules.catalog import CATALOG
from rules.explanation import shown_alert

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
SEVERITIES = ("critical", "high", "medium", "low")
STATES = ("open", "closed")
RULES = tuple(r.id for r in CATALOG)


@router.get("/work")
def queue(request: Request, views: Views, policy: Policy, today: Today, identity: Identity, rule: str = "",
          severity: str = "", status: str = "open", mine: str = "", overdue: str = "", community: str = "",
          grid: str = "", household: str = Query("", max_length=64), unread: str = "",
          offset: int = Query(0, ge=0, le=MAX_OFFSET),
          principal: Principal = Depends(needs(Action.READ_ALERTS))) -> Response:
    rule, severity = one_of("rule", rule, RULES, rule_title), one_of("severity", severity, SEVERITIES)
    status, mine, overdue = one_of("status", status, STATES), one_of("mine", mine, ("1",)), one_of("overdue", overdue,
                                                                                                 ("1",))
    places = places_of(identity, principal)
    community = one_of("community", community, [c for c, _ in places["communities"]], named(places))
    grid = one_of("grid", grid, [g for g, _ in places["grids"]], named(places))
    unread = one_of("unread", unread, unread_view.KINDS, lambda kind, lang: text(f"unread_{kind}", lang))
    household = household.strip()
    filters = {"household": household or None, "rule": rule or None,
               "severity": severity if severity in SEVERITIES else None,
               "status": status if status in ("open", "closed") else None,
               "assigned_to": principal.name if mine else None, "grid": grid or None}
    area = area_of(principal)
    total, rows = alert_queue.query(views, filters, escalated=None, overdue=True if overdue else None,
                                    regions=[r for r in (area, community) if r], limit=PAGE_SIZE,
                                    offset=max(0, offset),
                                    also=[unread_view.unread(principal, unread)] if unread else [])
    table = policy.table()
    alerts = [dict(row_to_json(r), sla=sla_of(r, table, today)) for r in rows]
    marks = unread_view.marks(views, principal, [r["alert_id"] for r in rows])
    record_reads(request, principal, (r["household"] for r in rows))
    chosen = {"rule": rule, "severity": severity, "status": status, "mine": mine, "overdue": overdue,
              "community": community, "grid": grid, "household": household, "unread": unread}
    return page(request, "queue.html", {"alerts": alerts, "total": total, "chosen": chosen, "offset": offset,
                                        "page_size": PAGE_SIZE, "rules": RULES, "marks": marks, "places": places,
                                        "tells_unread": principal.role in UNREAD_ROLES,
                                        "unread_kinds": unread_view.KINDS,
                                        "pages": pager(chosen, offset, total),
                                        "severities": SEVERITIES, "today": today.isoformat()})


UNREAD_ROLES = ("caseworker", "supervisor")  # the roles the queue's unread filter and marks are for


def places_of(identity: IdentityApp, principal: Principal) -> dict[str, list[tuple[str, str]]]:
    """The communities and grids of the user's jurisdiction, each with its Chinese name (a grid's after its
    community's, as several communities have a 第1网格), for the queue's filters."""
    area, every = area_of(principal), identity.jurisdictions()
    nodes = [n for n in every if area is None or n.code.startswith(area)]
    names = {n.code: n.name for n in every}
    communities = [(n.code, n.name) for n in nodes if n.level == "community"]
    grids = [(n.code, f"{names.get(n.parent or '', '')} {n.name}".strip()) for n in nodes if n.level == "grid"]
    return {"communities": communities, "grids": grids}


def named(places: dict[str, list[tuple[str, str]]]) -> Callable[[str, str], str]:
    """A place's name for a refusal naming the choices (`one_of`)."""
    names = dict(places["communities"] + places["grids"])
    return lambda code, lang: names.get(code, code)


def pager(chosen: dict[str, str], offset: int, total: int) -> dict[str, str | None]:
    """The previous and next pages' links, every chosen filter kept."""
    kept = {name: value for name, value in chosen.items() if value}

    def link(to: int) -> str:
        return "?" + urlencode({**kept, "offset": to})

    return {"prev": link(max(offset - PAGE_SIZE, 0)) if offset > 0 else None,
            "next": link(offset + PAGE_SIZE) if offset + PAGE_SIZE < total else None}


@router.get("/households")
def lookup(request: Request, id: str = "", principal: Principal = Depends(needs(Action.READ_HOUSEHOLD))) -> Response:
    """Open a household by its id (auditors and supervisors have no queue row to click from)."""
    if id.strip():
        return see_other(f"/households/{quote(id.strip(), safe='')}")
    return page(request, "lookup.html", {})


@router.get("/households/{household_id}")
def household(request: Request, household_id: str, services: AllServices,
              principal: Principal = Depends(needs(Action.READ_HOUSEHOLD))) -> Response:
    view = household_360(services, principal, household_id, "GET /households/{id}")
    if view is None:
        raise PageError(404, "not_found")
    view["alerts"] = [dict(a, visit=returned_visit(a)) for a in view["alerts"]]
    return page(request, "household.html", {"h": view, "masked": principal.role != "caseworker"})


def _alert_row(request: Request, services: Services, alert_id: str, principal: Principal) -> dict[str, Any]:
    """The alert's row, judged on the alert aggregate as the API does (a 404 page outside the jurisdiction)."""
    row = alert_row(request, principal, alert_id, services.authorizer, services.views, services.alerts)
    if row is None:
        raise PageError(404, "not_found")
    return row


def _caseworkers(access: Authorizer, identity: IdentityApp, row: dict[str, Any]) -> list[str]:
    """The caseworkers an alert may be assigned to: active, and their jurisdiction holds it (where the alert
    aggregate says its household lies)."""
    alert = access.load_alert(row["alert_id"])
    place = access.alert_place(alert) if alert is not None else None
    return sorted(u.name for u in identity.users() if u.role == "caseworker" and not u.revoked
                  and place is not None and covers(Principal(u.name, u.role, u.jurisdiction), place.region,
                                                   place.grid))


def _alert_page(request: Request, services: Services, today: date, alert_id: str, principal: Principal, *,
                done: str = "") -> Response:
    row = _alert_row(request, services, alert_id, principal)
    record_read(request, principal, row["household"], alert=alert_id)
    alert = dict(shown_alert(row_to_json(row), sight_of(principal.role)),
                 sla=sla_of(row, services.policy.table(), today))
    lang = lang_of(request)
    flash = flashes.of(request)  # a step refused a moment ago (post/redirect/get)
    problem = None if flash is None else {"field": flash.field, "message": flash.message(lang)}
    acts = allowed(principal.role, Action.ACT_ON_ALERT)
    steps = steps_allowed(alert.get("state") or alert["status"]) if acts else ()
    return page(request, "alert.html", {
        "a": alert, "why": explained(alert, lang, place_namer(services.identity)), "acts": acts, "done": done,
        "steps": steps, "visit": returned_visit(alert),
        "problem": problem, "caseworkers": _caseworkers(services.authorizer, services.identity, row) if acts else [],
        "outcomes": OUTCOMES, "flash_shown": True,
    })


@router.get("/work/alerts/{alert_id}")
def alert(request: Request, alert_id: str, services: AllServices, today: Today, done: str = "",
          principal: Principal = Depends(needs(Action.READ_ALERTS))) -> Response:
    done = "" if flashes.of(request) else done  # a refusal, not a step done
    return _alert_page(request, services, today, alert_id, principal, done=done if done in ACTIONS else "")


Step = Callable[[Any, str, Principal, FormData, date], Any]
ACTIONS: dict[str, Step] = {
    "assign": lambda w, a, p, f, d: w.assign(a, str(f.get("to") or p.name), p.name, d),
    "acknowledge": lambda w, a, p, f, d: w.acknowledge(a, p.name, d),
    "request_verification": lambda w, a, p, f, d: w.request_verification(a, p.name, d),
    "resolve": lambda w, a, p, f, d: w.resolve(a, str(f.get("outcome") or ""), p.name, str(f.get("note") or ""), d),
}


@router.post("/work/alerts/{alert_id}/{action}")
async def act(request: Request, alert_id: str, action: str, services: AllServices, today: Today,
              views_lag: ViewsLag, principal: Principal = Depends(needs(Action.ACT_ON_ALERT))) -> Response:
    form = await request.form()
    check_csrf(request, form.get(CSRF_FIELD))
    row = _alert_row(request, services, alert_id, principal)
    step = ACTIONS.get(action)
    if step is None:
        raise PageError(404, "not_found")
    try:
        _check_assignee(services, row, action, form, principal)
        _check_note(action, form)
        step(services.workflow, alert_id, principal, form, today)
    except AlertActionError as error:  # back to the alert, which says why (never left on the POST's address)
        return refused(request, f"/work/alerts/{quote(alert_id, safe='')}",
                       flashes.Flash(error.status, error.message_zh, str(error), error.field))
    await settle(views_lag)
    return see_other(f"/work/alerts/{alert_id}?done={action}")


async def settle(views_lag: Callable[[], Any], deadline_s: float = 3.0) -> None:
    """Give the projections a moment to show the change, so the page after the redirect is current
    (bounded: on a busy system the page may show the step a moment late, never an error). It waits
    without holding the event loop, so other requests are served meanwhile."""
    deadline = time.monotonic() + deadline_s
    while views_lag() and time.monotonic() < deadline:
        await asyncio.sleep(0.02)  # the polling interval of a deadline-bounded wait


def _check_assignee(services: Services, row: dict[str, Any], action: str, form: FormData,
                    principal: Principal) -> None:
    """As the API: an alert goes only to a caseworker whose jurisdiction holds it."""
    to = str(form.get("to") or principal.name)
    if action == "assign" and to not in _caseworkers(services.authorizer, services.identity, row):
        raise AlertActionError(422, "the chosen person is not a caseworker of this alert's jurisdiction",
                               "所选人员不是该预警所在辖区的经办人员", field="to")


def _check_note(action: str, form: FormData) -> None:
    if action == "resolve" and form.get("outcome") == "other" and not str(form.get("note") or "").strip():
        raise AlertActionError(422, "a note is required for `other`", "选择“其他”时必须填写说明", field="note")
