"""Unmet needs (NEED.*): someone in trouble that nobody is helping yet."""

from __future__ import annotations

from typing import Any

from rules.rule import Rule

# durable_rules expressions compare with `== True` / `== False`; `is` is not an engine operator.
# ruff: noqa: E712


def elderly_at_risk(m: Any) -> Any:
    """RULES.md's risk signs: lives alone / empty nest / left behind / special family /
    care dependency partial or full / disability grade 1–2 (shared with LATE.ELDERLY_VISIT)."""
    return (
        (m.lives_alone == True) | (m.empty_nest == True) | (m.left_behind == True) | (m.special_family == True)
        | (m.care_level == "partial") | (m.care_level == "full") | (m.disability_grade <= 2)
    )


ELDERLY_RISK_FACTS = ("lives_alone", "empty_nest", "left_behind", "special_family", "care_level", "disability_grade")


def _roster_severity(facts: dict[str, Any]) -> str:
    """High when 80 or older and living alone."""
    return "high" if facts.get("age", 0) >= 80 and facts.get("lives_alone") is True else "medium"


NEED_URGENT_HARDSHIP = Rule(
    id="NEED.URGENT_HARDSHIP", version=1, category="NEED", subject="household", severity="critical",
    title_zh="紧急困难尚未获得临时救助", title_en="Immediate hardship reported, no temporary assistance yet",
    condition=lambda m: m.urgent_hardship_unmet == True,
    reads=("urgent_hardship_unmet", "enrolled_temporary_assistance"),
    choices=(
        ("A temporary-assistance enrolment (by its start) or application (by its date) on or after the day the "
         "hardship was reported meets it; help dated before the report does not."),
        "There is no time window: an immediate hardship stays unmet until help is recorded.",
    ),
)

NEED_EMERGENCY = Rule(
    id="NEED.EMERGENCY", version=1, category="NEED", subject="household", severity="critical",
    title_zh="突发事件后未获临时救助", title_en="Emergency without temporary assistance",
    condition=lambda m: (m.emergency_unhelped == True)
    & ((m.pc_income < m.std) | (m.emergency_unhelped_grave == True)),
    reads=("emergency_kind", "emergency_date", "emergency_unhelped", "emergency_unhelped_grave", "pc_income", "std"),
    parameters=("emergency.window_days", "dibao.standard_monthly.<hukou>"),
    choices=(
        "'Within the last emergency.window_days' is inclusive: an emergency exactly that many days ago counts.",
        "Each emergency is judged on its own: help dated before a later emergency does not meet it.",
        "Local hukou is not required (temporary assistance is given where the emergency happens).",
        "With no income report only breadwinner_lost / sudden_illness emergencies hold (unknown is not false).",
    ),
)

NEED_CHILD_WITHOUT_CARER = Rule(
    id="NEED.CHILD_WITHOUT_CARER", version=1, category="NEED", subject="resident", severity="critical",
    title_zh="未成年人无成年家庭成员照料", title_en="Child with no adult member in the household",
    condition=lambda m: (m.member == True) & (m.age < m.child_age_limit) & (m.has_adult_member == False),
    reads=("age", "child_age_limit", "has_adult_member"),
    parameters=("child.age_limit",),
    choices=("Only living current members count as carers: an adult who died or moved out does not.",),
)

NEED_SCHOOL_DROPOUT = Rule(
    id="NEED.SCHOOL_DROPOUT", version=1, category="NEED", subject="resident", severity="medium",
    title_zh="义务教育阶段儿童失学辍学", title_en="Child of compulsory-school age out of school",
    condition=lambda m: (m.member == True) & (m.age >= m.school_min_age) & (m.age <= m.school_max_age)
    & ((m.school_status == "dropped_out") | (m.school_status == "not_enrolled")),
    reads=("age", "school_status", "school_min_age", "school_max_age"),
    parameters=("school.compulsory_ages",),
    choices=("Compulsory ages are inclusive at both ends: 6–15 is from the 6th birthday to the day before the 16th.",),
)

NEED_ELDERLY_NOT_ON_ROSTER = Rule(
    id="NEED.ELDERLY_NOT_ON_ROSTER", version=1, category="NEED", subject="resident", severity="medium",
    title_zh="特殊困难老年人未纳入探访关爱名单", title_en="Elderly person in difficulty not on the visiting roster",
    condition=lambda m: (m.member == True) & (m.age >= m.visiting_min_age) & elderly_at_risk(m)
    & (m.enrolled_elderly_visiting == False),
    reads=("age", "visiting_min_age", *ELDERLY_RISK_FACTS, "enrolled_elderly_visiting"),
    parameters=("visiting.min_age",),
    severity_for=_roster_severity,
    choices=("A disability of grade 1–2 counts whatever its category and whether or not it is certified.",),
)

NEED_RULES = (NEED_URGENT_HARDSHIP, NEED_EMERGENCY, NEED_CHILD_WITHOUT_CARER, NEED_SCHOOL_DROPOUT,
              NEED_ELDERLY_NOT_ON_ROSTER)
