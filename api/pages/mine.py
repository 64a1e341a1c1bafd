"""The informant's own submissions (「我的上报」): what I sent, whether it is in force, and 更正 / 撤回.

The list is the `submissions` view. A correction opens the same form as the report or register page,
filled with the original's values as the households store holds them (read through
the households application (`HouseholdsApp.correct`), which also says why it may not be corrected); the page's outbox sends it to
`POST /field/observations/{id}/correction` with a new observation id, so a re-send is a duplicate.
Stored ID numbers and birth dates are not filled in (an informant sees neither, `domain.privacy`):
their inputs are left empty, which keeps them, and each says so; opening the form is a recorded read.
A retraction is a plain form with its reason. Both go through the households application (`HouseholdsApp.correct`), the service behind
`POST /api/v1/observations/{id}/correction` and `/retraction`, so the household's rules apply (only
the sender may; a registration is corrected, never retracted).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from api.http.dependencies import Corrections, Views, ViewsLag
from api.pages import forms
from api.pages.field import grid_households, informant, malformed, outbox_body, outbox_principal
from api.pages import flash as flashes
from api.pages.render import page, refused, see_other
from api.pages.session import CSRF_FIELD, check_csrf, lang_of
from api.pages.workbench import settle
from api.http.reads import record_read, record_reads
from domain.identity.access import Principal
from domain.households.household import CorrectionRefused
from domain.privacy import KEPT_ON_CORRECTION, people_of
from domain.households.intake import Outcome
from projections.submissions import submissions_of
from projections.view_store import ViewStore

router = APIRouter(include_in_schema=False)
MAX_REASON = 500  # as the API's retraction body
DONE = ("corrected", "retracted")
PAGE_SIZE = 100


def _message(request: Request, zh: str, en: str) -> str:
    return zh if lang_of(request) == "zh" else en


def _mine(request: Request, views: ViewStore, principal: Principal, *, done: str = "", problem: str | None = None,
          status: int = 200) -> Response:
    total, rows = submissions_of(views, principal.name, limit=PAGE_SIZE)
    record_reads(request, principal, (r["household"] for r in rows))
    flash = flashes.of(request)  # a retraction refused a moment ago (post/redirect/get)
    reason_error: dict[str, str] = {}
    if flash is not None and flash.field == "reason":
        reason_error = {"id": flash.subject, "message": flash.message(lang_of(request))}
    elif flash is not None:
        problem = flash.message(lang_of(request))
    return page(request, "mine.html", {
        "rows": rows, "total": total, "done": done if done in DONE and flash is None else "", "problem": problem,
        "reason_error": reason_error, "correctable": {*forms.REPORT_KINDS, forms.REGISTRATION},
        "max_reason": MAX_REASON, "flash_shown": True}, status=status)


@router.get("/field/mine")
def mine(request: Request, views: Views, done: str = "", principal: Principal = Depends(informant)) -> Response:
    return _mine(request, views, principal, done=done)


@router.get("/field/mine/{observation_id}/correct")
def correction_form(request: Request, observation_id: str, corrections: Corrections, views: Views,
                    principal: Principal = Depends(informant)) -> Response:
    """The report or register form, filled with the observation in force (or the list, saying why not)."""
    try:
        original = corrections.in_force(observation_id, principal)
    except CorrectionRefused as refusal:
        return _mine(request, views, principal, problem=_message(request, refusal.message_zh, refusal.message),
                     status=refusal.status)
    kind = original["kind"]
    if kind not in (*forms.REPORT_KINDS, forms.REGISTRATION):
        return _mine(request, views, principal, status=422, problem=_message(
            request, "这类记录不能在手机上更正，请联系经办人员", "this kind cannot be corrected on the phone; ask a caseworker"))
    correcting = {"id": observation_id, "observed_at": original["observed_at"]}
    values, kept = _unshown(original, forms.values_of(original), request)
    record_read(request, principal, original["household"])
    if kind == forms.REGISTRATION:
        data = original["data"]
        members = [forms.member_fields(i) for i in range(max(1, len(data.get("members") or [])))]
        return page(request, "register.html", {"fields": forms.registration_fields(), "members": members,
                                               "grid": data.get("grid"), "region": data.get("region"),
                                               "values": values, "correcting": correcting, "kept": kept})
    return page(request, "report.html", {"form": forms.report_form(kind), "kinds": forms.REPORT_KINDS,
                                         "households": grid_households(views, principal.jurisdiction),
                                         "values": values, "correcting": correcting})


def _unshown(original: dict[str, Any], values: dict[str, str], request: Request
             ) -> tuple[dict[str, str], dict[str, str]]:
    """The form's values without stored ID numbers and birth dates, and a hint for each input left empty:
    left so, the correction keeps the stored value (`domain.privacy.kept_identity`)."""
    hints: dict[str, str] = {}
    for index, person in enumerate(people_of(original).values()):
        for field in KEPT_ON_CORRECTION:
            name = f"data.members[{index}].{field}"
            if values.pop(name, "") and isinstance(person.get(field), str):
                year = person["birth_date"][:4] if field == "birth_date" else ""
                hints[name] = (_message(request, f"已登记（{year}年），留空则保持不变", f"on record ({year}); leave empty to keep it")
                               if year else _message(request, "已登记，留空则保持不变", "on record; leave empty to keep it"))
    return values, hints


@router.post("/field/mine/{observation_id}/retraction")
async def retract(request: Request, observation_id: str, corrections: Corrections,
                  views_lag: ViewsLag, principal: Principal = Depends(informant)) -> Response:
    """Withdraw one of my observations; a refusal goes back to the list, which says why (post/redirect/get)."""
    form = await request.form()
    check_csrf(request, form.get(CSRF_FIELD))
    reason = str(form.get("reason") or "").strip()
    if not reason or len(reason) > MAX_REASON:
        said = (("请填写撤回原因", "say why it is withdrawn") if not reason else
                (f"撤回原因不能超过 {MAX_REASON} 字", f"at most {MAX_REASON} characters"))
        return refused(request, "/field/mine", flashes.Flash(422, *said, field="reason", subject=observation_id))
    outcome: Outcome = corrections.retract(observation_id, reason, principal)
    if outcome.status == "rejected":
        error = outcome.errors[0]
        return refused(request, "/field/mine", flashes.Flash(outcome.http_status, error.message_zh, error.message))
    await settle(views_lag)
    return see_other("/field/mine?done=retracted")


@router.post("/field/observations/{observation_id}/correction")
async def correct(request: Request, observation_id: str, corrections: Corrections,
                  views_lag: ViewsLag) -> Response:
    """The outbox's endpoint for a correction: one envelope, answered as `{"result": …}` like a batch item
    (JSON refusals, so the script keeps what it could not send)."""
    principal = outbox_principal(request)
    if isinstance(principal, JSONResponse):
        return principal
    body = await outbox_body(request)
    if not isinstance(body, dict):
        return malformed()
    outcome: Outcome = corrections.correct(observation_id, body, principal)
    if outcome.status != "rejected":
        await settle(views_lag)
    return JSONResponse({"result": outcome.to_json()})

