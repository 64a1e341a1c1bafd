"""The rule catalog: every rule of RULES.md, one declaration each.

Each condition receives durable_rules' `m` and reads one subject fact. Facts
that were never reported are absent, and a comparison with an absent field
does not hold — RULES.md's "unknown is not false" falls out of the engine.
"""

from __future__ import annotations

from rules.rule import Rule

MISSED_DIBAO = Rule(
    id="MISSED.DIBAO",
    version=1,
    category="MISSED",
    subject="household",
    severity="high",
    title_zh="收入低于低保标准但未纳入低保",
    title_en="Income below the dibao standard, not enrolled in dibao",
    condition=lambda m: (
        (m.pc_income < m.std)
        & (m.assets_ok == True)  # noqa: E712 (durable_rules expression)
        & (m.enrolled_dibao == False)  # noqa: E712
        & (m.all_members_tekun == False)  # noqa: E712
    ),
    reads=("pc_income", "std", "members", "assets_ok", "assets_reported", "enrolled_dibao"),
    parameters=("dibao.standard_monthly.<hukou>", "dibao.asset_limit_months"),
)

NEED_URGENT_HARDSHIP = Rule(
    id="NEED.URGENT_HARDSHIP",
    version=1,
    category="NEED",
    subject="household",
    severity="critical",
    title_zh="紧急困难尚未获得临时救助",
    title_en="Immediate hardship reported, no temporary assistance yet",
    condition=lambda m: m.urgent_hardship_unmet == True,  # noqa: E712
    reads=("urgent_hardship_unmet", "enrolled_temporary_assistance"),
)

LAPSED_REVIEW_OVERDUE = Rule(
    id="LAPSED.REVIEW_OVERDUE",
    version=1,
    category="LAPSED",
    subject="coverage",
    severity="medium",
    title_zh="救助对象逾期未复核",
    title_en="Periodic review of a coverage is overdue",
    condition=lambda m: m.review_overdue_days > 0,
    reads=("programme", "start", "last_review", "review_interval_months", "review_due", "review_overdue_days"),
    parameters=("dibao.review_months.stable", "dibao.review_months.irregular", "review.default_months"),
)

CATALOG: tuple[Rule, ...] = (
    NEED_URGENT_HARDSHIP,
    MISSED_DIBAO,
    LAPSED_REVIEW_OVERDUE,
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in CATALOG}
