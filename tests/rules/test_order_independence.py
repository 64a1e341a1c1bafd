"""Order does not matter: however field observations arrive, the findings at as_of are the same.

Phones sync offline batches hours later, so observations reach the store in any
order; each keeps its `observed_at`, and the fold orders by it. Shuffling the
arrival order must not change a single finding or its severity.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.policy.parameters import ParameterTable
from api.cli.scenario import envelopes, load
from rules.catalog import CATALOG
from rules.engine import RuleEngine
from rules.findings import Judge
from tests.spec_paths import ALL_SCENARIOS

Finding = tuple[str, str, str]


@pytest.fixture(scope="module")
def engine() -> Iterator[RuleEngine]:
    running = RuleEngine(CATALOG)
    yield running
    running.close()


def findings(judge: Judge, observations: list[dict[str, Any]], on: Any) -> set[Finding]:
    """(household, slot, severity) of every finding, each household judged on its own observations."""
    households: dict[str, list[dict[str, Any]]] = {}
    for envelope in observations:
        households.setdefault(envelope["household"], []).append(envelope)
    return {(h, f.slot, f.severity) for h, obs in households.items() for f in judge.judge(obs, on)}


@pytest.mark.parametrize("path", ALL_SCENARIOS, ids=[p.name for p in ALL_SCENARIOS])
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_shuffled_arrival_gives_the_same_findings(engine: RuleEngine, path: Path, data: st.DataObject) -> None:
    scenario = load(path)
    judge = Judge(CATALOG, engine, ParameterTable().with_values(scenario.parameters))
    observations = envelopes(scenario, accepted_only=True)[:-1]
    expected = findings(judge, observations, scenario.as_of)
    shuffled = data.draw(st.permutations(observations))
    assert findings(judge, list(shuffled), scenario.as_of) == expected
