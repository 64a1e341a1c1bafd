"""The supervisor's leads page (/leads): people a department's data names and no household holds, listed for
the street, each sent with one click to a grid's informant (chosen by name) or dismissed with a reason.

The page reads the same view as `GET /api/v1/leads` and calls the same commands as the API with the session's
principal; each form is answered by a redirect (post/redirect/get) that carries a refusal in the flash cookie.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.http.dependencies import Households, Identity, Today, Views, ViewsLag
from api.http.routes.leads import MAX_OFFSET, known_grid
from api.pages import flash as flashes
from api.pages.i18n import word
from api.pages.render import page, refused, see_other
from api.pages.session import CSRF_FIELD, check_csrf, lang_of, needs, one_of
from api.pages.workbench import places_of, settle
from domain import labels
from domain.identity.access import Action, Principal, allowed, scope_of
from domain.leads.errors import LeadRefused
from domain.leads.lead import DISMISS_REASONS, STATES
from projections.leads import leads_in, shown_lead

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
DONE = ("dispatch", "dismiss")


def lead_details(data: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """A lead's department data in words: each field's name, and its value as the vocabulary names it."""
    index = 0 if lang == "zh" else 1
    shown = []
    for key, value in data.items():
        name = labels.field_name(None, key)[index]
        pair = labels.BOOLEAN_WORDS.get(value) if isinstance(value, bool) else labels.value_words(value)
        shown.append((name, pair[index] if pair else str(value)))
    return shown


@router.get("/leads")
def leads(request: Request, views: Views, identity: Identity, state: str = "",
          offset: int = Query(0, ge=0, le=MAX_OFFSET), done: str = "",
          principal: Principal = Depends(needs(Action.READ_LEADS))) -> Response:
    state = one_of("state", state, STATES, lambda s, lang: word("lead_state", s, lang))
    lang = lang_of(request)
    total, rows = leads_in(views, scope_of(principal), state or None, PAGE_SIZE, max(0, offset))
    places = places_of(identity, principal)
    names = {n.code: n.name for n in identity.jurisdictions()}
    grid_names = dict(places["grids"])
    shown = [dict(shown_lead(r, principal.role), details=lead_details(r["data"], lang),
                  place=names.get(r["region"], r["region"]), grid_name=grid_names.get(r["grid"] or "", r["grid"]))
             for r in rows]
    flash = flashes.of(request)
    pages = {"prev": _link(state, offset - PAGE_SIZE) if offset > 0 else None,
             "next": _link(state, offset + PAGE_SIZE) if offset + PAGE_SIZE < total else None}
    return page(request, "leads.html", {
        "leads": shown, "total": total, "state": state, "states": STATES, "grids": places["grids"],
        "reasons": DISMISS_REASONS, "acts": allowed(principal.role, Action.ACT_ON_LEAD), "pages": pages,
        "done": done if done in DONE and flash is None else "", "problem": flash.message(lang) if flash else None,
        "problem_lead": flash.subject if flash else "", "flash_shown": True})


def _link(state: str, offset: int) -> str:
    return "/leads?" + urlencode({k: v for k, v in (("state", state), ("offset", max(offset, 0))) if v})


@router.post("/leads/{lead_id}/dispatch")
async def dispatch(request: Request, lead_id: str, households: Households, identity: Identity, today: Today,
                   views_lag: ViewsLag, principal: Principal = Depends(needs(Action.ACT_ON_LEAD))) -> Response:
    form = await request.form()
    check_csrf(request, form.get(CSRF_FIELD))
    grid = str(form.get("grid") or "")
    try:
        if not known_grid(identity, grid):
            households.lead_in_reach(lead_id, principal)
            raise LeadRefused(f"choose a grid of your jurisdiction (got {grid!r})", "请选择本辖区内的网格", 422, "grid")
        households.dispatch_lead(lead_id, grid, principal, today)
    except LeadRefused as error:
        return refused(request, "/leads", flashes.Flash(error.status, error.message_zh, error.message, error.field,
                                                         subject=lead_id))
    await settle(views_lag)
    return see_other("/leads?done=dispatch")


@router.post("/leads/{lead_id}/dismiss")
async def dismiss(request: Request, lead_id: str, households: Households, today: Today, views_lag: ViewsLag,
                  principal: Principal = Depends(needs(Action.ACT_ON_LEAD))) -> Response:
    form = await request.form()
    check_csrf(request, form.get(CSRF_FIELD))
    try:
        households.dismiss_lead(lead_id, str(form.get("reason") or ""), principal, today)
    except LeadRefused as error:
        return refused(request, "/leads", flashes.Flash(error.status, error.message_zh, error.message, error.field,
                                                         subject=lead_id))
    await settle(views_lag)
    return see_other("/leads?done=dismiss")


def register_values(lead: dict[str, Any] | None) -> dict[str, str]:
    """What the registration form opens with for a lead task: the person's name and the address (the informant
    types the ID number from the person's card: they are not shown it)."""
    if lead is None:
        return {}
    return {key: value for key, value in (("data.address", lead.get("address") or ""),
                                          ("data.members[0].name", lead.get("name") or "")) if value}


def lead_link(lead_id: str) -> str:
    return f"/field/register?lead={quote(lead_id, safe='')}"

