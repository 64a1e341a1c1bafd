"""The catalog is RULES.md: every rule id is implemented and shown raising in a scenario.

Scenarios are judged here directly (fold, derive, engine) for speed; the same
files go through the whole pipeline in tests/infra/test_scenario_runner.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import pytest

from domain.parameters import ParameterTable
from infra.scenario import Scenario, check, envelopes, load
from rules.catalog import CATALOG, RULES_BY_ID
from rules.engine import RuleEngine
from rules.findings import Judge

from tests.spec_paths import ALL_SCENARIOS as FILES
from tests.spec_paths import OWN_SCENARIOS, RULES_MD
ESCALATION = "LATE.ALERT_UNHANDLED"  # escalates alerts; not a rule over household facts


def rule_ids_in_rules_md() -> set[str]:
    text = RULES_MD.read_text(encoding="utf-8")
    return set(re.findall(r"^\| `((?:NEED|MISSED|LAPSED|LATE)\.[A-Z_]+)` \|", text, re.MULTILINE))


@pytest.fixture(scope="module")
def engine() -> Iterator[RuleEngine]:
    running = RuleEngine(CATALOG)
    yield running
    running.close()


def judge_scenario(engine: RuleEngine, scenario: Scenario) -> list[dict[str, Any]]:
    judge = Judge(CATALOG, engine, ParameterTable().with_values(scenario.parameters))
    households: dict[str, list[dict[str, Any]]] = {}
    for envelope in envelopes(scenario)[:-1]:
        households.setdefault(envelope["household"], []).append(envelope)
    return [
        {"household": h, "rule": f.rule.id, "resident": f.subject.resident, "severity": f.severity}
        for h, observations in households.items()
        for f in judge.judge(observations, scenario.as_of)
    ]


def test_every_rule_of_rules_md_is_in_the_catalog() -> None:
    expected = rule_ids_in_rules_md() - {ESCALATION}
    assert len(expected) >= 24
    assert expected == set(RULES_BY_ID)


def test_every_rule_raises_in_some_scenario() -> None:
    positive = {e["rule"] for path in FILES for e in load(path).expect_alerts}
    assert set(RULES_BY_ID) <= positive


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_scenario(engine: RuleEngine, path: Path) -> None:
    scenario = load(path)
    assert check(scenario, judge_scenario(engine, scenario)) == []


def test_elderly_alone_at_80_is_high_severity(engine: RuleEngine) -> None:
    scenario = load(OWN_SCENARIOS / "need-elderly-roster-and-visits.yaml")
    found = [a for a in judge_scenario(engine, scenario) if a["rule"] == "NEED.ELDERLY_NOT_ON_ROSTER"]
    assert [(a["resident"], a["severity"]) for a in found] == [("EV-1-1", "high")]


def test_every_rule_has_bilingual_titles_and_known_severity() -> None:
    for rule in CATALOG:
        assert rule.title_zh and rule.title_en and rule.severity in ("critical", "high", "medium", "low")
        assert re.search(r"[\u4e00-\u9fff]", rule.title_zh)
