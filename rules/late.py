"""Untimely handling (LATE.*): an application or a visit not handled within its time limit.

LATE.ALERT_UNHANDLED is not a rule over household facts: it escalates open alerts
(see `rules.worker` and `domain.sla`).
"""

from __future__ import annotations

from rules.rule import Rule

# ruff: noqa: E712  (durable_rules expressions compare with == True / == False)

LATE_APPLICATION = Rule(
    id="LATE.APPLICATION", version=1, category="LATE", subject="application", severity="high",
    title_zh="申请超过办理时限未审批", title_en="Application not decided within its time limit",
    condition=lambda m: (m.decided == False) & (m.elapsed_days > m.limit_days),
    reads=("programme", "submitted_on", "elapsed_days", "limit_days", "day_unit"),
    parameters=("application.limit_working_days.", "poverty_monitoring.limit_days"),
    choices=("Programmes without a configured limit (elderly_visiting, rigid_expenditure) are not judged.",),
)

LATE_ELDERLY_VISIT = Rule(
    id="LATE.ELDERLY_VISIT", version=1, category="LATE", subject="resident", severity="medium",
    title_zh="特殊困难老年人逾期未探访", title_en="Elderly person in difficulty not visited in time",
    condition=lambda m: (m.member == True)
    & ((m.enrolled_elderly_visiting == True) | ((m.age >= m.visiting_min_age) & (m.elderly_risk == True)))
    & (m.days_since_visit > m.visit_interval_days),
    reads=("age", "elderly_risk", "lives_alone", "days_since_visit", "visit_interval_days"),
    parameters=("visiting.interval_days", "visiting.high_risk_interval_days", "visiting.min_age"),
    choices=("Any household.visited counts as a visit of every member.",),
)

LATE_RULES = (LATE_APPLICATION, LATE_ELDERLY_VISIT)
