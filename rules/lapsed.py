"""Lapsed coverage (LAPSED.*): coverage stopped, stopped paying, or is overdue while the need persists."""

from __future__ import annotations

from rules.rule import Rule

# ruff: noqa: E712  (durable_rules expressions compare with == True / == False)

LAPSED_REVIEW_OVERDUE = Rule(
    id="LAPSED.REVIEW_OVERDUE", version=1, category="LAPSED", subject="coverage", severity="medium",
    title_zh="救助对象逾期未复核", title_en="Periodic review of a coverage is overdue",
    condition=lambda m: m.review_overdue_days > 0,
    reads=("programme", "start", "last_review", "review_interval_months", "review_due", "review_overdue_days"),
    parameters=("dibao.review_months.stable", "dibao.review_months.irregular", "review.default_months"),
    choices=("Overdue from the day after last review (or start) + interval; dibao uses the latest income type, "
             "'stable' when no income was ever reported.",),
)

LAPSED_PAYMENT_GAP = Rule(
    id="LAPSED.PAYMENT_GAP", version=1, category="LAPSED", subject="coverage", severity="high",
    title_zh="救助金发放中断", title_en="Payments stopped for an active coverage",
    condition=lambda m: (m.complete_months_old >= m.payment_gap_months)
    & (m.unpaid_recent_months >= m.payment_gap_months),
    reads=("programme", "start", "monthly_amount", "unpaid_months", "payment_gap_months"),
    parameters=("payment.gap_months",),
    choices=("A coverage is N complete months old when N whole calendar months have passed since its start.",
             "A suspended coverage is not judged for payment gaps (the suspension is itself a decision).",
             "The month of the start counts as a month that should be paid."),
)

LAPSED_EXIT_NEED_PERSISTS = Rule(
    id="LAPSED.EXIT_NEED_PERSISTS", version=1, category="LAPSED", subject="coverage", severity="high",
    title_zh="退保后困难仍在", title_en="Coverage ended but the need persists",
    condition=lambda m: ((m.programme == "dibao") | (m.programme == "tekun")) & (m.exit_final == True)
    & (m.need_persists == True) & (m.helped_since_exit == False),
    reads=("programme", "terminated_on", "termination_reason", "pc_income", "edge_line", "need_persists"),
    parameters=("edge.multiplier", "dibao.standard_monthly.<hukou>"),
    choices=("Terminations for 'died' or 'moved_away' are not judged.",
             "Any enrolment in dibao, tekun, low_income_edge or temporary_assistance active now or started since "
             "the termination meets the need."),
)

LAPSED_AGE_OUT = Rule(
    id="LAPSED.AGE_OUT", version=1, category="LAPSED", subject="resident", severity="high",
    title_zh="未成年保障对象即将或已满十八周岁需转衔", title_en="Child coverage must be transitioned at 18",
    condition=lambda m: (m.member == True) & (m.age_out_due == True) & (m.in_full_time_school == False),
    reads=("age", "adult_on", "in_full_time_school"),
    parameters=("age_out.notice_days",),
    choices=("With no school report the young adult is treated as not in full-time school (errs towards looking).",),
)

LAPSED_STATUS_EXPIRED = Rule(
    id="LAPSED.STATUS_EXPIRED", version=1, category="LAPSED", subject="household", severity="medium",
    title_zh="刚性支出困难认定已过有效期", title_en="Rigid-expenditure status expired while the expenses persist",
    condition=lambda m: (m.rigid_status_expired == True) & (m.rigid_expenses_12m > m.rigid_expense_limit),
    reads=("rigid_status_expired", "rigid_expenses_12m", "rigid_expense_limit"),
    parameters=("rigid.valid_months", "rigid.expense_ratio"),
)

LAPSED_DECEASED_STILL_COVERED = Rule(
    id="LAPSED.DECEASED_STILL_COVERED", version=1, category="LAPSED", subject="resident", severity="high",
    title_zh="已故人员仍在享受保障", title_en="A deceased person is still covered",
    condition=lambda m: m.deceased_still_covered == True,
    reads=("deceased_still_covered",),
    choices=("'More than one calendar month ago': the death date plus one calendar month is before the date judged.",),
)

LAPSED_RULES = (LAPSED_REVIEW_OVERDUE, LAPSED_PAYMENT_GAP, LAPSED_EXIT_NEED_PERSISTS, LAPSED_AGE_OUT,
                LAPSED_STATUS_EXPIRED, LAPSED_DECEASED_STILL_COVERED)
