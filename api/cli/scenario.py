"""Scenario files (DESIGN.md § Scenarios): small stories with the alerts they must produce.

Each file is replayed through the real pipeline — intake, event store, relay,
Kafka, rule worker, alert store, projections — into a fresh store, then a
`clock.tick` for `as_of` is applied and the open alerts are compared with the
expectations.

A step intake must refuse says so with `rejected: {field: data.date, status: 422}`
(`status` optional): the scenario fails if that step is accepted, or refused
for another field or status; any other refusal fails it too.
"""

from __future__ import annotations

import random
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

import yaml

from domain.households.clock import TICK_NAMESPACE, tick  # noqa: F401 - tick is part of the runner's vocabulary
from domain.policy.parameters import START_OF_TIME, ParameterTable, ParameterValue
from domain.region_codes import InvalidRegionCode, region_scope
from infra.kafka.broker import EmbeddedBroker
from infra.bootstrap import bootstrap
from infra.runtime import Runtime
from infra.settings import Settings
from rules.engine_process import EngineProcess

SCENARIO_NAMESPACE = TICK_NAMESPACE  # scenario step ids and ticks share one namespace, as they always did


class ScenarioError(ValueError):
    """A scenario file that cannot be run, with the reason."""


@dataclass
class Scenario:
    path: Path
    name: str
    region: str
    as_of: date
    parameters: list[ParameterValue]
    steps: list[dict[str, Any]]
    expect_alerts: list[dict[str, Any]]
    expect_no_alerts: list[dict[str, Any]]

    def rejections(self) -> dict[str, dict[str, Any]]:
        """observation id -> the refusal expected (`field`, optional `status`), for steps marked `rejected`."""
        return {step_id(self, index): step["rejected"] for index, step in enumerate(self.steps) if step.get("rejected")}


@dataclass
class ScenarioResult:
    scenario: Scenario
    open_alerts: list[dict[str, Any]]
    failures: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures and not self.rejected

    def to_json(self) -> dict[str, Any]:
        return {"file": str(self.scenario.path), "passed": self.passed, "open_alerts": self.open_alerts}


def _plain(value: Any) -> Any:
    """YAML dates and timestamps back to ISO strings, as the intake expects them."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _parameter_values(region: str, raw: dict[str, Any] | None) -> list[ParameterValue]:
    scope = region_scope(region)
    values = []
    for name, spec in (raw or {}).items():
        dated = spec if isinstance(spec, list) and spec and isinstance(spec[0], dict) and "from" in spec[0] else None
        if dated is None:
            values.append(ParameterValue(name, scope, START_OF_TIME, _plain(spec), "scenario"))
            continue
        for item in dated:
            since = item["from"] if isinstance(item["from"], date) else date.fromisoformat(str(item["from"]))
            values.append(ParameterValue(name, scope, since, _plain(item["value"]), "scenario"))
    return values


def load(path: Path) -> Scenario:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ScenarioError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(raw, dict):
        raise ScenarioError(f"{path}: a scenario is a mapping")
    missing = [k for k in ("name", "region", "as_of", "steps") if k not in raw]
    if missing:
        raise ScenarioError(f"{path}: missing {', '.join(missing)}")
    as_of = raw["as_of"] if isinstance(raw["as_of"], date) else date.fromisoformat(str(raw["as_of"]))
    expect = raw.get("expect") or {}
    try:
        parameters = _parameter_values(str(raw["region"]), raw.get("parameters"))
    except InvalidRegionCode as error:
        raise ScenarioError(f"{path}: region: {error.message_zh} / {error.message}") from error
    return Scenario(
        path=path,
        name=str(raw["name"]),
        region=str(raw["region"]),
        as_of=as_of,
        parameters=parameters,
        steps=[_plain(step) for step in raw["steps"] or []],
        expect_alerts=[_plain(e) for e in expect.get("alerts") or []],
        expect_no_alerts=[_plain(e) for e in expect.get("no_alerts") or []],
    )


def step_id(scenario: Scenario, index: int) -> str:
    """The stable observation id of a step."""
    return str(uuid.uuid5(SCENARIO_NAMESPACE, f"{scenario.path.name}:{index}"))


def envelopes(scenario: Scenario, *, accepted_only: bool = False) -> list[dict[str, Any]]:
    """Steps as intake envelopes, with stable observation ids, then the closing tick; with
    `accepted_only`, without the steps intake must refuse (what the store would hold)."""
    out = []
    for index, step in enumerate(scenario.steps):
        if accepted_only and step.get("rejected"):
            continue
        out.append(
            {
                "observation_id": step_id(scenario, index),
                "informant": step.get("informant", "scenario"),
                "observed_at": step["at"],
                "kind": step["kind"],
                "household": step.get("household"),
                "resident": step.get("resident"),
                "data": step.get("data") or {},
            }
        )
    out.append(tick(scenario.as_of, scenario.path.name))
    return out


def shuffled(items: list[dict[str, Any]], seed: int) -> list[list[dict[str, Any]]]:
    """Registrations first, then every other observation alone in a random order, the tick last."""
    registrations = [i for i in items if i["kind"] in ("household.registered", "resident.joined")]
    others = [i for i in items[:-1] if i not in registrations]
    random.Random(seed).shuffle(others)
    return [registrations, *([i] for i in others), [items[-1]]]


def check_rejections(scenario: Scenario, refused: dict[str, tuple[int, list[str]]]) -> list[str]:
    """Differences between the refusals expected and those intake gave (observation id -> status,
    fields), in words."""
    failures = []
    expected = scenario.rejections()
    steps = {step_id(scenario, index): index + 1 for index in range(len(scenario.steps))}
    for oid, want in expected.items():
        got = refused.get(oid)
        if got is None:
            failures.append(f"step {steps[oid]} was accepted; expected a refusal at {want['field']}")
        elif want["field"] not in got[1] or got[0] != want.get("status", got[0]):
            failures.append(f"step {steps[oid]} refused with {got[0]} at {', '.join(got[1])}; "
                            f"expected {want.get('status', 'a refusal')} at {want['field']}")
    return failures


def _matches(alert: dict[str, Any], expected: dict[str, Any]) -> bool:
    if alert["household"] != expected.get("household") or alert["rule"] != expected.get("rule"):
        return False
    return expected.get("resident") is None or alert["resident"] == expected["resident"]


def check(scenario: Scenario, open_alerts: list[dict[str, Any]]) -> list[str]:
    """Differences between the open alerts and the expectations, in words."""
    failures = []
    for expected in scenario.expect_alerts:
        if not any(_matches(a, expected) for a in open_alerts):
            failures.append(f"missing alert {expected}")
    for unexpected in scenario.expect_no_alerts:
        for alert in open_alerts:
            if _matches(alert, unexpected):
                failures.append(f"unexpected alert {alert['rule']} for {alert['household']}/{alert['resident']}")
    return failures


SCENARIO_COMPONENTS = frozenset({"relay", "projections", "rules"})


class ScenarioRunner:
    """Runs scenario files through the real pipeline, sharing one broker and one engine."""

    def __init__(self, bootstrap: str | None = None) -> None:
        self._broker = None if bootstrap else EmbeddedBroker().start()
        self.bootstrap = bootstrap or self._broker.bootstrap  # type: ignore[union-attr]
        self.engine = EngineProcess()
        self._runs = 0

    def run(self, scenario: Scenario, shuffle_seed: int | None = None) -> ScenarioResult:
        """Replay one scenario; with `shuffle_seed`, the field observations arrive one by one in a
        shuffled order (registrations first, as intake needs the household to exist)."""
        self._runs += 1
        with tempfile.TemporaryDirectory(prefix="qianshao-scenario-") as tmp:
            settings = Settings(data_dir=Path(tmp), kafka_bootstrap=self.bootstrap, partitions=2)
            settings.topic_prefix = f"scn{uuid.uuid4().hex[:8]}-"
            runtime = bootstrap(
                settings,
                SCENARIO_COMPONENTS,
                parameters=ParameterTable().with_values(scenario.parameters),
                group_consumers=False,
                engine=self.engine,
            ).start()
            try:
                items = envelopes(scenario)
                batches = [items] if shuffle_seed is None else shuffled(items, shuffle_seed)
                refused = {oid: found for batch in batches for oid, found in self._send(runtime, batch).items()}
                runtime.drain()
                open_alerts = self._open_alerts(runtime)
            finally:
                runtime.stop()
        return ScenarioResult(scenario, open_alerts, check(scenario, open_alerts) + check_rejections(scenario, {
            oid: (status, [field for field, _ in errors]) for oid, (status, errors) in refused.items()}),
            self._unexpected(scenario, items, refused))

    @staticmethod
    def _send(runtime: Runtime, items: list[dict[str, Any]]) -> dict[str, tuple[int, list[tuple[str, str]]]]:
        """observation id -> (status, [(field, message)]) of every item intake refused."""
        return {
            str(items[outcome.index]["observation_id"]): (outcome.http_status, [(e.field, e.message) for e in outcome.errors])
            for outcome in runtime.services.intake.accept_batch(items) if outcome.status == "rejected"
        }

    @staticmethod
    def _unexpected(scenario: Scenario, items: list[dict[str, Any]],
                    refused: dict[str, tuple[int, list[tuple[str, str]]]]) -> list[str]:
        """Refusals of steps not marked `rejected`, in words."""
        expected, order = scenario.rejections(), {str(item["observation_id"]): i + 1 for i, item in enumerate(items)}
        return [f"step {order[oid]} rejected: " + "; ".join(f"{field}: {message}" for field, message in errors)
                for oid, (_, errors) in refused.items() if oid not in expected]

    @staticmethod
    def _open_alerts(runtime: Runtime) -> list[dict[str, Any]]:
        rows = runtime.services.views.query(
            "SELECT household, rule, resident, severity, alert_id FROM alerts WHERE status = 'open'"
            " ORDER BY household, rule, resident"
        )
        return [dict(row) for row in rows]

    def run_files(self, paths: Iterable[Path]) -> list[ScenarioResult]:
        return [self.run(load(path)) for path in paths]

    def close(self) -> None:
        self.engine.close()
        if self._broker is not None:
            self._broker.stop()
