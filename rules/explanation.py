"""Explanations a caseworker can act on, in Chinese and English.

An explanation records the rule id and version, the facts that matched (with
labels in both languages), the parameter values used with their region and
effective date, and the observation ids that made the facts true.
"""

from __future__ import annotations

from typing import Any

from domain.derived_facts import HouseholdFacts, Subject
from rules.rule import Rule

FACT_LABELS: dict[str, tuple[str, str]] = {
    "pc_income": ("家庭人均月收入(元)", "per-capita monthly income (CNY)"),
    "std": ("低保标准(元/人·月)", "dibao standard (CNY per person per month)"),
    "edge_line": ("低保边缘线(元/人·月)", "low-income edge line (CNY per person per month)"),
    "members": ("共同生活成员数", "living members"),
    "assets_ok": ("财产符合条件", "assets within limits"),
    "assets_reported": ("已申报财产", "assets reported"),
    "enrolled_dibao": ("已纳入低保", "enrolled in dibao"),
    "enrolled_temporary_assistance": ("已获临时救助", "receives temporary assistance"),
    "urgent_hardship_unmet": ("紧急困难未获救助", "immediate hardship without assistance"),
    "programme": ("救助项目", "programme"),
    "start": ("起始日期", "start date"),
    "last_review": ("最近复核日期", "last review"),
    "review_interval_months": ("复核周期(月)", "review interval (months)"),
    "review_due": ("应复核日期", "review due"),
    "review_overdue_days": ("逾期天数", "days overdue"),
    "age": ("年龄", "age"),
}


def label(name: str) -> tuple[str, str]:
    return FACT_LABELS.get(name, (name, name.replace("_", " ")))


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
    zh = "；".join(f"{label(k)[0]}：{_show(v)}" for k, v in facts.items())
    en = "; ".join(f"{label(k)[1]}: {_show(v)}" for k, v in facts.items())
    return {
        "rule": rule.id,
        "rule_version": rule.version,
        "title": {"zh": rule.title_zh, "en": rule.title_en},
        "text": {"zh": f"{rule.title_zh}。{zh}", "en": f"{rule.title_en}. {en}"},
        "judged_on": household.on.isoformat(),
        "facts": facts,
        "parameters": _parameters_used(rule, household),
        "missing_parameters": sorted(household.parameters.missing),
        "event_ids": list(dict.fromkeys(subject.evidence)),
    }


def _show(value: Any) -> str:
    if value is True:
        return "是/yes"
    if value is False:
        return "否/no"
    return str(value)
