"""Run a back-test: read the live stores, replay into a scratch store, compare, report.

The live stores are only read. The replay's alerts go to an in-memory eventsourcing
application that is thrown away afterwards; the rules run in the same engine process
(and with the same `Judge`) as the live rule worker, on the catalog asked for.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from domain.alerts.application import AlertsApp
from domain.households.application import HouseholdsApp
from domain.policy.parameter_types import Problem
from domain.policy.parameters import ParameterTable, ParameterValue
from domain.region_codes import region_scope
from rules.backtest_history import actual_raises, recorded_history
from domain.policy.policy_service import PolicyError, check_value
from rules.backtest import ParametersByDay, ProgressCallback, Replay
from rules.backtest_comparison import Difference, by_rule, compare
from rules.engine_process import DEFAULT_CATALOG, EngineProcess, load_catalog
from rules.findings import Engine, Judge


class ParameterFileError(ValueError):
    """A parameter file that cannot be used, with every problem (each naming its entry and field)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def load_parameter_file(path: Path) -> list[ParameterValue]:
    """Dated values as `parameters set` takes them: a YAML or JSON list (or `{parameters: [...]}`)
    of `{name, value, region, from}` entries; every entry is checked as `parameters set` checks it."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as error:  # ValueError: PyYAML on a date like 2026-13-01
        raise ParameterFileError([Problem("file", f"{path}: cannot be read: {error}", f"{path}：无法读取：{error}")])
    entries = raw.get("parameters") if isinstance(raw, dict) else raw
    if not isinstance(entries, list):
        raise ParameterFileError([Problem("file", f"{path}: expected a list of {{name, value, region, from}}",
                                          f"{path}：应为 {{name, value, region, from}} 的列表")])
    values, problems = [], []
    for index, entry in enumerate(entries):
        try:
            values.append(_value(entry))
        except PolicyError as error:
            problems += [Problem(f"[{index}].{p.field}", p.message, p.message_zh) for p in error.problems]
    if problems:
        raise ParameterFileError(problems)
    return values


def _value(entry: Any) -> ParameterValue:
    if not isinstance(entry, dict):
        raise PolicyError([Problem("entry", "each entry is a mapping {name, value, region, from}",
                                   "每一项须为 {name, value, region, from}")])
    name, region, value = entry.get("name"), str(entry.get("region", "")), entry.get("value")
    since = check_value(str(name), region, entry.get("from"), value)
    return ParameterValue(str(name), region_scope(region), since, value, "backtest")


@dataclass
class BacktestRequest:
    start: date
    end: date
    parameters: list[ParameterValue] = field(default_factory=list)
    catalog: str = DEFAULT_CATALOG


@dataclass
class BacktestReport:
    request: BacktestRequest
    households: int
    events: int
    evaluations: int
    failures: int
    seconds: float
    differences: list[Difference]

    @property
    def days(self) -> int:
        return (self.request.end - self.request.start).days + 1

    def rules(self) -> list[dict[str, Any]]:
        return by_rule(self.differences)

    def to_json(self) -> dict[str, Any]:
        request = self.request
        return {"from": request.start.isoformat(), "to": request.end.isoformat(), "catalog": request.catalog,
                "parameters": [v.to_json() for v in request.parameters], "days": self.days,
                "households": self.households, "events": self.events, "evaluations": self.evaluations,
                "failures": self.failures, "seconds": round(self.seconds, 3), "rules": self.rules()}


def scratch_alerts() -> AlertsApp:
    """A throw-away alerts application in memory: the replay never writes to the live stores."""
    return AlertsApp(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


def run_backtest(households: HouseholdsApp, alerts: AlertsApp, request: BacktestRequest,
                 engine: Engine | None = None, progress: ProgressCallback | None = None) -> BacktestReport:
    """Replay [start, end] with the request's parameters and catalog; compare with what was raised."""
    if request.end < request.start:
        raise ValueError("--to must not be before --from")
    began = time.perf_counter()
    history = recorded_history(households, request.end)
    own_engine = engine is None
    running = EngineProcess(request.catalog) if engine is None else engine
    try:
        parameters = ParametersByDay(ParameterTable(), history.parameter_values, request.parameters)
        replay = Replay(Judge(load_catalog(request.catalog), running, parameters), parameters, scratch_alerts())
        replayed = replay.run(history, request.start, request.end, progress)
    finally:
        if own_engine:
            running.close()  # type: ignore[union-attr]
    differences = compare(actual_raises(alerts, request.start, request.end), replayed)
    return BacktestReport(request, len({o.household for o in history.observations}), history.events,
                          replay.stats.evaluations, replay.stats.failures, time.perf_counter() - began, differences)


def report_json(report: BacktestReport) -> str:
    return json.dumps(report.to_json(), ensure_ascii=False)
