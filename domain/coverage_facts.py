"""Derived facts about coverage episodes and applications, as of the date judged."""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from domain.derived_facts import Parameters, Subject, _known, add_months, no_labour
from domain.household_state import ApplicationState, CoverageState, HouseholdState
from domain.working_days import working_days_after

EXIT_PROGRAMMES = ("dibao", "tekun")
RE_ENROLMENT = ("dibao", "tekun", "low_income_edge", "temporary_assistance")


def coverage_subject(
    state: HouseholdState, coverage: CoverageState, on: date, params: Parameters, household: dict[str, Any]
) -> Subject:
    facts: dict[str, Any] = {
        "programme": coverage.programme,
        "start": coverage.start.isoformat(),
        "active": coverage.is_active_on(on),
        "terminated": coverage.is_terminated_on(on),
    }
    if coverage.is_active_on(on) and not coverage.is_terminated_on(on):
        facts.update(_review(state, coverage, on, params))
        facts.update(_payments(coverage, on, params))
    if coverage.is_terminated_on(on):
        facts.update(_exit(state, coverage, on, household))
    return Subject("coverage", coverage.key, coverage.resident, _known(facts), list(coverage.evidence))


def review_interval_months(state: HouseholdState, coverage: CoverageState, params: Parameters) -> int | None:
    """Explicit interval, else dibao's by the latest income type, else the default."""
    if coverage.review_interval_months:
        return coverage.review_interval_months
    if coverage.programme == "dibao":
        income = state.latest_income()
        return params.get(f"dibao.review_months.{income['income_type'] if income else 'stable'}")
    return params.get("review.default_months")


def _review(state: HouseholdState, coverage: CoverageState, on: date, params: Parameters) -> dict[str, Any]:
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


def complete_months_before(on: date, count: int) -> list[str]:
    """The `count` complete calendar months before the month of `on`, oldest first."""
    return [f"{add_months(on.replace(day=1), -k):%Y-%m}" for k in range(count, 0, -1)]


def _payments(coverage: CoverageState, on: date, params: Parameters) -> dict[str, Any]:
    """Recent complete months without a payment (LAPSED.PAYMENT_GAP); suspended coverage is not judged."""
    gap = params.get("payment.gap_months")
    if coverage.monthly_amount is None or gap is None or coverage.suspended_on is not None and coverage.suspended_on <= on:
        return {}
    age = relativedelta(on, coverage.start)
    recent = [m for m in complete_months_before(on, gap) if m >= f"{coverage.start:%Y-%m}"]
    unpaid = [m for m in recent if m not in coverage.paid_periods]
    return {
        "monthly_amount": coverage.monthly_amount,
        "complete_months_old": age.years * 12 + age.months,
        "payment_gap_months": gap,
        "unpaid_recent_months": len(unpaid) if len(unpaid) == len(recent) else 0,
        "unpaid_months": unpaid,
    }


def _exit(state: HouseholdState, coverage: CoverageState, on: date, household: dict[str, Any]) -> dict[str, Any]:
    """After the grace period: does the need that justified dibao or tekun persist?"""
    if coverage.programme not in EXIT_PROGRAMMES or coverage.is_active_on(on):
        return {}
    if coverage.termination_reason in ("died", "moved_away"):
        return {"exit_final": True, "termination_reason": coverage.termination_reason}
    assert coverage.terminated_on is not None
    return {
        "exit_final": True,
        "termination_reason": coverage.termination_reason,
        "terminated_on": coverage.terminated_on.isoformat(),
        "need_persists": _need_persists(state, coverage, on, household),
        "helped_since_exit": any(
            c is not coverage and c.programme in RE_ENROLMENT
            and (c.start >= coverage.terminated_on or c.is_active_on(on))
            for c in state.coverages
        ),
        "pc_income": household.get("pc_income"),
        "edge_line": household.get("edge_line"),
    }


def _need_persists(state: HouseholdState, coverage: CoverageState, on: date, household: dict[str, Any]) -> bool | None:
    """pc_income < edge_line; for tekun, also no_labour and no capable supporter."""
    pc, edge = household.get("pc_income"), household.get("edge_line")
    income_need = pc < edge if pc is not None and edge is not None else None
    if coverage.programme != "tekun":
        return income_need
    person = state.residents.get(coverage.resident or "")
    if person is None:
        return income_need
    tekun_need = no_labour(person, on) and person.has_capable_supporter is False
    return True if (income_need or tekun_need) else (None if income_need is None else False)


def application_subject(application: ApplicationState, on: date, params: Parameters) -> Subject:
    decided = application.decided_on is not None and application.decided_on <= on
    facts: dict[str, Any] = {
        "programme": application.programme,
        "submitted_on": application.submitted_on.isoformat(),
        "decided": decided,
    }
    if not decided:
        facts.update(_handling_time(application, on, params))
    return Subject("application", application.application, application.resident, _known(facts), list(application.evidence))


def _handling_time(application: ApplicationState, on: date, params: Parameters) -> dict[str, Any]:
    """Days taken so far, in the unit of the programme's limit."""
    if application.programme == "poverty_monitoring":
        limit = params.get("poverty_monitoring.limit_days")
        return {"elapsed_days": (on - application.submitted_on).days, "limit_days": limit, "day_unit": "calendar"}
    limit = params.get(f"application.limit_working_days.{application.programme}")
    if limit is None:
        return {}
    elapsed = working_days_after(application.submitted_on, on)
    return {"elapsed_days": elapsed, "limit_days": limit, "day_unit": "working"}
