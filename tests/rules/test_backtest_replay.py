"""The replay judges each day with only what had been recorded by then: observations join on the
day they were recorded, an administrator's parameter value applies from the day it was recorded
(not from its effective date, if that lay earlier), and the back-test's own values are added as
if they had been set before the window (one with the same name, region and date replaces a recorded one)."""

from __future__ import annotations

from datetime import date
from typing import Any, Iterator

import pytest

from domain.alerts.application import AlertsApp
from domain.policy.parameters import ParameterTable, ParameterValue
from rules.backtest import ParametersByDay, RecordedHistory, RecordedObservation, RecordedValue, Replay
from rules.catalog import CATALOG
from rules.engine import RuleEngine
from rules.findings import Judge

URBAN = "dibao.standard_monthly.urban"


def observations(household: str, income: int) -> list[dict[str, Any]]:
    return [{"observation_id": f"{household}-1", "informant": "g", "observed_at": "2026-11-02T09:00:00+08:00",
             "kind": "household.registered", "household": household,
             "data": {"region": "500103001001", "grid": "500103001001-01", "address": "某街道", "hukou": "urban",
                      "local_hukou": True,
                      "members": [{"resident": f"{household}-R1", "name": "王某", "sex": "M",
                                   "birth_date": "1970-04-02", "relation": "head"}]}},
            {"observation_id": f"{household}-2", "informant": "g", "observed_at": "2026-11-02T09:10:00+08:00",
             "kind": "household.income_reported", "household": household,
             "data": {"monthly_income": income, "period": "2026-10", "income_type": "stable", "source": "verified"}}]


@pytest.fixture()
def engine() -> Iterator[RuleEngine]:
    running = RuleEngine(CATALOG)
    yield running
    running.close()


def dibao_days(engine: RuleEngine, history: RecordedHistory, overrides: list[ParameterValue]) -> dict[str, date]:
    parameters = ParametersByDay(ParameterTable(), history.parameter_values, overrides)
    replay = Replay(Judge(CATALOG, engine, parameters), parameters, AlertsApp(env={"PERSISTENCE_MODULE":
                                                                                    "eventsourcing.popo"}))
    raised = replay.run(history, date(2026, 11, 2), date(2026, 11, 6))
    return {r.household: r.on for r in raised if r.rule == "MISSED.DIBAO"}


def history_with(value_recorded_on: date) -> RecordedHistory:
    """H (785 a month) recorded on 11-02, late report L (785) recorded on 11-04, and a standard of 800
    effective from 11-01 that an administrator recorded on `value_recorded_on`."""
    return RecordedHistory(
        observations=[*(RecordedObservation("H", date(2026, 11, 2), o) for o in observations("H", 785)),
                      *(RecordedObservation("L", date(2026, 11, 4), o) for o in observations("L", 785))],
        parameter_values=[RecordedValue(value_recorded_on, ParameterValue(URBAN, "5001", date(2026, 11, 1), 800))])


def test_a_parameter_value_counts_from_the_day_it_was_recorded(engine: RuleEngine) -> None:
    assert dibao_days(engine, history_with(date(2026, 11, 3)), []) == {"H": date(2026, 11, 3),
                                                                       "L": date(2026, 11, 4)}
    assert dibao_days(engine, history_with(date(2026, 11, 9)), []) == {}  # recorded after the window


def test_the_back_tests_own_values_are_added_as_if_set_before_the_window(engine: RuleEngine) -> None:
    same_date = ParameterValue(URBAN, "5001", date(2026, 11, 1), 700)  # replaces the recorded value
    assert dibao_days(engine, history_with(date(2026, 11, 3)), [same_date]) == {}
    earlier = ParameterValue(URBAN, "5001", date(2026, 1, 1), 700)  # the recorded 800 from 11-01 still follows
    assert dibao_days(engine, history_with(date(2026, 11, 3)), [earlier]) == {"H": date(2026, 11, 3),
                                                                              "L": date(2026, 11, 4)}
    higher = ParameterValue(URBAN, "5001", date(2026, 1, 1), 790)
    assert dibao_days(engine, history_with(date(2026, 11, 9)), [higher]) == {"H": date(2026, 11, 2),
                                                                             "L": date(2026, 11, 4)}
