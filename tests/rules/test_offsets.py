"""The same history sent with any UTC offset gives the same alerts (RULES.md § Vocabulary).

Gateways often send `observed_at` in UTC, phones in +08:00; every scenario is replayed with each
step's `observed_at` rewritten to the same instant in `Z` and in `-05:00`, and must give exactly
the findings of the file as written.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest

from domain.instants import instant, observed_date
from api.cli.scenario import Scenario, load
from rules.catalog import CATALOG
from rules.engine import RuleEngine
from tests.rules.test_catalog import open_alerts
from tests.spec_paths import ALL_SCENARIOS, OWN_SCENARIOS

OFFSETS = {"Z": timezone.utc, "-05:00": timezone(timedelta(hours=-5))}


@pytest.fixture(scope="module")
def engine() -> Iterator[RuleEngine]:
    running = RuleEngine(CATALOG)
    yield running
    running.close()


def in_offset(scenario: Scenario, offset: timezone) -> Scenario:
    """The scenario with every step's `observed_at` written as the same instant in `offset`."""
    steps = [dict(step, at=instant(step["at"]).astimezone(offset).isoformat()) for step in scenario.steps]
    return replace(scenario, steps=steps)


def alerts(engine: RuleEngine, scenario: Scenario) -> set[tuple[str, str, str | None, str]]:
    return {(a["household"], a["rule"], a["resident"], a["severity"]) for a in open_alerts(engine, scenario)}


def test_rewriting_keeps_the_instant_and_the_china_date_but_not_the_text() -> None:
    scenario = load(OWN_SCENARIOS / "need-emergency.yaml")
    rewritten = in_offset(scenario, OFFSETS["-05:00"])
    pairs = list(zip(scenario.steps, rewritten.steps))
    assert all(instant(a["at"]) == instant(b["at"]) and observed_date(a["at"]) == observed_date(b["at"]) for a, b in pairs)
    assert all(b["at"].endswith("-05:00") for _, b in pairs)
    assert any(instant(b["at"]).date() != observed_date(b["at"]) for _, b in pairs)  # the text's own date differs


@pytest.mark.parametrize("offset", sorted(OFFSETS))
@pytest.mark.parametrize("path", ALL_SCENARIOS, ids=[p.name for p in ALL_SCENARIOS])
def test_the_same_history_in_another_offset_gives_the_same_alerts(engine: RuleEngine, path: Path, offset: str) -> None:
    scenario = load(path)
    expected = alerts(engine, scenario)
    assert alerts(engine, in_offset(scenario, OFFSETS[offset])) == expected

