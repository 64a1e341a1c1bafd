"""Order does not matter: however observations arrive, the findings at as_of are the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.parameters import ParameterTable
from infra.scenario import envelopes, load
from rules.catalog import CATALOG
from rules.engine import RuleEngine
from rules.findings import Judge
from tests.spec_paths import OWN_SCENARIOS

STORIES = [
    OWN_SCENARIOS / "lapsed-payment-exit-deceased.yaml",
    OWN_SCENARIOS / "missed-dibao-death-rescreens.yaml",
    OWN_SCENARIOS / "missed-orphan-defacto.yaml",
    OWN_SCENARIOS / "need-elderly-roster-and-visits.yaml",
]


@pytest.fixture(scope="module")
def engine() -> Iterator[RuleEngine]:
    running = RuleEngine(CATALOG)
    yield running
    running.close()


def findings(judge: Judge, observations: list[dict[str, Any]], on: Any) -> set[tuple[str, str, str]]:
    households: dict[str, list[dict[str, Any]]] = {}
    for envelope in observations:
        households.setdefault(envelope["household"], []).append(envelope)
    return {(h, f.rule.id, f.slot) for h, obs in households.items() for f in judge.judge(obs, on)}


@pytest.mark.parametrize("path", STORIES, ids=[p.name for p in STORIES])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_shuffled_arrival_gives_the_same_findings(engine: RuleEngine, path: Path, data: st.DataObject) -> None:
    scenario = load(path)
    judge = Judge(CATALOG, engine, ParameterTable().with_values(scenario.parameters))
    observations = envelopes(scenario)[:-1]
    shuffled = data.draw(st.permutations(observations))
    expected = findings(judge, observations, scenario.as_of)
    assert expected
    assert findings(judge, list(shuffled), scenario.as_of) == expected
