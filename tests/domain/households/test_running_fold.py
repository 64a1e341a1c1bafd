"""A fold kept event by event is the full fold: random histories (late arrivals, corrections,
retractions, new residents, coverage episodes) judged at random moments, the kept fold brought up
to the aggregate's events each time, must equal folding every observation in force again — the
state itself and every derived fact."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.facts.derived import derive
from domain.households.household import CorrectionRefused, Household
from domain.households.running_fold import RunningFold
from domain.households.state import fold, observed_on
from domain.policy.parameters import ParameterTable

START = date(2025, 1, 6)
RESIDENTS = ("R1", "R2", "R3")
PROGRAMMES = ("dibao", "tekun", "elderly_allowance")


def registration() -> dict[str, Any]:
    return {"observation_id": "O0", "informant": "g", "observed_at": f"{START}T09:00:00+08:00",
            "kind": "household.registered", "household": "H1", "resident": None,
            "data": {"region": "500103001001", "grid": "500103001001-01", "address": "某社区1号", "hukou": "urban",
                     "members": [{"resident": "R1", "name": "陈某", "sex": "F", "birth_date": "1950-11-05",
                                  "relation": "head"},
                                 {"resident": "R2", "name": "陈某某", "sex": "M", "birth_date": "2012-03-01",
                                  "relation": "child"}]}}


def day(offset: int) -> str:
    return (START + timedelta(days=offset)).isoformat()


@st.composite
def observation(draw: st.DrawFn) -> tuple[str, str | None, dict[str, Any], int]:
    """(kind, resident, data, day offset): what the appliers and the derivation read."""
    offset = draw(st.integers(0, 400))
    when, period = day(offset), day(offset)[:7]
    resident = draw(st.sampled_from(RESIDENTS[:2]))
    programme = draw(st.sampled_from(PROGRAMMES))
    kind, who, data = draw(st.sampled_from([
        ("household.income_reported", None, {"monthly_income": draw(st.sampled_from([0, 300, 900, 5000])),
                                             "period": period, "income_type": "stable", "source": "declared"}),
        ("household.visited", None, {"purpose": "routine"}),
        ("household.assets_reported", None, {"financial_assets": draw(st.sampled_from([0, 90000])),
                                             "motor_vehicles": 0, "extra_properties": 0}),
        ("resident.illness_reported", resident, {"condition": draw(st.sampled_from(["flu", "cancer"])),
                                                 "serious": draw(st.booleans()), "hospitalized": False, "date": when}),
        ("resident.disability_assessed", resident, {"category": "physical", "grade": draw(st.integers(1, 4)),
                                                    "certified": True}),
        ("resident.joined", "R3", {"name": "陈三", "sex": "M", "birth_date": "1948-01-01", "relation": "parent",
                                   "reason": "moved_in"}),
        ("resident.left", resident, {"date": when}),
        ("resident.died", resident, {"date": when}),
        ("coverage.enrolled", None, {"programme": programme, "start": when, "monthly_amount": 500,
                                     "review_interval_months": 6}),
        ("coverage.paid", None, {"programme": programme, "period": period, "amount": 500}),
        ("coverage.reviewed", None, {"programme": programme, "date": when, "outcome": "continue"}),
        ("coverage.suspended", None, {"programme": programme, "date": when, "reason": "核查"}),
        ("coverage.resumed", None, {"programme": programme, "date": when}),
        ("coverage.terminated", None, {"programme": programme, "date": when, "reason": "other"}),
        ("application.submitted", None, {"application": "A1", "programme": programme, "date": when}),
        ("application.decided", None, {"application": "A1", "date": when, "decision": "approved"}),
    ]))
    return kind, who, data, offset


def envelope(number: int, drawn: tuple[str, str | None, dict[str, Any], int], minute: int) -> dict[str, Any]:
    kind, resident, data, offset = drawn
    return {"observation_id": f"O{number}", "informant": "g", "kind": kind, "household": "H1",
            "observed_at": f"{day(offset)}T10:{minute:02d}:00+08:00", "resident": resident, "data": data}


OPERATIONS = st.lists(st.tuples(st.sampled_from(["observe", "observe", "observe", "correct", "retract", "judge"]),
                                observation(), st.integers(0, 59), st.integers(0, 10_000)),
                      min_size=1, max_size=40)


def caught_up(kept: RunningFold | None, household: Household, log: list[Any]) -> RunningFold:
    """What the rule worker does: extend the kept fold by the events after it, else fold again."""
    if kept is not None:
        newer = [copy.deepcopy(e) for e in log if e.originator_version > kept.version]
        if kept.extend(newer):
            return kept
    return RunningFold.of("H1", copy.deepcopy(household.observations), household.version)


@settings(max_examples=300, deadline=None)
@given(operations=OPERATIONS, today_offset=st.one_of(st.none(), st.integers(0, 800)))
def test_a_kept_fold_equals_the_full_fold(operations: list[Any], today_offset: int | None) -> None:
    household = Household("H1", registration())
    log: list[Any] = list(household.collect_events())
    kept: RunningFold | None = None
    today = START + timedelta(days=today_offset) if today_offset is not None else None
    table = ParameterTable()
    for number, (operation, drawn, minute, pick) in enumerate(operations, start=1):
        in_force = household.observations
        target = in_force[pick % len(in_force)]["observation_id"]
        try:
            if operation == "observe":
                household.observe(envelope(number, drawn, minute))
            elif operation == "correct":
                original = next(o for o in in_force if o["observation_id"] == target)
                replacement = envelope(number, drawn, minute)
                household.correct(target, {**original, "observation_id": replacement["observation_id"],
                                           "observed_at": replacement["observed_at"],
                                           "data": {**original["data"], **_same_shape(original, replacement)}}, "g")
            elif operation == "retract":
                household.retract(target, "g", "录错了")
        except CorrectionRefused:
            pass
        log += household.collect_events()
        if operation == "judge" or number == len(operations):
            kept = caught_up(kept, household, log)
            latest = max(observed_on(o) for o in household.observations)
            on = max(latest, today) if today else latest
            assert kept.judged_on(today) == on
            full = fold(household.observations, on)
            assert kept.state == full
            assert derive(kept.state, on, table) == derive(full, on, table)


def _same_shape(original: dict[str, Any], replacement: dict[str, Any]) -> dict[str, Any]:
    """A correction keeps the kind; it may change the values the kind has (and when it was observed)."""
    if replacement["kind"] == original["kind"] and original["kind"] != "household.registered":
        return replacement["data"]
    return {"hukou": "rural"} if original["kind"] == "household.registered" else {}


def test_an_observation_that_happened_before_the_last_one_applied_is_refused_in_place() -> None:
    household = Household("H1", registration())
    household.observe(envelope(1, ("household.visited", None, {"purpose": "routine"}, 30), 0))
    kept = RunningFold.of("H1", household.observations, household.version)
    household.collect_events()
    household.observe(envelope(2, ("household.visited", None, {"purpose": "routine"}, 10), 0))
    late = household.collect_events()
    before = copy.deepcopy(kept)
    assert kept.extend(late) is False
    assert kept == before


def test_a_correction_or_retraction_is_refused_in_place() -> None:
    household = Household("H1", registration())
    household.observe(envelope(1, ("household.visited", None, {"purpose": "routine"}, 30), 0))
    kept = RunningFold.of("H1", household.observations, household.version)
    household.collect_events()
    household.retract("O1", "g", "录错了")
    assert kept.extend(household.collect_events()) is False


def test_observations_after_the_last_applied_are_applied_in_place() -> None:
    household = Household("H1", registration())
    kept = RunningFold.of("H1", household.observations, household.version)
    household.collect_events()
    household.observe(envelope(1, ("household.visited", None, {"purpose": "routine"}, 30), 0))
    household.observe(envelope(2, ("household.visited", None, {"purpose": "routine"}, 20), 0))  # one batch, any order
    assert kept.extend(household.collect_events()) is True
    assert kept.version == household.version
    assert [v.on for v in kept.state.visits] == [START + timedelta(days=20), START + timedelta(days=30)]


@settings(max_examples=200, deadline=None)
@given(periods=st.lists(st.tuples(st.sampled_from(["2025-01", "2025-02", "2025-03"]), st.integers(0, 3)), max_size=12),
       asked=st.lists(st.integers(0, 12), max_size=6))
def test_the_kept_latest_income_is_the_latest_by_period_then_arrival(periods: list[tuple[str, int]],
                                                                      asked: list[int]) -> None:
    """`latest_income` remembers what it has seen; asked between reports, it still answers as the
    scan of every report would: the latest period, the last observed of that period."""
    state = fold([registration()], date.max)
    for number, (period, amount) in enumerate(periods):
        if number in asked:
            state.latest_income()
        state.incomes.append({"period": period, "monthly_income": amount, "number": number})
        expected = max(enumerate(state.incomes), key=lambda pair: (pair[1]["period"], pair[0]))[1]
        assert state.latest_income() is expected
