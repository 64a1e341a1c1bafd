"""`next_change`: the earliest date a household's judgement could change with no new observation.

Each test builds a small household and checks that the boundary of one time condition is named
(within the day before and the day after, as the module widens every boundary) and never passed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.dates import add_months
from domain.facts.next_change import next_change
from domain.households.state import fold
from domain.policy.parameters import ParameterTable, ParameterValue
from domain.working_days import add_working_days
from tests.domain.facts.test_derived import REGION, obs, registered

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


def test_a_payment_month_ends() -> None:
    on = date(2026, 6, 14)
    observations = [registered(("R1", "1980-02-01"), at="2025-01-01"),
                    obs("2025-01-05", "coverage.enrolled", {"programme": "dibao", "start": "2025-01-05",
                                                            "monthly_amount": 500})]
    found = due(observations, on)
    assert found is not None and found <= date(2026, 7, 1) + DAY


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
