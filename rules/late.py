"""Untimely handling (LATE.*): an application or a visit not handled within its time limit.

LATE.ALERT_UNHANDLED is not a rule over household facts: it escalates open
alerts (see `rules.worker` and `domain.alerts.sla`).
"""

from __future__ import annotations

from rules.need import ELDERLY_RISK_FACTS, elderly_at_risk
from rules.rule import Rule

# durable_rules expressions compare with `== True` / `== False`; `is` is not an engine operator.
# ruff: noqa: E712

LATE_APPLICATION = Rule(
    id="LATE.APPLICATION", version=2, category="LATE", subject="application", severity="high",
    title_zh="申请超过办理时限未审批", title_en="Application not decided within its time limit",
    condition=lambda m: (m.decided == False) & (m.applicant_died == False) & (m.elapsed_days > m.limit_days),
    reads=("programme", "submitted_on", "decided", "applicant_died", "elapsed_days", "limit_days", "day_unit"),
    parameters=("application.limit_working_days.", "poverty_monitoring.limit_days"),
    choices=("Programmes without a configured limit (elderly_visiting, rigid_expenditure) are not judged.",
             "For years chinese_calendar does not know yet, Monday to Friday are counted as working days.",
             "A decision dated after the date judged leaves the application undecided on that date.",
             ("An application of a resident who has died (on or before the date judged) is not judged; a "
              "household's application is judged while the household exists.")),
)

LATE_ELDERLY_VISIT = Rule(
    id="LATE.ELDERLY_VISIT", version=1, category="LATE", subject="resident", severity="medium",
    title_zh="特殊困难老年人逾期未探访", title_en="Elderly person in difficulty not visited in time",
    condition=lambda m: (m.member == True)
    & ((m.enrolled_elderly_visiting == True) | ((m.age >= m.visiting_min_age) & elderly_at_risk(m)))
    & (m.days_since_visit > m.visit_interval_days),
    reads=("age", "enrolled_elderly_visiting", *ELDERLY_RISK_FACTS, "high_risk_elderly", "last_visit",
           "days_since_visit", "visit_interval_days", "visiting_min_age"),
    parameters=("visiting.interval_days", "visiting.high_risk_interval_days", "visiting.min_age"),
    choices=(("Any household.visited counts, whatever its purpose, unless it lists residents_seen without this "
              "resident."),
             ("With no visit, time runs from the household's registration (made on a visit) or, for a member who "
              "joined later, from the joining.")),
)

LATE_RULES = (LATE_APPLICATION, LATE_ELDERLY_VISIT)
