"""Explanations a caseworker can act on, in Chinese and English.

An explanation records the rule id and version, the facts that matched (with
labels in both languages), the parameter values used with their region and
effective date, and the observation ids that made the facts true.
"""

from __future__ import annotations

from typing import Any

from domain.facts.derived import HouseholdFacts, Subject
from domain.labels import BOOLEAN_WORDS, fact_label, fact_value
from domain.privacy import Sight, shown_facts
from rules.rule import Rule



def _parameters_used(rule: Rule, household: HouseholdFacts) -> dict[str, Any]:
    used = household.parameters.used
    wanted = [p.replace("<hukou>", "") for p in rule.parameters]
    return {
        name: resolved.to_json()
        for name, resolved in sorted(used.items())
        if any(name == w or (w.endswith(".") and name.startswith(w)) for w in wanted)
    }


def explain(rule: Rule, subject: Subject, household: HouseholdFacts) -> dict[str, Any]:
    """The full, self-contained reason an alert was raised."""
    facts = {name: subject.facts.get(name) for name in rule.reads if name in subject.facts}
    return {
        "rule": rule.id,
        "rule_version": rule.version,
        "title": {"zh": rule.title_zh, "en": rule.title_en},
        "text": _text(rule.title_zh, rule.title_en, facts),
        "judged_on": household.on.isoformat(),
        "facts": facts,
        "parameters": _parameters_used(rule, household),
        "missing_parameters": sorted(household.parameters.missing),
        "event_ids": list(dict.fromkeys(subject.evidence)),
    }


def _text(title_zh: str, title_en: str, facts: dict[str, Any]) -> dict[str, str]:
    zh = "；".join(f"{fact_label(k)[0]}：{_show(k, v, 'zh')}" for k, v in facts.items())
    en = "; ".join(f"{fact_label(k)[1]}: {_show(k, v, 'en')}" for k, v in facts.items())
    return {"zh": f"{title_zh}。{zh}", "en": f"{title_en}. {en}"}


def shown_explanation(explanation: dict[str, Any] | None, sight: Sight) -> dict[str, Any] | None:
    """The explanation as `sight` may see it: facts that move on the birthday withheld, its text
    written again from the facts left (domain/privacy.py says why)."""
    if not explanation or sight.birth == "date" or not isinstance(explanation.get("facts"), dict):
        return explanation
    facts = shown_facts(explanation["facts"], sight)
    if facts == explanation["facts"]:
        return explanation
    title = explanation.get("title") or {}
    return {**explanation, "facts": facts, "text": _text(title.get("zh", ""), title.get("en", ""), facts)}


def shown_alert(alert: dict[str, Any], sight: Sight) -> dict[str, Any]:
    """An alert (a queue row as JSON) with its explanation as `sight` may see it."""
    return {**alert, "explanation": shown_explanation(alert.get("explanation"), sight)}


def _show(name: str, value: Any, language: str) -> str:
    """A fact's value in words: yes/no, an enumerated value by its fact's table, money to the cent."""
    if isinstance(value, bool):
        return BOOLEAN_WORDS[value][0 if language == "zh" else 1]
    if isinstance(value, list):
        return ("、" if language == "zh" else ", ").join(_show(name, item, language) for item in value)
    pair = fact_value(name, value) if isinstance(value, str) else None
    if pair is not None:
        return pair[0 if language == "zh" else 1]
    if isinstance(value, float):
        return _amount(value)
    return str(value)


def _amount(value: float) -> str:
    """Two places as for money, more when the value is finer (a limit of 17692.776 is not 17692.78)."""
    if round(value, 2) == value:
        return f"{value:.2f}"
    return f"{value:.4f}".rstrip("0")
