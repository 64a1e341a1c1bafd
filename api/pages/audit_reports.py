"""The auditor's reports as pages: saved back-tests, the log's integrity checked now, response times and
equity. Each uses the service behind its JSON route with that route's check: back-tests and integrity
need `READ_AUDIT`; response times and equity `READ_STATISTICS`, limited to a supervisor's jurisdiction."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.http.dependencies import AllServices, AppSettings, Identity, Reports, Today, Views
from api.http.routes.alerts import area_of
from api.pages import charts
from api.pages.audit_charts import grouped_bars
from api.pages.explain import place_namer
from api.pages.i18n import LANGUAGES, rule_title, term, text, word
from api.pages.regions import region_choices
from api.pages.render import page
from api.pages.session import PageError, lang_of, needs, one_of
from api.pages.time_axes import AxisError, parse_day
from api.http.regions import page_region
from domain.identity.access import Action, Principal
from domain.identity.application import IdentityApp
from domain.region_codes import narrowed
from rules import backtest_reports
from projections.equity import DIMENSIONS, equity_report
from projections.response_times import GROUPINGS, STAGES, response_times_report
from rules.backtest_comparison import OUTCOME_LABELS, OUTCOMES

router = APIRouter(include_in_schema=False)


@router.get("/audit/backtests")
def backtests(request: Request, settings: AppSettings,
              principal: Principal = Depends(needs(Action.READ_AUDIT))) -> Response:
    data_dir = settings.data_dir
    reports = [(name, backtest_reports.load(data_dir, name)) for name in backtest_reports.names(data_dir)]
    return page(request, "audit_backtests.html", {"reports": [(n, r) for n, r in reports if r is not None]})


def outcome_label(outcome: str, lang: str) -> str:
    return OUTCOME_LABELS[outcome][LANGUAGES.index(lang)]


@router.get("/audit/backtests/{name}")
def backtest(request: Request, name: str, settings: AppSettings,
             principal: Principal = Depends(needs(Action.READ_AUDIT))) -> Response:
    report = backtest_reports.load(settings.data_dir, name)
    if report is None:
        raise PageError(404, "not_found")
    lang = lang_of(request)
    svg = {rule["rule"]: charts.bar_chart(text("outcomes_of", lang, rule=rule_title(rule["rule"], lang)),
                                          [(outcome_label(o, lang), rule["counts"][o]) for o in OUTCOMES])
           for rule in report.get("rules", [])}
    return page(request, "audit_backtest.html", {"name": name, "r": report, "svg": svg, "outcomes": OUTCOMES,
                                                 "label": lambda o: outcome_label(o, lang)})


@router.get("/audit/integrity")
def integrity(request: Request, services: AllServices,
              principal: Principal = Depends(needs(Action.READ_AUDIT))) -> Response:
    """`audit verify` run now, as `GET /api/v1/audit/integrity`: a full read of every log written since the
    last check (a log whose files are unchanged keeps its verdict: `infra.integrity.KeptVerdicts`)."""
    started = time.perf_counter()
    reports = [r.to_json() for r in services.integrity.verify()]
    lang = lang_of(request)
    for report in reports:
        if report["break"]:
            parts = report["break"]["detail"].split(" / ", 1)
            report["break"]["words"] = parts[0] if lang == "zh" or len(parts) == 1 else parts[1]
    return page(request, "audit_integrity.html", {
        "reports": reports, "ok": all(r["ok"] for r in reports), "events": sum(r["events"] for r in reports),
        "seconds": round(time.perf_counter() - started, 3)})


def _prefix(principal: Principal, region: str) -> str:
    """The region prefix read: the one asked for when it lies under the reader's own (as the API does);
    a value that is not a region code is the 422 page naming it and why."""
    mine = area_of(principal) or ""
    return narrowed(mine, page_region(region))


def _days(start: str, end: str) -> tuple[date | None, date | None]:
    return (parse_day(start, "from") if start else None), (parse_day(end, "to") if end else None)


@router.get("/audit/response-times")
def response_time_page(request: Request, views: Views, reports: Reports, identity: Identity,
                       group_by: str = "community", region: str = "", start: str = "", end: str = "",
                       principal: Principal = Depends(needs(Action.READ_STATISTICS))) -> Response:
    lang = lang_of(request)
    by = one_of("group_by", group_by, GROUPINGS, lambda g, lang: word("group", g, lang)) or "community"
    try:
        first, last = _days(start, end)
    except AxisError as error:
        first, last, problem = None, None, error.field
    else:
        problem = None
    groups = response_times_report(reports, views, _prefix(principal, region), first, last, by)
    names = _group_namer(identity, by, lang)
    labels = [names(g["group"]) for g in groups]
    svg = grouped_bars(text("median_chart", lang), labels,
                       [(term(stage, lang), [g["stages"][stage]["median"] for g in groups]) for stage in STAGES])
    return page(request, "audit_response_times.html", {
        "groups": [dict(g, name=n) for g, n in zip(groups, labels)], "stages": STAGES, "svg": svg,
        "chosen": {"group_by": by, "region": region, "start": start, "end": end}, "groupings": GROUPINGS,
        "problem": problem, "regions": region_choices(identity, area_of(principal), region)}, status=422 if problem else 200)


def _group_namer(identity: IdentityApp, by: str, lang: str) -> Any:
    places = place_namer(identity)
    if by == "rule":
        return lambda group: rule_title(group, lang)
    return lambda group: places(group) if by == "community" else term(group, lang)


@router.get("/audit/equity")
def equity_page(request: Request, views: Views, reports: Reports, identity: Identity, today: Today,
                region: str = "", principal: Principal = Depends(needs(Action.READ_STATISTICS))) -> Response:
    lang = lang_of(request)
    found = equity_report(reports, views, _prefix(principal, region), today)
    places = place_namer(identity)
    dimensions = []
    for dimension in DIMENSIONS:
        groups = with_found_share(found["groups"][dimension])
        names = [places(g["group"]) if dimension == "community" else _group_word(g["group"], lang) for g in groups]
        svg = grouped_bars(text(dimension, lang), names, [
            (text("population_share", lang), [g["population_share"] for g in groups]),
            (text("found_share", lang), [g["found_share"] for g in groups])], percent=True)
        dimensions.append({"name": dimension, "svg": svg, "groups": [dict(g, name=n) for g, n in zip(groups, names)]})
    return page(request, "audit_equity.html", {"dimensions": dimensions, "residents": found["residents"],
                                               "on": today.isoformat(), "region": region, "pct": percent,
                                               "regions": region_choices(identity, area_of(principal), region)})


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


def _group_word(group: str, lang: str) -> str:
    return text("no_disability", lang) if group == "none" else term(group, lang)


def with_found_share(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each group's share of all residents found (with any alert), to set beside its population share."""
    found = [round(g["residents"] * (g["any_alert"] or 0)) for g in groups]
    total = sum(found)
    return [dict(g, found_share=round(n / total, 4) if total else None) for g, n in zip(groups, found)]
