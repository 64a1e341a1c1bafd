"""`next_change`: the earliest date a household's judgement could change with no new observation.

Each test builds a small household and checks that the boundary of one time condition is named
(within the day before and the day after, as the module widens every boundary) and never passed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from domain.dates import add_months, month_index, month_label, months_back
from domain.facts.coverage import payment_facts
from domain.facts.household import income_over_months
from domain.facts.next_change import next_change
from domain.households.state import fold
from domain.policy.parameters import ParameterTable, ParameterValue
from domain.working_days import add_working_days
from tests.domain.facts.test_derived import REGION, income, obs, registered

TABLE = ParameterTable()
DAY = timedelta(days=1)


def due(observations: list[dict[str, Any]], on: date, table: ParameterTable = TABLE) -> date | None:
    return next_change(fold(observations, on), on, table)


def near(found: date | None, boundary: date) -> bool:
    """Named at most two days early (a boundary is widened by a day either side), never later."""
    return found is not None and boundary - 2 * DAY <= found <= boundary


def test_a_birthday_at_an_age_limit_is_a_change() -> None:
    on = date(2026, 3, 10)
    found = due([registered(("R1", "1966-03-20"), at="2026-03-01")], on, ParameterTable([]))
    assert near(found, date(2026, 3, 20))  # 60: no_labour


def test_a_birthday_at_no_age_limit_is_not_a_change() -> None:
    on = date(2026, 3, 10)
    found = due([registered(("R1", "1990-03-20"), at="2026-03-01")], on, ParameterTable([]))
    assert found is not None and found > date(2026, 3, 21)


def test_the_eighteenth_birthday_less_the_notice_is_a_change() -> None:
    on = date(2026, 1, 2)
    found = due([registered(("R1", "2008-06-15"), ("R2", "1980-01-01"), at="2026-01-01")], on)
    assert found is not None and found <= date(2008 + 18, 6, 15) - timedelta(days=30) + DAY


def test_a_review_falls_due() -> None:
    on = date(2026, 6, 1)
    observations = [registered(("R1", "1980-02-01"), at="2025-01-01"),
                    obs("2025-01-05", "coverage.enrolled", {"programme": "dibao", "start": "2025-01-05",
                                                            "review_interval_months": 18})]
    found = next_change(fold(observations, on), on, ParameterTable([]))
    assert near(found, add_months(date(2025, 1, 5), 18))


GAP = ParameterTable([ParameterValue("payment.gap_months", "", date(1900, 1, 1), 2)])


def paid_coverage(start: str, periods: list[str], amount: float = 500) -> list[dict[str, Any]]:
    """A dibao coverage and its payments, each recorded on the 5th of its month."""
    return [registered(("R1", "1980-02-01"), at="2020-01-01"),
            obs(start, "coverage.enrolled", {"programme": "dibao", "start": start, "monthly_amount": amount}),
            *(obs(f"{period}-05", "coverage.paid", {"programme": "dibao", "period": period}) for period in periods)]


def test_a_month_still_paid_in_the_window_is_no_change() -> None:
    """Paid through October, two months' gap: November and December's windows both hold October, so the
    first change is January's window (November, December), not the next month."""
    on = date(2026, 11, 30)
    found = due(paid_coverage("2025-01-05", ["2026-08", "2026-09", "2026-10"]), on, GAP)
    assert near(found, date(2027, 1, 1))


def test_an_unpaid_coverage_falls_into_a_gap_when_old_enough() -> None:
    on = date(2026, 3, 10)
    found = due(paid_coverage("2026-02-14", []), on, GAP)
    assert near(found, date(2026, 5, 1))  # complete months March and April: two unpaid


def test_a_payment_for_a_month_ahead_ends_a_gap_when_its_month_is_complete() -> None:
    on = date(2026, 6, 10)
    found = due(paid_coverage("2025-01-05", ["2025-03", "2026-06"]), on, GAP)
    assert near(found, date(2026, 7, 1))  # June's payment enters the window when June is complete


def test_an_income_over_twelve_months_changes_when_a_different_month_drops_out() -> None:
    """MISSED.RIGID_EXPENDITURE sums the income of the 12 months ending with the month judged; a month
    reported at another amount leaves it 12 months later."""
    on = date(2026, 3, 10)
    observations = [registered(("R1", "1980-02-01"), at="2024-01-01"), income("2025-01-20", 1000, "2025-01"),
                    income("2025-06-20", 800, "2025-06"), income("2025-07-20", 1000, "2025-07"),
                    obs("2026-02-01", "household.expense_reported", {"kind": "medical", "amount": 9000,
                                                                     "date": "2026-02-01"})]
    found = due(observations, on, ParameterTable([]))
    assert near(found, date(2026, 6, 1))  # June 2025 (800) drops out as June 2026 (1,000) comes in


def test_an_unchanging_income_moves_no_date_while_an_expense_counts() -> None:
    on = date(2026, 3, 10)
    observations = [registered(("R1", "1980-02-01"), at="2024-01-01"), income("2025-01-20", 800, "2025-01"),
                    obs("2026-02-01", "household.expense_reported", {"kind": "medical", "amount": 9000,
                                                                     "date": "2026-02-01"})]
    found = due(observations, on, ParameterTable([]))
    assert near(found, date(2027, 2, 1))  # only the expense leaving the 12 months


def test_an_application_exceeds_its_working_day_limit() -> None:
    on = date(2026, 3, 2)
    observations = [registered(("R1", "1980-02-01"), at="2026-03-01"),
                    obs("2026-03-01", "application.submitted",
                        {"application": "A1", "programme": "dibao", "date": "2026-03-01"})]
    found = next_change(fold(observations, on), on, ParameterTable([
        ParameterValue("application.limit_working_days.dibao", "", date(1900, 1, 1), 30)]))
    assert near(found, add_working_days(date(2026, 3, 1), 31))


def test_an_emergency_leaves_its_window() -> None:
    on = date(2026, 3, 2)
    observations = [registered(("R1", "1980-02-01"), at="2026-03-01"),
                    obs("2026-03-01", "household.emergency_reported", {"kind": "fire", "date": "2026-03-01"})]
    found = next_change(fold(observations, on), on, ParameterTable([
        ParameterValue("emergency.window_days", "", date(1900, 1, 1), 30)]))
    assert near(found, date(2026, 3, 1) + timedelta(days=31))


def test_a_visit_falls_overdue() -> None:
    on = date(2026, 3, 5)
    observations = [registered(("R1", "1940-12-01"), at="2026-02-01"),
                    obs("2026-03-03", "household.visited", {"purpose": "routine"})]
    found = next_change(fold(observations, on), on, ParameterTable([
        ParameterValue("visiting.interval_days", "", date(1900, 1, 1), 30)]))
    assert near(found, date(2026, 3, 3) + timedelta(days=31))


def test_a_missing_parent_becomes_absent() -> None:
    on = date(2026, 3, 5)
    observations = [registered(("C1", "2015-12-01"), at="2026-03-01"),
                    obs("2026-03-01", "resident.parent_status_reported",
                        {"father": {"status": "missing", "since": "2026-01-10"}, "mother": {"status": "dead"}},
                        resident="C1")]
    found = next_change(fold(observations, on), on, ParameterTable([
        ParameterValue("child.missing_months", "", date(1900, 1, 1), 6)]))
    assert near(found, date(2026, 7, 10))


def test_a_death_plus_a_month() -> None:
    on = date(2026, 3, 5)
    observations = [registered(("R1", "1930-12-01"), ("R2", "1960-12-01"), at="2026-03-01"),
                    obs("2026-03-04", "resident.died", {"date": "2026-03-04"}, resident="R1")]
    found = next_change(fold(observations, on), on, ParameterTable([]))
    assert near(found, date(2026, 4, 4))


def test_a_parameter_value_taking_effect_in_the_region_is_a_change() -> None:
    on = date(2026, 3, 5)
    observations = [registered(("R1", "1960-12-01"), at="2026-03-01")]
    later = ParameterValue("dibao.standard_monthly.urban", REGION[:9], date(2026, 4, 1), 900)
    elsewhere = ParameterValue("dibao.standard_monthly.urban", "510500", date(2026, 3, 20), 900)
    assert near(next_change(fold(observations, on), on, ParameterTable([later, elsewhere])), date(2026, 4, 1))


def test_an_age_parameter_is_an_age_limit() -> None:
    on = date(2026, 3, 5)
    table = ParameterTable([ParameterValue("elderly_allowance.min_age", "", date(1900, 1, 1), 65)])
    found = next_change(fold([registered(("R1", "1961-03-07"), at="2026-03-01")], on), on, table)
    assert near(found, date(2026, 3, 7))


def test_dates_at_either_end_of_the_calendar_are_answered() -> None:
    """An auditor may ask about 0001-01-01 or 9999-12-31: a boundary past the calendar is no error."""
    observations = [registered(("R1", "1980-02-01"), at="2025-01-01"),
                    obs("2025-01-05", "coverage.enrolled", {"programme": "dibao", "start": "2025-01-05",
                                                            "monthly_amount": 600})]
    state = fold(observations, date(2026, 1, 1))
    first = next_change(state, date.min, TABLE)
    assert first is not None and first > date.min
    last = next_change(state, date.max, TABLE)
    assert last is None


months = st.integers(2024 * 12, 2027 * 12 + 5).map(month_label)


def month_starts(on: date, until: date) -> list[date]:
    """`on` and every month's first day after it, before `until`: the only days these conditions turn."""
    days, index = [on], month_index(on) + 1
    while (day := date(index // 12, index % 12 + 1, 1)) < until:
        days.append(day)
        index += 1
    return days


@given(start=st.dates(date(2024, 1, 1), date(2026, 6, 30)), paid=st.sets(months, max_size=12),
       gap=st.integers(1, 3), after=st.integers(0, 400))
def test_no_payment_gap_turns_before_the_date_named(start: date, paid: set[str], gap: int, after: int) -> None:
    """Brute force: LAPSED.PAYMENT_GAP's condition on every month's start up to the date named (and
    two years on when none is named) is what it is on the day judged."""
    on = start + timedelta(days=after)
    observations = [registered(("R1", "1980-02-01"), at="2020-01-01"),
                    obs(start.isoformat(), "coverage.enrolled",
                        {"programme": "dibao", "start": start.isoformat(), "monthly_amount": 500}),
                    *(obs(start.isoformat(), "coverage.paid", {"programme": "dibao", "period": p}) for p in paid)]
    table = ParameterTable([ParameterValue("payment.gap_months", "", date(1900, 1, 1), gap)])
    state = fold(observations, on)
    found = next_change(state, on, table) or on + timedelta(days=730)

    def holds(day: date) -> bool:
        facts = payment_facts(state.coverages[0], day, gap)
        return facts["complete_months_old"] >= gap and not facts["paid_in_last_gap_months"]

    assert all(holds(day) == holds(on) for day in month_starts(on, found))


@given(reports=st.lists(st.tuples(months, st.sampled_from((800, 1000, 1200))), min_size=1, max_size=6),
       on=st.dates(date(2025, 1, 1), date(2026, 12, 31)))
def test_no_twelve_month_income_changes_before_the_date_named(reports: list[tuple[str, int]], on: date) -> None:
    """Brute force: MISSED.RIGID_EXPENDITURE's income over the 12 months ending with the month judged,
    on every month's start up to the date named, is what it is on the day judged."""
    expense = on - timedelta(days=20)
    observations = [registered(("R1", "1980-02-01"), at="2020-01-01"),
                    *(income("2021-01-01", amount, period) for period, amount in reports),
                    obs(expense.isoformat(), "household.expense_reported",
                        {"kind": "medical", "amount": 9000, "date": expense.isoformat()})]
    state = fold(observations, on)
    found = next_change(state, on, ParameterTable([])) or on + timedelta(days=730)

    def income_12m(day: date) -> float | None:
        return income_over_months(state, months_back(day, 12, include_current=True))

    assert all(income_12m(day) == income_12m(on) for day in month_starts(on, found))
