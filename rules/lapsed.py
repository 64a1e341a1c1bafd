"""Lapsed coverage (LAPSED.*): coverage stopped, stopped paying, or is overdue while the need persists."""

from __future__ import annotations

from typing import Any

from rules.rule import Rule

# durable_rules expressions compare with `== True` / `== False`; `is` is not an engine operator.
# ruff: noqa: E712


def running(m: Any) -> Any:
    """Active and not terminated (a coverage in its grace period is not judged), of a current member."""
    return (m.active == True) & (m.terminated == False) & (m.holder_member == True)


LAPSED_REVIEW_OVERDUE = Rule(
    id="LAPSED.REVIEW_OVERDUE", version=1, category="LAPSED", subject="coverage", severity="medium",
    title_zh="救助对象逾期未复核", title_en="Periodic review of a coverage is overdue",
    condition=lambda m: running(m) & (m.review_overdue_days > 0),
    reads=("programme", "start", "active", "terminated", "holder_member", "last_review", "review_interval_months",
           "review_due", "review_overdue_days"),
    parameters=("dibao.review_months.stable", "dibao.review_months.irregular", "review.default_months"),
    choices=(("Overdue from the day after the last review (or start) plus the interval; a dibao coverage with no "
              "income report uses the 'stable' interval."),
             ("A suspended coverage is still judged; the coverage of a resident who died or left is not "
              "(LAPSED.DECEASED_STILL_COVERED speaks for it).")),
)

LAPSED_PAYMENT_GAP = Rule(
    id="LAPSED.PAYMENT_GAP", version=2, category="LAPSED", subject="coverage", severity="high",
    title_zh="救助金发放中断", title_en="Payments stopped for an active coverage",
    condition=lambda m: running(m) & (m.suspended == False) & (m.monthly_amount > 0)
    & (m.complete_months_old >= m.payment_gap_months) & (m.paid_in_last_gap_months == False),
    reads=("programme", "start", "active", "terminated", "holder_member", "suspended", "suspended_on", "resumed_on",
           "monthly_amount", "complete_months_old", "payment_gap_months", "paid_in_last_gap_months", "unpaid_months"),
    parameters=("payment.gap_months",),
    choices=(("Only calendar months the coverage covered entirely count, both for its age and for the months "
              "checked: a coverage started mid-month is first judged on its first full month."),
             ("A suspended coverage is not judged (the suspension is itself a decision); a monthly_amount of 0 "
              "expects no payment."),
             ("A resumed coverage is judged again from its coverage.resumed date, counted as from a start: only "
              "complete calendar months after the resumption count, both for its age and for the months checked.")),
)

LAPSED_EXIT_NEED_PERSISTS = Rule(
    id="LAPSED.EXIT_NEED_PERSISTS", version=1, category="LAPSED", subject="coverage", severity="high",
    title_zh="退保后困难仍在", title_en="Coverage ended but the need persists",
    condition=lambda m: ((m.programme == "dibao") | (m.programme == "tekun"))
    & (m.terminated == True) & (m.in_grace == False) & (m.holder_member == True)
    & (m.termination_reason != "died") & (m.termination_reason != "moved_away")
    & ((m.pc_income < m.edge_line)
       | ((m.programme == "tekun") & (m.no_labour == True) & (m.has_capable_supporter == False)))
    & (m.re_enrolled_since_exit == False),
    reads=("programme", "terminated", "in_grace", "holder_member", "terminated_on", "termination_reason",
           "pc_income", "edge_line", "no_labour", "has_capable_supporter", "re_enrolled_since_exit"),
    parameters=("edge.multiplier", "dibao.standard_monthly.<hukou>"),
    choices=(("Terminations for 'died' or 'moved_away' are not judged, nor is the coverage of a resident who is no "
              "longer a member."),
             "The need is judged on the facts as of the date judged, not as of the termination.",
             ("Any enrolment in dibao, tekun, low_income_edge or temporary_assistance started since the termination, "
              "or still active, meets it (after a personal tekun coverage: the household's or that person's).")),
)

LAPSED_AGE_OUT = Rule(
    id="LAPSED.AGE_OUT", version=1, category="LAPSED", subject="resident", severity="high",
    title_zh="未成年保障对象即将或已满十八周岁需转衔", title_en="Child coverage must be transitioned at 18",
    condition=lambda m: (m.member == True) & (m.enrolled_as_minor == True)
    & (m.days_to_adulthood <= m.age_out_notice_days) & (m.in_full_time_school == False),
    reads=("age", "enrolled_as_minor", "minor_programmes", "adult_on", "days_to_adulthood", "age_out_notice_days",
           "in_full_time_school"),
    parameters=("age_out.notice_days",),
    choices=(("'Within notice_days before' means the 18th birthday is at most age_out.notice_days after the date "
              "judged."),
             "A coverage terminated with a grace period is not judged: the transition has been made.",
             "With no school report the young adult is taken as not in full-time school (errs towards looking)."),
)

LAPSED_STATUS_EXPIRED = Rule(
    id="LAPSED.STATUS_EXPIRED", version=1, category="LAPSED", subject="household", severity="medium",
    title_zh="刚性支出困难认定已过有效期", title_en="Rigid-expenditure status expired while the expenses persist",
    condition=lambda m: (m.rigid_status_expired == True) & (m.rigid_expenses_12m > m.rigid_expense_limit),
    reads=("rigid_confirmed_on", "rigid_valid_until", "rigid_status_expired", "rigid_expenses_12m", "income_12m",
           "rigid_expense_limit"),
    parameters=("rigid.valid_months", "rigid.expense_ratio"),
    choices=(("Validity runs from the start or, when the status was re-confirmed by a coverage.reviewed, from the "
              "last review; it has expired when the date judged is after that date plus rigid.valid_months."),
             "A terminated status (even in its grace period) is not judged."),
)

LAPSED_DECEASED_STILL_COVERED = Rule(
    id="LAPSED.DECEASED_STILL_COVERED", version=2, category="LAPSED", subject="resident", severity="high",
    title_zh="已故人员仍在享受保障", title_en="A deceased person is still covered",
    condition=lambda m: (m.member == False) & (m.deceased_still_covered == True),
    reads=("died_on", "covered_after_death", "deceased_still_covered"),
    choices=("'More than one calendar month ago': the death date plus one calendar month is before the date judged.",
             ("Still counted in a household coverage: one active since before the death and not reviewed on or "
              "after the death date."),
             ("A coverage in its grace period counts (RULES.md: it is active; a grace period is no reason to keep "
              "paying someone who has died); a suspended one counts too.")),
)

LAPSED_RULES = (LAPSED_REVIEW_OVERDUE, LAPSED_PAYMENT_GAP, LAPSED_EXIT_NEED_PERSISTS, LAPSED_AGE_OUT,
                LAPSED_STATUS_EXPIRED, LAPSED_DECEASED_STILL_COVERED)
