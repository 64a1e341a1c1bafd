"""The published rule catalog: every rule in plain words, the parameter values in force for a chosen
region and date (with where each comes from), and the choices made where the policy was silent.
Public: residents may read why the system asks about them; no login needed."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.http.dependencies import Identity, Policy, Today
from api.pages.explain import Places, place_namer, shown, source
from api.pages.i18n import LANGUAGES
from api.pages.regions import region_choices
from api.pages.render import page
from api.pages.session import bad_value, lang_of
from api.http.regions import page_region
from domain.policy.parameters import ParameterTable, Resolved
from rules.catalog import CATALOG
from rules.plain_language import choice_text, looks_for, parameter_label
from rules.rule import Rule

router = APIRouter(include_in_schema=False)
DEFAULT_REGION = "500103"


def parameter_names(rule: Rule, table: ParameterTable) -> list[str]:
    """The parameters a rule reads: `<hukou>` stands for both hukou types, a trailing dot for a family."""
    names: list[str] = []
    for wanted in rule.parameters:
        expanded = [wanted.replace("<hukou>", h) for h in ("urban", "rural")] if "<hukou>" in wanted else [wanted]
        for name in expanded:
            names.extend(sorted(n for n in table.names() if n.startswith(name)) if name.endswith(".") else [name])
    return names


def _values(rule: Rule, table: ParameterTable, region: str, on: date, lang: str, places: Places) -> list[dict[str, Any]]:
    i = LANGUAGES.index(lang)
    rows = []
    for name in parameter_names(rule, table):
        found = table.find(name, region, on)
        entry = found.to_json() if isinstance(found, Resolved) else None
        rows.append({"name": name, "label": parameter_label(name)[i],
                     "value": shown(entry["value"], lang) if entry else None,
                     "source": source(entry, lang, places) if entry else None})
    return rows


def _region(region: str) -> str:
    """The region asked for (the default when none); one that is not a region code (read by level) is the
    422 page naming it and why."""
    return page_region(region) or DEFAULT_REGION


def _day(on: str) -> date | None:
    try:
        return date.fromisoformat(on) if on else None
    except ValueError:
        raise bad_value("on", "日期格式不正确，请按 2025-08-04 的格式输入。", "That is not a date; type it as 2025-08-04.") from None


@router.get("/catalog")
def catalog(request: Request, policy: Policy, identity: Identity, today: Today, region: str = DEFAULT_REGION,
            on: str = "") -> Response:
    lang = lang_of(request)
    region, day = _region(region), _day(on) or today
    table, i, places = policy.table(), LANGUAGES.index(lang), place_namer(identity)
    rules = [{"id": r.id, "version": r.version, "category": r.category, "subject": r.subject,
              "severity": r.severity, "title": r.title_zh if lang == "zh" else r.title_en,
              "looks_for": looks_for(r.id)[i], "parameters": _values(r, table, region, day, lang, places),
              "choices": [choice_text(c, lang) for c in r.choices]} for r in CATALOG]
    return page(request, "catalog.html", {"rules": rules, "region": region, "on": day.isoformat(),
                                          "regions": region_choices(identity, None, region)})
