"""The derived facts of RULES.md, one function at a time.

Observations are written as the intake stores them; `household()` folds them as
of a date, and `facts()` derives every subject, so each test reads as a small story.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.facts.applications import handling_time
from domain.facts.coverage import payment_window, review_interval_months
from domain.dates import add_months, age_on, birthday
from domain.facts.derived import derive
from domain.facts.context import Parameters
from domain.facts.household import assets_ok, income_over_months, pc_income
from domain.facts.elderly import last_visit
from domain.households.state import HouseholdState, ResidentState, Visit, fold
from domain.policy.parameters import ParameterTable
from domain.facts.parents import parent_flags
from domain.facts.person import no_labour
from domain.working_days import is_working_day, working_days_after

TABLE = ParameterTable()
REGION = "500103002001"
_ids = itertools.count(1)


def obs(at: str, kind: str, data: dict[str, Any], resident: str | None = None) -> dict[str, Any]:
    return {"observation_id": f"o{next(_ids):05d}", "informant": "t", "observed_at": f"{at}T09:00:00+08:00",
            "kind": kind, "household": "H1", "resident": resident, "data": data}


def registered(*members: tuple[str, str], at: str = "2025-01-01", hukou: str = "urban") -> dict[str, Any]:
    people = [{"resident": rid, "name": rid, "sex": "F", "birth_date": born, "relation": "head"} for rid, born in members]
    return obs(at, "household.registered", {"region": REGION, "grid": "g", "address": "a", "hukou": hukou,
                                            "members": people})


def income(at: str, amount: float, period: str, income_type: str = "stable") -> dict[str, Any]:
    return obs(at, "household.income_reported", {"monthly_income": amount, "period": period,
                                                  "income_type": income_type, "source": "verified"})


def household(observations: list[dict[str, Any]], on: date) -> HouseholdState:
    return fold(observations, on)


def facts(observations: list[dict[str, Any]], on: date, table: ParameterTable = TABLE) -> dict[str, dict[str, Any]]:
    """Subject key -> facts."""
    return {s.key: s.facts for s in derive(fold(observations, on), on, table).subjects}


# --- ages and months --------------------------------------------------------------------------------


def test_age_turns_on_the_birthday() -> None:
    born = date(1945, 10, 1)
    assert age_on(born, date(2025, 9, 30)) == 79
    assert age_on(born, date(2025, 10, 1)) == 80


def test_a_leap_day_birthday_is_reached_on_1_march_in_common_years() -> None:
    born = date(2008, 2, 29)
    assert age_on(born, date(2026, 2, 28)) == 17
    assert age_on(born, date(2026, 3, 1)) == 18
    assert birthday(born, 18) == date(2026, 3, 1)


@given(st.dates(date(1920, 1, 1), date(2020, 12, 31)), st.integers(1, 100))
def test_birthday_agrees_with_age(born: date, years: int) -> None:
    day = birthday(born, years)
    assert age_on(born, day) == years
    assert age_on(born, day - timedelta(days=1)) == years - 1


def test_adding_months_clamps_to_the_end_of_the_month() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)
    assert add_months(date(2024, 12, 15), 2) == date(2025, 2, 15)


# --- members and income -----------------------------------------------------------------------------


def test_a_dead_resident_is_no_longer_a_member_and_income_is_shared_by_the_survivors() -> None:
    story = [registered(("A", "1950-01-01"), ("B", "1952-01-01")), income("2025-01-02", 1600, "2024-12"),
             obs("2025-03-02", "resident.died", {"date": "2025-03-01"}, resident="A")]
    before, after = household(story, date(2025, 2, 28)), household(story, date(2025, 3, 5))
    assert [m.resident for m in before.members_on(date(2025, 2, 28))] == ["A", "B"]
    assert [m.resident for m in after.members_on(date(2025, 3, 5))] == ["B"]
    assert pc_income(after, 1) == 1600
    derived = facts(story, date(2025, 3, 5))
    assert derived["H1"]["members"] == 1 and derived["A"] == {"member": False}


def test_a_resident_who_moved_out_is_not_a_member_from_the_day_they_left() -> None:
    story = [registered(("A", "1980-01-01"), ("B", "2015-01-01")),
             obs("2025-03-02", "resident.left", {"reason": "moved_out", "date": "2025-03-02"}, resident="A")]
    state = household(story, date(2025, 3, 2))
    assert [m.resident for m in state.members_on(date(2025, 3, 1))] == ["A", "B"]
    assert [m.resident for m in state.members_on(date(2025, 3, 2))] == ["B"]


def test_per_capita_income_uses_the_latest_period_and_is_not_rounded_up_to_the_standard() -> None:
    story = [registered(("A", "1970-01-01"), ("B", "1971-01-01"), ("C", "2010-01-01")),
             income("2025-03-01", 2309.99, "2025-02"), income("2025-02-01", 5000, "2025-01")]
    state = household(story, date(2025, 3, 1))
    per_capita = pc_income(state, 3)
    assert per_capita is not None and per_capita < 770
    assert per_capita == pytest.approx(769.9966, abs=1e-4)
    assert pc_income(household(story[:1], date(2025, 3, 1)), 3) is None


def test_unknown_income_is_left_out_of_the_facts() -> None:
    derived = facts([registered(("A", "1970-01-01"))], date(2025, 3, 1))
    assert "pc_income" not in derived["H1"] and "pc_income" not in derived["A"]
    assert derived["H1"]["std"] == 750


def test_income_over_months_takes_each_months_report_in_force() -> None:
    story = [registered(("A", "1970-01-01")), income("2025-01-02", 1000, "2024-12"), income("2025-04-02", 2000, "2025-03")]
    state = household(story, date(2025, 6, 1))
    assert income_over_months(state, ["2024-11", "2024-12", "2025-02", "2025-03", "2025-05"]) == 7000


# --- assets -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("assets", "expected"),
    [
        (None, True),
        ({"financial_assets": 36960, "motor_vehicles": 0, "extra_properties": 0}, True),
        ({"financial_assets": 36960.01, "motor_vehicles": 0, "extra_properties": 0}, False),
        ({"financial_assets": 0, "motor_vehicles": 1, "extra_properties": 0}, False),
        ({"financial_assets": 0, "motor_vehicles": 0, "extra_properties": 1}, False),
    ],
)
def test_assets_ok_with_no_report_and_at_the_limit(assets: dict[str, Any] | None, expected: bool) -> None:
    assert assets_ok(assets, 770, 2, 24) is expected


def test_assets_cannot_be_judged_without_a_standard() -> None:
    assert assets_ok({"financial_assets": 1, "motor_vehicles": 0, "extra_properties": 0}, None, 1, 24) is None


# --- capacity and parents ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "capacity", "disability", "expected"),
    [
        ("1965-06-01", None, None, True),
        ("1966-06-02", None, None, False),
        ("2009-06-02", None, None, True),
        ("1980-01-01", "none", None, True),
        ("1980-01-01", "partial", None, False),
        ("1980-01-01", None, {"category": "mental", "grade": 3}, True),
        ("1980-01-01", None, {"category": "physical", "grade": 3}, False),
        ("1980-01-01", None, {"category": "visual", "grade": 1}, True),
        ("1980-01-01", None, {"category": "visual", "grade": 2}, False),
    ],
)
def test_no_labour(born: str, capacity: str | None, disability: dict[str, Any] | None, expected: bool) -> None:
    person = household([registered(("A", born))], date(2025, 6, 1)).residents["A"]
    person.capacity, person.disability = capacity, disability
    assert no_labour(person, date(2025, 6, 1)) is expected


REPORTED = date(2025, 4, 10)


@pytest.mark.parametrize(
    ("parent", "on", "expected"),
    [
        ({"status": "dead"}, date(2025, 4, 10), (True, False)),
        ({"status": "missing", "since": "2025-04-01"}, date(2025, 10, 1), (True, False)),
        ({"status": "missing", "since": "2025-04-01"}, date(2025, 9, 30), (False, False)),
        ({"status": "missing"}, date(2025, 10, 10), (True, False)),
        ({"status": "missing"}, date(2025, 10, 9), (False, False)),
        ({"status": "imprisoned"}, date(2025, 4, 10), (False, True)),
        ({"status": "guardianship_revoked"}, date(2025, 4, 10), (False, True)),
        ({"status": "present"}, date(2025, 4, 10), (False, False)),
        ({"status": "unknown"}, date(2025, 4, 10), (None, None)),
        (None, date(2025, 4, 10), (None, None)),
    ],
)
def test_absent_and_severe_parents(parent: dict[str, Any] | None, on: date, expected: tuple[Any, Any]) -> None:
    assert parent_flags(parent, REPORTED, on, 6) == expected


def test_missing_is_unknown_without_the_missing_months_parameter() -> None:
    assert parent_flags({"status": "missing"}, REPORTED, date(2030, 1, 1), None) == (None, False)


# --- coverage ---------------------------------------------------------------------------------------


def enrolled(programme: str, start: str, resident: str | None = None, **extra: Any) -> dict[str, Any]:
    return obs(start, "coverage.enrolled", {"programme": programme, "start": start, **extra}, resident=resident)


def test_enrolled_counts_a_grace_period_that_has_not_ended() -> None:
    story = [registered(("A", "1970-01-01")), enrolled("dibao", "2025-01-10"),
             obs("2025-05-01", "coverage.terminated", {"programme": "dibao", "date": "2025-05-01",
                                                        "reason": "income_above_standard", "grace_until": "2025-08-01"})]
    state = household(story, date(2025, 9, 1))
    assert ("dibao", None) in state.active_on(date(2025, 4, 30))
    assert ("dibao", None) in state.active_on(date(2025, 7, 31))
    assert ("dibao", None) not in state.active_on(date(2025, 8, 1))
    assert ("dibao", None) not in state.active_on(date(2025, 1, 9))
    assert facts(story, date(2025, 7, 31))["H1"]["enrolled_dibao"] is True
    assert facts(story, date(2025, 8, 1))["H1"]["enrolled_dibao"] is False


def test_a_termination_without_grace_ends_enrolment_on_its_date() -> None:
    story = [registered(("A", "1940-01-01")), enrolled("elderly_allowance", "2025-01-10", resident="A"),
             obs("2025-05-01", "coverage.terminated", {"programme": "elderly_allowance", "date": "2025-05-01",
                                                        "reason": "other"}, resident="A")]
    assert facts(story, date(2025, 4, 30))["A"]["enrolled_elderly_allowance"] is True
    assert facts(story, date(2025, 5, 1))["A"]["enrolled_elderly_allowance"] is False


@pytest.mark.parametrize(
    ("start", "on", "age", "window"),
    [
        (date(2025, 5, 10), date(2025, 11, 15), 5, ["2025-09", "2025-10"]),
        (date(2025, 8, 20), date(2025, 11, 15), 2, ["2025-09", "2025-10"]),
        (date(2025, 9, 1), date(2025, 11, 1), 2, ["2025-09", "2025-10"]),
        (date(2025, 9, 2), date(2025, 11, 30), 1, ["2025-10"]),
        (date(2025, 11, 3), date(2025, 11, 30), 0, []),
        (date(2024, 12, 1), date(2025, 2, 1), 2, ["2024-12", "2025-01"]),
    ],
)
def test_payment_gap_months_count_whole_calendar_months_of_coverage(
    start: date, on: date, age: int, window: list[str]
) -> None:
    assert payment_window(start, on, 2) == (age, window)


def test_a_payment_in_the_window_is_not_a_gap() -> None:
    story = [registered(("A", "1970-01-01")), enrolled("dibao", "2025-05-10", monthly_amount=470),
             obs("2025-10-05", "coverage.paid", {"programme": "dibao", "period": "2025-09", "amount": 470})]
    coverage = facts(story, date(2025, 11, 15))["dibao:-:2025-05-10"]
    assert coverage["paid_in_last_gap_months"] is True and coverage["unpaid_months"] == ["2025-10"]


def test_dibao_review_interval_follows_the_latest_income_type() -> None:
    story = [registered(("A", "1970-01-01")), income("2025-01-02", 500, "2024-12", "stable"),
             income("2025-03-02", 500, "2025-02", "irregular"), enrolled("dibao", "2025-01-10")]
    state = household(story, date(2025, 4, 1))
    params = Parameters(TABLE, REGION, date(2025, 4, 1))
    assert review_interval_months(state, state.coverages[0], params) == 6
    assert review_interval_months(household(story[:2] + story[3:], date(2025, 4, 1)),
                                  state.coverages[0], params) == 12


def test_deceased_still_covered_after_more_than_one_calendar_month() -> None:
    story = [registered(("A", "1935-01-01"), ("B", "1960-01-01")), enrolled("elderly_allowance", "2025-01-10", "A"),
             obs("2025-09-11", "resident.died", {"date": "2025-09-10"}, resident="A")]
    assert "deceased_still_covered" not in facts(story, date(2025, 10, 10))["A"]
    assert facts(story, date(2025, 10, 11))["A"]["deceased_still_covered"] is True


# --- visits -----------------------------------------------------------------------------------------


def test_a_visit_that_lists_who_was_seen_counts_only_for_them() -> None:
    story = [registered(("A", "1940-01-01"), ("B", "1941-01-01"), at="2025-09-01"),
             obs("2025-09-01", "resident.care_dependency_assessed", {"level": "partial"}, resident="A"),
             obs("2025-09-01", "resident.care_dependency_assessed", {"level": "partial"}, resident="B"),
             obs("2025-10-10", "household.visited", {"purpose": "routine", "residents_seen": ["B"]})]
    derived = facts(story, date(2025, 10, 20))
    assert derived["A"]["last_visit"] == "2025-09-01" and derived["A"]["days_since_visit"] == 49
    assert derived["B"]["last_visit"] == "2025-10-10" and derived["B"]["days_since_visit"] == 10


# --- working days -----------------------------------------------------------------------------------


def test_national_day_2025_holidays_and_make_up_days() -> None:
    assert working_days_after(date(2025, 9, 30), date(2025, 10, 8)) == 0
    assert working_days_after(date(2025, 9, 26), date(2025, 9, 29)) == 2  # Sunday 09-28 is a make-up day
    assert working_days_after(date(2025, 10, 10), date(2025, 10, 11)) == 1  # so is Saturday 10-11
    assert working_days_after(date(2025, 9, 14), date(2025, 10, 31)) == 31
    assert working_days_after(date(2025, 9, 15), date(2025, 10, 31)) == 30


def test_a_year_the_calendar_does_not_know_falls_back_to_monday_to_friday() -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 4))
    assert working_days_after(date(2027, 1, 1), date(2027, 1, 8)) == 5
    assert is_working_day(date(2027, 10, 1)) and not is_working_day(date(2027, 10, 2))


@given(st.dates(date(2023, 6, 1), date(2027, 6, 30)), st.integers(0, 900))
def test_working_days_match_counting_day_by_day(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    expected = sum(is_working_day(start + timedelta(days=k)) for k in range(1, span + 1))
    assert working_days_after(start, end) == expected


def test_poverty_monitoring_applications_count_calendar_days() -> None:
    params = Parameters(TABLE, REGION, date(2025, 10, 31))
    assert handling_time("poverty_monitoring", date(2025, 10, 1), date(2025, 10, 31), params) == {
        "elapsed_days": 30, "limit_days": 15, "day_unit": "calendar"}
    assert handling_time("dibao", date(2025, 9, 30), date(2025, 10, 9), params) == {
        "elapsed_days": 1, "limit_days": 30, "day_unit": "working"}
    assert handling_time("elderly_visiting", date(2025, 1, 1), date(2025, 10, 9), params) == {}


@settings(max_examples=200, deadline=None)
@given(visits=st.lists(st.tuples(st.integers(0, 60), st.sampled_from([None, ("R1",), ("R2",), ("R1", "R2")])),
                       max_size=12),
       on_offset=st.integers(0, 70))
def test_the_last_visit_found_from_the_end_is_the_latest_that_saw_the_resident(
        visits: list[tuple[int, tuple[str, ...] | None]], on_offset: int) -> None:
    """Visits are kept in the order they happened; searching from the end gives what a scan of all gives."""
    start = date(2025, 1, 1)
    state = HouseholdState("H", "500103001001", "g", "urban", True, start)
    person = ResidentState("R1", "", "F", date(1940, 1, 1), "head", start)
    state.visits = [Visit(start + timedelta(days=d), frozenset(seen) if seen else None) for d, seen in sorted(visits, key=lambda visit: visit[0])]
    on = start + timedelta(days=on_offset)
    scanned = max([state.registered_on, person.since,
                   *[v.on for v in state.visits if v.on <= on and v.saw(person.resident)]])
    assert last_visit(state, person, on) == scanned
