"""The supervisor dashboard: charts of open alerts by rule and by community, overdue and escalated
counts, alerts found per week, and the communities' gap statistics (`projections/`)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.alerts import area_of
from api.pages import charts
from api.pages.explain import place_namer
from api.pages.i18n import text
from api.pages.render import page
from api.pages.session import lang_of, needs
from domain.access import Action, Principal
from projections import dashboard as figures
from projections.gap_statistics import gap_statistics

router = APIRouter(include_in_schema=False)
WEEKS = 12


@router.get("/dashboard")
def dashboard(request: Request, principal: Principal = Depends(needs(Action.READ_STATISTICS))) -> Response:
    runtime, lang = request.app.state.runtime, lang_of(request)
    prefix = area_of(principal) or ""
    today = runtime.assessor.clock() or date.today()
    views, places, short = runtime.views, place_namer(runtime), place_namer(runtime, with_code=False)
    svg = {
        "by_rule": charts.bar_chart(text("open_by_rule", lang), figures.open_by_rule(views, prefix)),
        "by_community": charts.bar_chart(text("open_by_community", lang),
                                         [(short(code), n) for code, n in figures.open_by_community(views, prefix)]),
        "per_week": charts.line_chart(text("found_per_week", lang), figures.found_per_week(views, prefix, WEEKS, today)),
    }
    return page(request, "dashboard.html", {"svg": svg, "totals": figures.totals(views, prefix),
                                            "gaps": [dict(g, name=places(g["community"])) for g in gap_statistics(views, prefix, today)], "on": today.isoformat()})
