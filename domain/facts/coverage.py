"""Derived facts about one coverage episode (LAPSED.*): reviews, payments, exits.

A coverage is *running* when it has started and is not terminated; one in its
grace period is active (it still counts as enrolment) but no longer running,
so reviews and payments are not judged for it. A suspended coverage expects no
payment until it is resumed, and pays again from the resumption. The coverage
of a resident who died or left is not judged either: LAPSED.DECEASED_STILL_COVERED
speaks for it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.dates import add_months, first_full_month, month_index, month_label
from domain.facts.context import Context, Parameters, Subject, known
from domain.households.state import CoverageState, HouseholdState
from domain.facts.person import no_labour

RE_ENROLMENT = ("dibao", "tekun", "low_income_edge", "temporary_assistance")


def coverage_subject(ctx: Context, coverage: CoverageState) -> Subject:
    """One episode: review and payment facts while it runs, exit facts once its grace is over."""
    on = ctx.on
    active, terminated = coverage.is_active_on(on), coverage.is_terminated_on(on)
    facts: dict[str, Any] = {
        "programme": coverage.programme,
        "start": coverage.start.isoformat(),
        "active": active,
        "terminated": terminated,
        "in_grace": active and terminated,
        "holder_member": holder_is_member(ctx, coverage),
    }
    if active and not terminated:
        facts.update(suspension_facts(coverage, on))
        facts.update(review_facts(ctx.state, coverage, on, ctx.params))
        facts.update(payment_facts(coverage, on, ctx.params.get("payment.gap_months")))
    if terminated and not active:
        facts.update(exit_facts(ctx, coverage))
    evidence = [*coverage.evidence, *ctx.state.evidence]
    return Subject("coverage", coverage.key, coverage.resident, known(facts), evidence)


def holder_is_member(ctx: Context, coverage: CoverageState) -> bool:
    """The household still has members, or the covered resident is still one of them."""
    if coverage.resident is None:
        return bool(ctx.members)
    return any(m.resident == coverage.resident for m in ctx.members)


def suspension_facts(coverage: CoverageState, on: date) -> dict[str, Any]:
    """Whether the coverage is suspended on `on`, and when the latest suspension began and ended."""
    latest = coverage.latest_suspension_on(on)
    resumed = latest.resumed_on if latest is not None else None
    return {
        "suspended": coverage.is_suspended_on(on),
        "suspended_on": latest.since.isoformat() if latest is not None else None,
        "resumed_on": resumed.isoformat() if resumed is not None and resumed <= on else None,
    }


def review_interval_months(state: HouseholdState, coverage: CoverageState, params: Parameters) -> int | None:
    """The coverage's own interval, else dibao's by the latest income type ('stable' when none was
    reported), else `review.default_months`."""
    if coverage.review_interval_months:
        return coverage.review_interval_months
    if coverage.programme == "dibao":
        income = state.latest_income()
        months = params.get(f"dibao.review_months.{income['income_type'] if income else 'stable'}")
    else:
        months = params.get("review.default_months")
    return int(months) if months is not None else None


def review_facts(state: HouseholdState, coverage: CoverageState, on: date, params: Parameters) -> dict[str, Any]:
    """When the last review (or the start) was, and how many days past its interval that is."""
    interval = review_interval_months(state, coverage, params)
    if interval is None:
        return {}
    last = coverage.last_review_on(on)
    due = add_months(last, interval)
    return {
        "review_interval_months": interval,
        "last_review": last.isoformat(),
        "review_due": due.isoformat(),
        "review_overdue_days": (on - due).days,
    }


def payment_window(start: date, on: date, gap_months: int) -> tuple[int, list[str]]:
    """(complete calendar months the coverage has run, the last `gap_months` of them as `YYYY-MM`).

    Only calendar months the coverage covered entirely count, so a coverage
    started mid-month is first judged on its first full month, and months
    before the start never count.
    """
    first, last = first_full_month(start), month_index(on) - 1
    window = range(max(first, last - gap_months + 1), last + 1)
    return max(0, last - first + 1), [month_label(index) for index in window]


def payment_facts(coverage: CoverageState, on: date, gap_months: int | None) -> dict[str, Any]:
    """Whether any of the last `payment.gap_months` complete months was paid (LAPSED.PAYMENT_GAP).

    After a resumption the months are counted from the resumption, as from a start: the months
    while it was suspended expected no payment."""
    if coverage.monthly_amount is None or gap_months is None:
        return {}
    age, window = payment_window(coverage.pays_since(on), on, gap_months)
    return {
        "monthly_amount": coverage.monthly_amount,
        "payment_gap_months": gap_months,
        "complete_months_old": age,
        "paid_in_last_gap_months": any(month in coverage.paid_periods for month in window),
        "unpaid_months": [month for month in window if month not in coverage.paid_periods],
    }


def exit_facts(ctx: Context, coverage: CoverageState) -> dict[str, Any]:
    """After the grace period: the household's income against the edge line, the tekun person's
    capacity and support, and whether any help has come since the termination."""
    assert coverage.terminated_on is not None
    facts: dict[str, Any] = {
        "terminated_on": coverage.terminated_on.isoformat(),
        "termination_reason": coverage.termination_reason,
        "pc_income": ctx.household.get("pc_income"),
        "edge_line": ctx.household.get("edge_line"),
        "re_enrolled_since_exit": re_enrolled(ctx, coverage),
    }
    person = next((m for m in ctx.members if m.resident == coverage.resident), None)
    if person is not None:
        facts["no_labour"] = no_labour(person, ctx.on)
        facts["has_capable_supporter"] = person.has_capable_supporter
    return facts


def re_enrolled(ctx: Context, ended: CoverageState) -> bool:
    """An enrolment in dibao, tekun, low_income_edge or temporary_assistance started since the
    termination or still active, for the household or (after a personal coverage) that person."""
    assert ended.terminated_on is not None
    return any(
        c is not ended and c.programme in RE_ENROLMENT
        and (ended.resident is None or c.resident in (None, ended.resident))
        and (c.start >= ended.terminated_on or c.is_active_on(ctx.on))
        for c in ctx.state.coverages
    )
