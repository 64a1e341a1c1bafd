"""The informant's phone pages: my verification tasks and lead tasks, report what I saw, register a household.

A lead task (`domain.leads`) names a person a department's data knows and no household holds: the page shows
the name, the masked ID number, the address and what was found, with a link to the registration form filled
with the name and address; the registration naming the person's ID number closes the lead as found.

Reports and registrations are sent by the page's script (`static/outbox.js`) to
`POST /field/observations`, which calls the same intake as `POST /api/v1/observations`, with the
same gate (only what the informant may submit, in their grid) and the same answer per item. The
script keeps unsent observations on the phone and re-sends them with their original observation
ids, so a re-send is answered `duplicate` and nothing is doubled; a service worker (`/field/sw.js`)
keeps the field pages in the phone's cache so that they open again without a network.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from api.http.dependencies import Access, Intake, Today, Views, ViewsLag, Workflow
from api.pages import forms
from api.pages import flash as flashes
from api.pages.render import HERE, page, refused, see_other
from api.pages.session import (CSRF_FIELD, CSRF_HEADER, PageError, check_csrf, lang_of, needs, one_of,
                               session_principal)
from api.pages.workbench import settle
from api.http.reads import record_alert_reads, record_reads, route_of
from domain.identity.access import Action, Principal, allowed, is_grid
from domain.alerts.alert import VERIFICATION_OUTCOMES
from domain.households.intake_limits import MAX_BATCH
from domain.privacy import shown_member, sight_of
from domain.alerts.errors import AlertActionError
from domain.identity.authorizer import OutOfReach
from domain.households.intake import gate_for
from api.pages.explain import explained
from api.pages.leads import lead_details, lead_link, register_values
from projections import alert_queue, unread
from projections.alert_queue import row_to_json
from projections.households import household_row, households_in_grid
from projections.leads import lead_tasks, one as one_lead, shown_lead
from projections.tasks import open_tasks
from projections.view_store import ViewStore

router = APIRouter(include_in_schema=False)


def informant(principal: Principal = Depends(needs(Action.RECORD_VERIFICATION))) -> Principal:
    """The field pages are for the informant of a grid (the role the access table gives visits to)."""
    if not is_grid(principal.jurisdiction):
        raise PageError(403, "forbidden")
    return principal


@router.get("/field/sw.js")
def service_worker() -> Response:
    """The field pages' service worker, served under /field/ so that its scope is the field pages."""
    return FileResponse(HERE / "static" / "field-sw.js", media_type="text/javascript",
                        headers={"Cache-Control": "no-cache"})


def task_brief(views: ViewStore, task: dict[str, Any], lang: str) -> dict[str, Any]:
    """What the informant needs at the door: the household's address, the residents concerned (as the
    informant's sight shows them: names, birth years, no ID numbers), what the alert found in plain words
    and the facts to check (the rule's own explanation, labelled)."""
    household = household_row(views, task["household"]) or {}
    sight = sight_of("informant")
    rows = alert_queue.one(views, task["alert_id"])
    alert = row_to_json(rows[0]) if rows else {}
    members = [shown_member(m, sight) for m in json.loads(household.get("members") or "[]")]
    resident = alert.get("resident")
    concerned = [m for m in members if m.get("resident") == resident] if resident else members
    why = explained(alert, lang, lambda code: code) if alert else None
    return {**task, "address": household.get("address") or "", "residents": concerned,
            "found": why["looks_for"] if why else "", "check": why["facts"] if why else []}


def _task_page(request: Request, views: ViewStore, principal: Principal, *, done: bool = False) -> Response:
    total, rows = open_tasks(views, principal.jurisdiction)
    new = unread.marks(views, principal, [r["alert_id"] for r in rows])  # before this read is recorded
    record_alert_reads(request, principal, ((r["household"], r["alert_id"]) for r in rows))  # each task seen
    lang = lang_of(request)
    flash = flashes.of(request)  # a visit refused a moment ago (post/redirect/get)
    leads = [dict(shown_lead(lead, principal.role), details=lead_details(lead["data"], lang),
                  link=lead_link(lead["lead_id"])) for lead in lead_tasks(views, principal.jurisdiction)]
    return page(request, "tasks.html", {"tasks": [task_brief(views, r, lang) for r in rows], "total": total,
                                        "outcomes": VERIFICATION_OUTCOMES, "done": done and flash is None,
                                        "problem": flash.message(lang) if flash else None, "flash_shown": True,
                                        "new": new, "leads": leads})


@router.get("/field/tasks")
def tasks(request: Request, views: Views, done: str = "", principal: Principal = Depends(informant)) -> Response:
    return _task_page(request, views, principal, done=done == "1")


@router.post("/field/tasks/{alert_id}/visit")
async def record_visit_from_outbox(request: Request, alert_id: str, access: Access, workflow: Workflow,
                                   today: Today, principal: Principal = Depends(informant)) -> JSONResponse:
    """A visit sent by the phone's outbox (`static/outbox.js`), answered like an observation: accepted,
    duplicate (the same visit sent again after an answer was lost: the alert already holds it from this
    informant, so nothing changes) or rejected with the reasons, so the outbox can let it go."""
    check_csrf(request, request.headers.get(CSRF_HEADER))
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return JSONResponse({"result": _rejected("body", "the visit must be a JSON object", "核实记录格式有误")})
    try:
        alert = access.verification(principal, alert_id, route_of(request))
    except OutOfReach:
        return JSONResponse({"result": _rejected("alert", "no such task", "该核实任务不存在或不在本网格")})
    outcome, note = str(body.get("outcome") or ""), str(body.get("note") or "")
    if _same_visit(alert, outcome, note, principal.name):
        return JSONResponse({"result": {"status": "duplicate"}})
    try:
        visited = str(body.get("visited_on") or "")
        visited_on = date.fromisoformat(visited) if visited else None
    except ValueError:
        return JSONResponse({"result": _rejected("visited_on", "the visit date must be YYYY-MM-DD",
                                                 "核实日期格式应为 YYYY-MM-DD")})
    try:
        workflow.record_verification(alert_id, outcome, note, principal.name, today, visited_on=visited_on)
    except AlertActionError as error:
        return JSONResponse({"result": _rejected(error.field or "outcome", str(error), error.message_zh)})
    return JSONResponse({"result": {"status": "accepted"}})


def _same_visit(alert: Any, outcome: str, note: str, by: str) -> bool:
    visit = getattr(alert, "verification", None) or {}
    return (getattr(alert, "state", None) != "verification_requested" and visit.get("outcome") == outcome
            and (visit.get("note") or "") == note and visit.get("visited_by") == by)


def _rejected(field: str, message: str, message_zh: str) -> dict[str, Any]:
    return {"status": "rejected", "errors": [{"field": field, "message": message, "message_zh": message_zh}]}


@router.post("/field/tasks/{alert_id}/verification")
async def record_visit(request: Request, alert_id: str, access: Access, workflow: Workflow,
                       today: Today, views_lag: ViewsLag, principal: Principal = Depends(informant)) -> Response:
    form = await request.form()
    check_csrf(request, form.get(CSRF_FIELD))
    try:  # judged on the alert aggregate, as the API's `verifying`
        access.verification(principal, alert_id, route_of(request))
    except OutOfReach:
        raise PageError(404, "not_found") from None
    visited = str(form.get("visited_on") or "")
    try:
        visited_on = date.fromisoformat(visited) if visited else None
        workflow.record_verification(alert_id, str(form.get("outcome") or ""), str(form.get("note") or ""),
                                     principal.name, today, visited_on=visited_on)
    except (AlertActionError, ValueError) as error:  # back to the tasks, which say why
        return refused(request, "/field/tasks", _visit_refusal(error))
    await settle(views_lag)
    return see_other("/field/tasks?done=1")


def _visit_refusal(error: Exception) -> flashes.Flash:
    if isinstance(error, AlertActionError):
        return flashes.Flash(error.status, error.message_zh, str(error), error.field)
    return flashes.Flash(422, "核实日期格式应为 YYYY-MM-DD", "the visit date must be YYYY-MM-DD", "visited_on")


def grid_households(views: ViewStore, grid: str) -> list[dict[str, Any]]:
    """The grid's households and their members as an informant sees them (`domain.privacy`: the names, to
    find people; birth years, not dates; no ID numbers)."""
    rows, sight = households_in_grid(views, grid), sight_of("informant")
    return [{"household": r["household"], "address": r["address"],
             "members": [shown_member(m, sight) for m in json.loads(r["members"] or "[]")]} for r in rows]


@router.get("/field/report")
def report(request: Request, views: Views, kind: str = "household.visited",
           principal: Principal = Depends(informant)) -> Response:
    chosen = one_of("kind", kind, forms.REPORT_KINDS) or forms.REPORT_KINDS[0]
    households = grid_households(views, principal.jurisdiction)
    record_reads(request, principal, (h["household"] for h in households))
    return page(request, "report.html", {"form": forms.report_form(chosen), "kinds": forms.REPORT_KINDS,
                                         "households": households, "values": {}, "correcting": None})


@router.get("/field/register")
def register(request: Request, views: Views, lead: str = "", principal: Principal = Depends(informant)) -> Response:
    """The registration form; `lead`: a lead task of this grid, whose name and address fill the form."""
    grid = principal.jurisdiction
    task = one_lead(views, lead) if lead else None
    task = task if task is not None and task["grid"] == grid and task["state"] == "dispatched" else None
    return page(request, "register.html", {"fields": forms.registration_fields(), "members": [forms.member_fields(0)],
                                           "grid": grid, "region": grid.split("-")[0], "values": register_values(task),
                                           "correcting": None, "lead": task})


def outbox_principal(request: Request) -> Principal | JSONResponse:
    """The informant behind an outbox call, or its JSON refusal (401 no session, 403 not an informant of a
    grid or a wrong CSRF header): the script keeps what was refused and tries again later."""
    principal = session_principal(request)
    if principal is None:
        return JSONResponse({"status": "login_required"}, status_code=401)
    if not (allowed(principal.role, Action.SUBMIT_FIELD_OBSERVATION) and is_grid(principal.jurisdiction)):
        return JSONResponse({"status": "forbidden"}, status_code=403)
    try:
        check_csrf(request, request.headers.get(CSRF_HEADER))
    except PageError:
        return JSONResponse({"status": "csrf"}, status_code=403)
    return principal


def malformed() -> JSONResponse:
    """The outbox's answer to a body it cannot read (the script keeps the item it could not send)."""
    return JSONResponse({"status": "malformed"}, status_code=400)


async def outbox_body(request: Request) -> Any:
    """The outbox's JSON body, or None when it is not JSON."""
    try:
        return json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


@router.post("/field/observations")
async def observations(request: Request, intake: Intake) -> Response:
    """The outbox's endpoint: a batch of envelopes, answered per item (JSON; 401 / 403 as JSON too, so the
    script keeps what it could not send)."""
    principal = outbox_principal(request)
    if isinstance(principal, JSONResponse):
        return principal
    body = await outbox_body(request)
    items = body.get("observations") if isinstance(body, dict) else None
    if not isinstance(items, list) or not 0 < len(items) <= MAX_BATCH:
        return malformed()
    mine = [dict(item, informant=principal.name) if isinstance(item, dict) else item for item in items]
    outcomes = intake.accept_batch(mine, gate_for(principal))
    return JSONResponse({"results": [o.to_json() for o in outcomes]})
