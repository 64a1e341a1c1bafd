"""Unmet needs (NEED.*): someone in trouble that nobody is helping yet."""

from __future__ import annotations

from typing import Any

from rules.rule import Rule

# durable_rules expressions compare with `== True` / `== False`; `is` is not an engine operator.
# ruff: noqa: E712


def _roster_severity(facts: dict[str, Any]) -> str:
    return "high" if facts.get("age", 0) >= 80 and facts.get("lives_alone") is True else "medium"


NEED_URGENT_HARDSHIP = Rule(
    id="NEED.URGENT_HARDSHIP", version=1, category="NEED", subject="household", severity="critical",
    title_zh="紧急困难尚未获得临时救助", title_en="Immediate hardship reported, no temporary assistance yet",
    condition=lambda m: m.urgent_hardship_unmet == True,
    reads=("urgent_hardship_unmet", "enrolled_temporary_assistance"),
    choices=("A temporary-assistance enrolment or application dated on or after the observation of the hardship "
             "report meets it.",),
)

NEED_EMERGENCY = Rule(
    id="NEED.EMERGENCY", version=1, category="NEED", subject="household", severity="critical",
    title_zh="突发事件后未获临时救助", title_en="Emergency without temporary assistance",
    condition=lambda m: (m.emergency_unhelped == True)
    & ((m.pc_income < m.std) | (m.emergency_unhelped_grave == True)),
    reads=("emergency_unhelped", "emergency_unhelped_grave", "pc_income", "std"),
    parameters=("emergency.window_days", "dibao.standard_monthly.<hukou>"),
    choices=("Each emergency is judged on its own date: help dated before a later emergency does not meet it.",
             "Local hukou is not required (temporary assistance is given where the emergency happens).",
             "With no income report, only breadwinner_lost / sudden_illness emergencies hold (unknown is not false)."),
)

NEED_CHILD_WITHOUT_CARER = Rule(
    id="NEED.CHILD_WITHOUT_CARER", version=1, category="NEED", subject="resident", severity="critical",
    title_zh="未成年人无成年家庭成员照料", title_en="Child with no adult member in the household",
    condition=lambda m: (m.member == True) & (m.age < m.child_age_limit) & (m.has_adult_member == False),
    reads=("age", "child_age_limit", "has_adult_member"),
    parameters=("child.age_limit",),
)

NEED_SCHOOL_DROPOUT = Rule(
    id="NEED.SCHOOL_DROPOUT", version=1, category="NEED", subject="resident", severity="medium",
    title_zh="义务教育阶段儿童失学辍学", title_en="Child of compulsory-school age out of school",
    condition=lambda m: (m.member == True) & (m.age >= m.school_min_age) & (m.age <= m.school_max_age)
    & ((m.school_status == "dropped_out") | (m.school_status == "not_enrolled")),
    reads=("age", "school_status", "school_min_age", "school_max_age"),
    parameters=("school.compulsory_ages",),
    choices=("Compulsory ages are inclusive at both ends (6–15 means from the 6th to the end of the 15th year).",),
)

NEED_ELDERLY_NOT_ON_ROSTER = Rule(
    id="NEED.ELDERLY_NOT_ON_ROSTER", version=1, category="NEED", subject="resident", severity="medium",
    title_zh="特殊困难老年人未纳入探访关爱名单", title_en="Elderly person in difficulty not on the visiting roster",
    condition=lambda m: (m.member == True) & (m.age >= m.visiting_min_age) & (m.elderly_risk == True)
    & (m.enrolled_elderly_visiting == False),
    reads=("age", "elderly_risk", "lives_alone", "enrolled_elderly_visiting"),
    parameters=("visiting.min_age",),
    severity_for=_roster_severity,
)

NEED_RULES = (NEED_URGENT_HARDSHIP, NEED_EMERGENCY, NEED_CHILD_WITHOUT_CARER, NEED_SCHOOL_DROPOUT,
              NEED_ELDERLY_NOT_ON_ROSTER)
