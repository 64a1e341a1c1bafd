"""Back-testing a changed dibao standard against a small real history.

The history is recorded day by day through the real intake into real SQLite stores, with
the live rule worker judging after each day (and a clock tick each day), so the alerts
"actually raised" are the system's own. The back-test then raises the urban standard
and lowers the rural one, and must say who would have been found, when, and by how many
days earlier or later than they were — judging only what had been recorded by each day.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any, Iterator

import pytest
from typer.testing import CliRunner

from domain.policy.parameters import ParameterTable, ParameterValue
from rules import backtest_reports
from rules.backtest_history import recorded_history
from rules.backtest_run import BacktestRequest, ParameterFileError, load_parameter_file, run_backtest
from api.cli.main import app
from infra.event_store import open_alerts, open_households
from infra.kafka.clients import partition_for
from domain.policy.policy_service import PolicyService
from domain.households.clock import tick
from infra.settings import Settings
from rules.catalog import CATALOG
from rules.engine import RuleEngine
from rules.findings import Judge
from rules.worker import RuleWorker
from domain.recording_clock import RecordingClock

REGION = "500103002001"
DAY1 = date(2026, 11, 2)
LAST = DAY1 + timedelta(days=6)
PARTITIONS = 2
CHANGED = [ParameterValue("dibao.standard_monthly.urban", "5001", date(2026, 1, 1), 800, "test"),
           ParameterValue("dibao.standard_monthly.rural", "5001", date(2026, 1, 1), 600, "test")]


def _registered(household: str, hukou: str, day: date) -> dict[str, Any]:
    return {"observation_id": f"{household}-reg", "informant": "g", "observed_at": f"{day}T09:00:00+08:00",
            "kind": "household.registered", "household": household,
            "data": {"region": REGION, "grid": f"{REGION}-01", "address": "某街道", "hukou": hukou,
                     "members": [{"resident": f"{household}-1", "name": "王某", "sex": "M",
                                  "birth_date": "1970-04-02", "relation": "head"}]}}


def _income(household: str, amount: float, observed: date, tag: str) -> dict[str, Any]:
    return {"observation_id": f"{household}-inc-{tag}", "informant": "g",
            "observed_at": f"{observed}T09:30:00+08:00", "kind": "household.income_reported", "household": household,
            "data": {"monthly_income": amount, "period": "2026-10", "income_type": "stable", "source": "verified"}}


def _day(n: int) -> date:
    return DAY1 + timedelta(days=n - 1)


# What is recorded on each day (urban standard 770, rural 630 in Chongqing in force).
HISTORY: dict[date, list[dict[str, Any]]] = {
    _day(1): [_registered("A", "urban", _day(1)), _income("A", 790, _day(1), "1"),    # found day 4 (760)
              _registered("C", "urban", _day(1)), _income("C", 700, _day(1), "1"),    # found day 1, both
              _registered("D", "rural", _day(1)), _income("D", 620, _day(1), "1"),    # 620 < 630; not < 600
              _registered("G", "urban", _day(1)), _income("G", 900, _day(1), "1")],
    _day(2): [_registered("B", "urban", _day(2)), _income("B", 785, _day(2), "1"),    # only under 800
              _registered("E", "rural", _day(2)), _income("E", 615, _day(2), "1")],   # only under 630
    _day(4): [_income("A", 760, _day(4), "2")],
    _day(5): [_income("D", 590, _day(5), "2")],                                        # now under 600 too
    # A late report: it happened on day 2 and was recorded on day 6 — the replay knows it from day 6.
    _day(6): [_income("G", 785, _day(2), "2")],
}
# Recorded and judged in the morning of a day, before that day's HISTORY: P looks poor until a later report
# the same day says otherwise, so the live worker raises and clears its alert within the day — a moment
# that was never the end of a day, so the replay (which judges each day's end) never sees it.
MORNING: dict[date, list[dict[str, Any]]] = {
    _day(3): [_registered("P", "urban", _day(3)), _income("P", 700, _day(3), "1")],
}
HISTORY[_day(3)] = [{**_income("P", 900, _day(3), "2"), "observed_at": f"{_day(3)}T11:00:00+08:00"}]


def record_history(data: Path) -> None:
    """Record HISTORY day by day with the live worker judging after each day."""
    settings = Settings(data_dir=data)
    households, alerts = open_households(settings), open_alerts(settings)
    engine = RuleEngine(CATALOG)
    policy = PolicyService(households, ParameterTable())
    worker = RuleWorker(households, alerts, Judge(CATALOG, engine, policy.table),
                        partial(partition_for, partitions=PARTITIONS))
    clock = RecordingClock()
    try:
        with clock.active():
            for offset in range(7):
                day = DAY1 + timedelta(days=offset)
                clock.on(day)
                if day in MORNING:
                    assert all(o.status == "accepted" for o in households.accept_batch(MORNING[day]))
                    worker.catch_up(range(PARTITIONS))
                outcomes = households.accept_batch([*HISTORY.get(day, []), tick(day, "test")])
                assert all(o.status != "rejected" for o in outcomes), [o.errors for o in outcomes]
                worker.catch_up(range(PARTITIONS))
    finally:
        engine.close()


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("backtest")
    record_history(data)
    return data


@pytest.fixture()
def engine() -> Iterator[RuleEngine]:
    running = RuleEngine(CATALOG)
    yield running
    running.close()


def backtest(data: Path, engine: RuleEngine, start: date, parameters: list[ParameterValue]) -> dict[str, Any]:
    settings = Settings(data_dir=data)
    report = run_backtest(open_households(settings), open_alerts(settings),
                          BacktestRequest(start, LAST, parameters), engine=engine)
    return report.to_json()


def dibao(report: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in report["rules"] if r["rule"] == "MISSED.DIBAO")


def changes(report: dict[str, Any]) -> dict[str, tuple[str, str | None, str | None, int | None]]:
    return {c["household"]: (c["outcome"], c["actual_on"], c["replay_on"], c["days"]) for c in dibao(report)["changes"]}


def test_a_raised_and_lowered_dibao_standard_lists_who_would_have_been_found_and_when(
        history: Path, engine: RuleEngine) -> None:
    report = backtest(history, engine, DAY1, CHANGED)
    assert changes(report) == {
        "A": ("earlier", str(_day(4)), str(_day(1)), 3),
        "B": ("new", None, str(_day(2)), None),
        "D": ("later", str(_day(1)), str(_day(5)), 4),
        "E": ("not_raised", str(_day(2)), None, None),
        "G": ("new", None, str(_day(6)), None),  # recorded on day 6, though it happened on day 2
    }
    assert dibao(report)["counts"] == {"earlier": 1, "later": 1, "not_raised": 1, "new": 2, "unchanged": 1}
    assert report["households"] == 7 and report["days"] == 7 and report["evaluations"] > 0


def test_the_unchanged_parameters_reproduce_what_was_raised(history: Path, engine: RuleEngine) -> None:
    report = backtest(history, engine, DAY1, [])
    moved = [c for rule in report["rules"] for c in rule["changes"]]
    assert moved == [] and dibao(report)["counts"]["unchanged"] == 4


def test_alerts_open_when_the_window_begins_count_from_before_it(history: Path, engine: RuleEngine) -> None:
    report = backtest(history, engine, _day(4), CHANGED)
    assert changes(report) == {
        "A": ("earlier", str(_day(4)), str(_day(3)), 1),  # the replay had it open by the day before the window
        "B": ("new", None, str(_day(3)), None),
        "D": ("later", str(_day(1)), str(_day(5)), 4),  # actually open since day 1, replay finds it on day 5
        "E": ("not_raised", str(_day(2)), None, None),
        "G": ("new", None, str(_day(6)), None),
    }
    assert [c["at_least"] for c in dibao(report)["changes"] if c["household"] == "A"] == [True]


def test_the_command_prints_json_and_leaves_the_live_stores_alone(history: Path, tmp_path: Path) -> None:
    file = tmp_path / "standards.yaml"
    file.write_text("- {name: dibao.standard_monthly.urban, value: 800, region: '500000', from: 2026-01-01}\n",
                    encoding="utf-8")
    before = {p.name: p.read_bytes() for p in history.glob("*.sqlite")}
    result = CliRunner().invoke(app, ["rules", "backtest", "--from", str(DAY1), "--to", str(LAST),
                                      "--parameters", str(file), "--data", str(history), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    assert {h: c[0] for h, c in changes(report).items()} == {"A": "earlier", "B": "new", "G": "new"}
    assert {p.name: p.read_bytes() for p in history.glob("*.sqlite")} == before
    (saved,) = backtest_reports.names(history)  # kept for the auditor's pages
    assert backtest_reports.load(history, saved)["rules"] == report["rules"]
    assert backtest_reports.load(history, "../households") is None


def test_the_table_names_rules_households_and_days(history: Path, tmp_path: Path) -> None:
    file = tmp_path / "standards.json"
    file.write_text(json.dumps({"parameters": [{"name": "dibao.standard_monthly.urban", "value": 800,
                                                 "region": "500000", "from": "2026-01-01"}]}), encoding="utf-8")
    result = CliRunner().invoke(app, ["rules", "backtest", "--from", str(DAY1), "--to", str(LAST),
                                      "--parameters", str(file), "--data", str(history)],
                                 env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "MISSED.DIBAO" in result.output and "提前发现" in result.output and "3" in result.output
    assert "A" in result.output and str(_day(1)) in result.output


def test_a_bad_parameter_file_is_refused_naming_the_entry(tmp_path: Path) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text("- {name: dibao.standard_monthly.urban, value: cheap, region: '500000', from: 2026-01-01}\n"
                    "- {name: no.such, value: 1, region: '500000', from: '2026-13-01'}\n"
                    "- {name: dibao.standard_monthly.urban, value: 800, region: '500103000', from: 2026-01-01}\n",
                    encoding="utf-8")
    with pytest.raises(ParameterFileError) as refused:
        load_parameter_file(file)
    assert {p.field for p in refused.value.problems} == {"[0].value", "[1].name", "[1].from", "[2].region"}
    (region,) = [p for p in refused.value.problems if p.field == "[2].region"]
    assert "town or street part is 000" in region.message and "500103000" in region.message_zh
    result = CliRunner().invoke(app, ["rules", "backtest", "--from", str(DAY1), "--to", str(LAST),
                                      "--parameters", str(file), "--data", str(tmp_path / "none")])
    assert result.exit_code == 2 and "[0].value" in result.output


def test_a_file_value_for_a_town_is_keyed_by_the_town_read_by_level(tmp_path: Path) -> None:
    file = tmp_path / "towns.yaml"
    file.write_text("- {name: dibao.standard_monthly.urban, value: 800, region: '500103100', from: 2026-01-01}\n"
                    "- {name: dibao.standard_monthly.urban, value: 810, region: '510500', from: 2026-01-01}\n",
                    encoding="utf-8")
    assert [v.region for v in load_parameter_file(file)] == ["500103100", "5105"]


def test_recorded_values_are_replayed_where_their_code_says(tmp_path: Path) -> None:
    """A value recorded for `500000` is Chongqing's in the replay as it is live, not a key no household matches."""
    households = open_households(Settings(data_dir=tmp_path))
    policy = PolicyService(households, ParameterTable())
    policy.set_value("dibao.standard_monthly.urban", "500000", "2026-01-01", 800, "admin-1")
    policy.set_value("dibao.standard_monthly.urban", "500103100", "2026-01-01", 900, "admin-1")
    history = recorded_history(households, date(2099, 1, 1))
    assert [(r.value.region, r.value.value) for r in history.parameter_values] == [("50", 800), ("500103100", 900)]


def test_rules_alone_still_prints_the_catalog() -> None:
    result = CliRunner().invoke(app, ["rules"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "MISSED.DIBAO" in result.output


def test_a_data_directory_without_history_is_refused_and_left_empty(tmp_path: Path) -> None:
    empty = tmp_path / "nothing-here"
    result = CliRunner().invoke(app, ["rules", "backtest", "--from", str(DAY1), "--to", str(LAST),
                                      "--data", str(empty)])
    assert result.exit_code == 2 and "no recorded history" in result.output
    assert not empty.exists()
