"""The auditor's pages of history: a start page, a household's timeline rebuilt on both time axes, and
an alert's whole story with what the system held when each resolution was made.

They read the same services as `/api/v1/audit/…` (`HouseholdHistory`, `AsOf`) with the same
check (`Action.READ_AUDIT`) and the same masking; like those routes they read the event stores, not
the household views, and like every read of personal data each is recorded in the access log (refusals
too), which `/audit/access` lists.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.http.dependencies import Access, AsOfQuery, History, Households, Identity, Today, Views
from api.http.routes.alerts import MAX_OFFSET
from api.pages.explain import explained, fact_shown, place_namer
from api.pages.i18n import term, word
from api.pages.render import page, see_other, when
from api.pages.session import PageError, lang_of, needs, one_of
from api.http.reads import record_read, record_reads, route_of
from api.pages.then_and_now import data_words, observations, standing_now
from api.pages.time_axes import (CHINA, AxisError, DayAxis, Moment, china, chosen_as_of, chosen_known_at, day_axis,
                                 parse_moment, position_of, recorded_moments)
from domain.identity.access import Action, Principal
from domain.audit.access_log import OUTCOMES, REASONS, REFUSED
from domain.privacy import sees_full_identity
from domain.identity.authorizer import Authorizer, OutOfReach
from projections import access_log, alert_queue
from projections.alert_queue import row_to_json
from projections.household_history import HouseholdHistory
from projections.household_queries import timeline
from projections.view_store import ViewStore
from domain.labels import fact_label

router = APIRouter(include_in_schema=False)
KINDS = ("household", "alert", "access", "rules")
DETAILS = ("rule", "to", "outcome", "note", "reason", "visited_on", "deadline", "route", "shown", "corrects",
           "retracts", "error")
HOME_ALERTS = 30
ACCESS_PAGE = 100


@router.get("/audit")
def home(request: Request, views: Views, household: str = "", alert: str = "",
         principal: Principal = Depends(needs(Action.READ_AUDIT))) -> Response:
    """Open a household or an alert by its id; the latest alerts to start from; the reports."""
    if household.strip():
        return see_other(f"/audit/households/{quote(household.strip(), safe='')}")
    if alert.strip():
        return see_other(f"/audit/alerts/{quote(alert.strip(), safe='')}")
    filters: dict[str, str | None] = {"household": None, "rule": None, "severity": None, "status": None,
                                      "assigned_to": None}
    total, rows = alert_queue.query(views, filters, escalated=None, regions=[],
                                    limit=HOME_ALERTS, offset=0)
    record_reads(request, principal, (r["household"] for r in rows))
    return page(request, "audit_home.html", {"alerts": [row_to_json(r) for r in rows], "total": total})


@router.get("/audit/access")
def access(request: Request, views: Views, outcome: str = "", reason: str = "", user: str = Query("", max_length=64),
           household: str = Query("", max_length=128), offset: int = Query(0, ge=0, le=MAX_OFFSET),
           principal: Principal = Depends(needs(Action.READ_AUDIT))) -> Response:
    """The access log, refusals first to hand (`?outcome=refused`): who read or tried to read what, and why a
    refusal was refused (the same view as `GET /api/v1/audit/access`)."""
    chosen = {"outcome": one_of("outcome", outcome, OUTCOMES, lambda o, lang: word("access_outcome", o, lang)), "reason": one_of("reason", reason, REASONS, lambda r, lang: word("access_reason", r, lang)),
              "user": user.strip(), "household": household.strip()}
    filters = {k: v or None for k, v in chosen.items()}
    total, rows = access_log.query(views, filters.pop("household"), filters.pop("user"), ACCESS_PAGE, offset,
                                   **filters)
    refusals = access_log.query(views, None, None, 1, 0, outcome=REFUSED)[0]
    return page(request, "audit_access.html", {
        "rows": rows, "total": total, "refusals": refusals, "chosen": chosen, "outcomes": OUTCOMES,
        "reasons": REASONS, "offset": offset, "page_size": ACCESS_PAGE,
    })


def _history(request: Request, principal: Principal, household: str, full: bool, *, access: Authorizer,
             history: HouseholdHistory, views: ViewStore) -> list[dict[str, Any]]:
    """The household's events, once the households store holds it (else the 404 page, the attempt recorded)."""
    try:
        access.household(principal, household, route_of(request))
    except OutOfReach:
        raise PageError(404, "not_found") from None
    entries: list[dict[str, Any]] = history.events(household, access_log.ids_of(views, household), full)
    if not entries:
        raise PageError(404, "not_found")
    return entries


def _moment_label(moment: Moment, lang: str) -> str:
    """A slider position in words: when (Beijing time) and what was recorded then."""
    kinds = "、".join(dict.fromkeys(term(k, lang) for k in moment.kinds))
    return f"{when(moment.at.isoformat())} · {kinds}"


@router.get("/audit/households/{household_id}")
def household(request: Request, household_id: str, access: Access, events: History, views: Views,
              past: AsOfQuery, households: Households, today: Today, kind: str = "",
              principal: Principal = Depends(needs(Action.READ_AUDIT))) -> Response:
    lang, full = lang_of(request), sees_full_identity(principal.role)
    history = _history(request, principal, household_id, full, access=access, history=events, views=views)
    record_read(request, principal, household_id)
    # what the system knew moves only with what was recorded about the household, not with who read it
    moments = recorded_moments([e for e in history if not e["type"].startswith("access.")])
    axis = day_axis(history, today)
    known_at, as_of, problem = _chosen(dict(request.query_params), moments, axis)
    then = past.household(household_id, as_of, known_at, full)
    day = date.fromisoformat(then["as_of"]) if then else as_of or known_at.astimezone(CHINA).date()
    chosen_kind = one_of("kind", kind, KINDS, lambda k, lang: word("history_group", k, lang))
    events = [dict(e, later=datetime.fromisoformat(e["recorded_at"]) > known_at, details=_details(e))
              for e in history if not chosen_kind or e["type"].startswith(f"{chosen_kind}.")]
    return page(request, "audit_household.html", {
        "household": household_id, "then": then, "problem": problem, "kinds": KINDS, "kind": chosen_kind,
        "known_at": china(known_at), "as_of": day.isoformat(),
        "moments": [{"at": china(m.at), "label": _moment_label(m, lang)} for m in moments],
        "k": position_of(moments, known_at), "axis": axis, "d": axis.position(day),
        "observations": observations(timeline(households, household_id), history, then, known_at, day, lang),
        "facts": _facts(then, lang), "events": events,
    }, status=422 if problem else 200)


def _chosen(query: dict[str, str], moments: list[Moment], axis: DayAxis) -> tuple[datetime, date | None, str | None]:
    """The moment and day the form asks for; a bad typed value is named, and now (the clock's day) shown."""
    now = datetime.now(timezone.utc)
    try:
        return chosen_known_at(query, moments, now), chosen_as_of(query, axis), None
    except AxisError as error:
        return now, None, error.field


def _details(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: entry[k] for k in DETAILS if entry.get(k) not in (None, "", [])}


def _subject_name(subject: dict[str, Any], lang: str) -> str:
    """Which subject the facts are about: a resident or household by id, a coverage by its programme and start
    (its key, `dibao:-:2024-01-01`, is the rules' spelling)."""
    if subject["kind"] == "coverage" and str(subject["key"]).count(":") == 2:
        programme, resident, start = str(subject["key"]).split(":")
        return " · ".join(p for p in (term(programme, lang), "" if resident == "-" else resident, start) if p)
    return str(subject["resident"] or subject["key"])


def _facts(then: dict[str, Any] | None, lang: str) -> list[dict[str, Any]]:
    """The derived facts of each subject then, labelled in the page's language."""
    i = 0 if lang == "zh" else 1
    return [{"kind": s["kind"], "key": s["key"], "resident": s["resident"], "named": _subject_name(s, lang),
             "facts": [(fact_label(name)[i], fact_shown(name, value, lang)) for name, value in s["facts"].items()]}
            for s in (then or {}).get("facts", [])]


@router.get("/audit/alerts/{alert_id}")
def alert_story(request: Request, alert_id: str, access: Access, events: History, past: AsOfQuery,
                households: Households, identity: Identity,
                principal: Principal = Depends(needs(Action.READ_AUDIT))) -> Response:
    lang, full = lang_of(request), sees_full_identity(principal.role)
    try:
        access.alert(principal, alert_id, route_of(request))
    except OutOfReach:
        raise PageError(404, "not_found") from None
    story = past.alert_story(alert_id, full)
    if story is None:
        raise PageError(404, "not_found")
    record_read(request, principal, story["household"], alert=alert_id)
    history = events.events(story["household"], [], full)
    data = {e["observation"]["observation_id"]: e["observation"].get("data") for e in history if "observation" in e}
    now = {e["observation_id"]: e for e in timeline(households, story["household"])}
    causes = [dict(c, now=standing_now(c, lang), data=data_words(data.get(c["observation_id"]), lang, c.get("kind")),
                   correction=data_words(data.get(c.get("corrected_by") or ""), lang, c.get("kind"))) for c in story["caused_by"]]
    raised = story["actions"][0] if story["actions"] else {}
    return page(request, "audit_alert.html", {
        "s": story, "why": explained(story, lang, place_namer(identity)), "causes": causes,
        "severity": raised.get("severity"), "actions": [dict(a, details=_details(a)) for a in story["actions"]],
        "resolutions": [_resolution(r, now, lang) for r in story["resolutions"]],
    })


def _resolution(resolution: dict[str, Any], now: dict[str, dict[str, Any]], lang: str) -> dict[str, Any]:
    """A resolution with what the system held the moment before, each observation's standing now beside it."""
    then = resolution.get("household_then")
    just_before = parse_moment(resolution["recorded_at"]) - timedelta(microseconds=1)
    held = [dict(o, data_words=data_words(o.get("data"), lang, o.get("kind")),
                 now=standing_now(now.get(o["observation_id"], {}), lang)) for o in (then or {}).get("observations_in_force", [])]
    return {**resolution, "then": then, "held": held, "facts": _facts(then, lang), "known_at": china(just_before)}
