"""The supervisor dashboard: charts of open alerts by rule and by community, overdue and escalated
counts, alerts found per week, the communities' gap statistics, the escalated alerts still waiting and
what each informant recorded in a month (`projections/`, the same queries as the JSON views)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.http.dependencies import Identity, Reports, Today, Views
from api.http.routes.alerts import area_of
from api.pages import charts
from api.pages.explain import place_namer
from api.pages.i18n import rule_title, text, week_name
from api.pages.render import page
from api.pages.session import lang_of, needs
from api.http.reads import record_reads
from domain.identity.access import Action, Principal, allowed
from domain.identity.application import IdentityApp
from projections import dashboard as figures
from projections.escalations import escalations

router = APIRouter(include_in_schema=False)
WEEKS = figures.WEEKS_SHOWN
ESCALATIONS_SHOWN = 50
MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


@router.get("/dashboard")
def dashboard(request: Request, views: Views, reports: Reports, identity: Identity, today: Today, month: str = "",
              principal: Principal = Depends(needs(Action.READ_STATISTICS))) -> Response:
    lang = lang_of(request)
    prefix = area_of(principal) or ""
    places = place_namer(identity)
    chosen = month.strip()
    month_error = text("activity_bad_month", lang) if chosen and not MONTH.match(chosen) else None
    picked = chosen if chosen and month_error is None else None
    found = figures.dashboard_figures(reports, views, prefix, today, WEEKS, picked)
    context: dict[str, Any] = {
        "svg": _charts(found, identity, lang), "totals": found["totals"], "on": today.isoformat(),
        "gaps": [dict(g, name=places(g["community"])) for g in found["gaps"]],
        "escalated": _escalated(request, views, principal, prefix, today),
        "activity": found["activity"], "month": chosen, "month_error": month_error,
    }
    return page(request, "dashboard.html", context, status=422 if month_error else 200)


def _charts(found: dict[str, Any], identity: IdentityApp, lang: str) -> dict[str, str]:
    short = place_namer(identity)
    return {
        "by_rule": charts.bar_chart(text("open_by_rule", lang),
                                    [(rule_title(rule, lang), n) for rule, n in found["by_rule"]]),
        "by_community": charts.bar_chart(text("open_by_community", lang),
                                         [(short(code), n) for code, n in found["by_community"]]),
        "per_week": charts.line_chart(text("found_per_week", lang), [
            (week_name(week, lang), n) for week, n in found["per_week"]]),
    }


def _escalated(request: Request, views: Any, principal: Principal, prefix: str, today: date) -> dict[str, Any] | None:
    """The escalation list (`GET /api/v1/escalations`), for the roles that may read it."""
    if not allowed(principal.role, Action.READ_ESCALATIONS):
        return None
    listed = escalations(views, prefix, today, ESCALATIONS_SHOWN, 0)
    record_reads(request, principal, (a["household"] for a in listed["alerts"]))
    return listed
