"""An alert's explanation as the alert page shows it: which rule held, which facts matched (labelled),
which parameter values were used and where they come from, and the observations it rests on."""

from __future__ import annotations

from typing import Any, Callable

from api.pages.i18n import LANGUAGES, term, text
from domain.identity.application import IdentityApp
from domain.identity.jurisdiction import JurisdictionTree, UnknownJurisdiction
from domain.policy.parameter_types import EARLIEST_EFFECTIVE
from domain import labels
from domain.labels import fact_label
from rules.plain_language import looks_for, parameter_label


def shown(value: Any, lang: str) -> str:
    """A fact's value in words: yes/no, lists, money with two decimals, vocabulary in the language."""
    if isinstance(value, bool):
        return text("yes" if value else "no", lang)
    if isinstance(value, list):
        return ("、" if lang == "zh" else ", ").join(shown(v, lang) for v in value) or text("none", lang)
    if isinstance(value, float):
        return f"{value:,.2f}"
    if value is None:
        return "—"
    return term(value, lang)


def fact_shown(name: str, value: Any, lang: str) -> str:
    """A fact's value in words, an enumerated one by its fact's table (`care_level` `partial` is 部分失能)."""
    if isinstance(value, list) and labels.fact_value(name, value[0] if value else None) is not None:
        return ("、" if lang == "zh" else ", ").join(fact_shown(name, v, lang) for v in value)
    pair = labels.fact_value(name, value) if isinstance(value, str) else None
    return shown(value, lang) if pair is None else pair[LANGUAGES.index(lang)]


Places = Callable[[str], str]


def place_namer(identity: IdentityApp) -> Places:
    """A region code as people say it: its name in the jurisdiction tree (the code alone when the tree has no
    name for it). Codes are not shown after names: a reader knows a place by its name.

    The tree is read once per namer, at its first name (a namer serves one page): reading it copies the
    whole aggregate, and a dashboard names hundreds of communities (2 s when read for each name)."""
    trees: list[JurisdictionTree] = []

    def name(code: str) -> str:
        if not trees:
            trees.append(identity.jurisdiction_tree())
        try:
            node = trees[0].node(code)
        except UnknownJurisdiction:
            return code
        return str(node.name)

    return name


def source(entry: dict[str, Any], lang: str, places: Places) -> str:
    """Where a parameter value comes from: the region that set it (or the national default) and since when."""
    region = entry.get("region") or "national"
    place = text("national", lang) if region == "national" else places(str(region))
    since = str(entry.get("from", "?"))
    if since <= EARLIEST_EFFECTIVE.isoformat():  # the shipped defaults hold since the start of time
        return text("source_always", lang, region=place)
    return text("source_text", lang, region=place, since=since)


def explained(alert: dict[str, Any], lang: str, places: Places) -> dict[str, Any] | None:
    """The explanation of `alert` (a queue row as JSON) in `lang`, or None when it has none."""
    why = alert.get("explanation")
    if not why:
        return None
    i = LANGUAGES.index(lang)
    return {
        "rule": why.get("rule"), "version": why.get("rule_version"), "judged_on": why.get("judged_on"),
        "title": (why.get("title") or {}).get(lang),
        "looks_for": looks_for(str(why.get("rule")))[i],
        "facts": [{"label": fact_label(name)[i], "value": fact_shown(name, value, lang)}
                  for name, value in (why.get("facts") or {}).items()],
        "parameters": [{"name": name, "label": parameter_label(name)[i], "value": shown(entry.get("value"), lang),
                        "source": source(entry, lang, places)} for name, entry in (why.get("parameters") or {}).items()],
        "missing": [parameter_label(name)[i] for name in why.get("missing_parameters") or []],
        "event_ids": why.get("event_ids") or [],
    }
