"""The catalog is RULES.md: every rule id is implemented, and every scenario holds.

Scenarios are judged here directly (fold, derive, engine), the way the runner
would judge them at `as_of`; the same files go through the whole pipeline in
tests/api/cli/test_scenario.py.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Iterator

import pytest
from durable.lang import m

from domain.instants import observed_date
from domain.policy.parameters import ParameterTable
from api.cli.scenario import Scenario, check, envelopes, load
from rules.catalog import CATALOG, LAPSED_REVIEW_OVERDUE, MISSED_DIBAO, NEED_URGENT_HARDSHIP, RULES_BY_ID
from rules.engine import RuleEngine, _field_names
from domain.labels import FACT_LABELS
from rules.findings import Judge
from tests.spec_paths import ALL_SCENARIOS as FILES
from tests.spec_paths import EXAMPLE_SCENARIOS, OWN_SCENARIOS, RULES_MD

ESCALATION = "LATE.ALERT_UNHANDLED"  # escalates open alerts; not a rule over household facts
SEVERITIES = ("critical", "high", "medium", "low")


def rule_ids_in_rules_md() -> set[str]:
    """Every id in the first column of RULES.md's rule tables."""
    text = RULES_MD.read_text(encoding="utf-8")
    return set(re.findall(r"^\| `((?:NEED|MISSED|LAPSED|LATE)\.[A-Z_]+)` \|", text, re.MULTILINE))


@pytest.fixture(scope="module")
def engine() -> Iterator[RuleEngine]:
    running = RuleEngine(CATALOG)
    yield running
    running.close()


def by_household(scenario: Scenario) -> dict[str, list[dict[str, Any]]]:
    """The scenario's observations (without the closing tick), grouped by household."""
    households: dict[str, list[dict[str, Any]]] = {}
    for envelope in envelopes(scenario, accepted_only=True)[:-1]:
        households.setdefault(envelope["household"], []).append(envelope)
    return households


def open_alerts(engine: RuleEngine, scenario: Scenario, on: date | None = None) -> list[dict[str, Any]]:
    """What the runner would list as open alerts, judged on `on` (default: as_of)."""
    judge = Judge(CATALOG, engine, ParameterTable().with_values(scenario.parameters))
    return [
        {"household": h, "rule": f.rule.id, "resident": f.subject.resident, "severity": f.severity}
        for h, observations in by_household(scenario).items()
        for f in judge.judge(observations, on or scenario.as_of)
    ]


def rules_open(engine: RuleEngine, path: Path, on: date | None = None) -> set[tuple[str, str, str | None]]:
    return {(a["household"], a["rule"], a["resident"]) for a in open_alerts(engine, load(path), on)}


def test_every_rule_of_rules_md_is_in_the_catalog() -> None:
    expected = rule_ids_in_rules_md() - {ESCALATION}
    assert len(expected) == 24
    assert expected == set(RULES_BY_ID)
    assert len(CATALOG) == len(RULES_BY_ID)


def test_the_first_rule_constants_keep_their_names() -> None:
    assert (NEED_URGENT_HARDSHIP.id, MISSED_DIBAO.id, LAPSED_REVIEW_OVERDUE.id) == (
        "NEED.URGENT_HARDSHIP", "MISSED.DIBAO", "LAPSED.REVIEW_OVERDUE")


def test_every_rule_raises_in_some_scenario() -> None:
    positive = {e["rule"] for path in FILES for e in load(path).expect_alerts}
    assert set(RULES_BY_ID) <= positive


@pytest.mark.parametrize("rule_id", sorted(RULES_BY_ID))
def test_every_rule_has_its_own_scenario_file(rule_id: str) -> None:
    stem = rule_id.lower().replace(".", "-").replace("_", "-")
    own = [p for p in OWN_SCENARIOS.glob(f"{stem}*.yaml") if rule_id in p.read_text(encoding="utf-8")]
    assert own, f"no tests/scenarios/{stem}*.yaml about {rule_id}"


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_scenario(engine: RuleEngine, path: Path) -> None:
    scenario = load(path)
    assert scenario.expect_alerts or scenario.expect_no_alerts
    late = [s["at"] for s in scenario.steps if observed_date(s["at"]) > scenario.as_of]
    assert not late, "the pipeline judges at the latest observation: keep every step on or before as_of"
    assert check(scenario, open_alerts(engine, scenario)) == []


def test_elderly_severity_escalates_at_80_living_alone(engine: RuleEngine) -> None:
    scenario = load(OWN_SCENARIOS / "need-elderly-not-on-roster.yaml")
    found = {a["resident"]: a["severity"] for a in open_alerts(engine, scenario)
             if a["rule"] == "NEED.ELDERLY_NOT_ON_ROSTER"}
    assert found == {"EN-1-1": "high", "EN-2-1": "medium", "EN-3-1": "high", "EN-4-1": "medium",
                     "EN-5-1": "medium"}


@pytest.mark.parametrize(
    ("path", "before", "alert"),
    [
        (OWN_SCENARIOS / "missed-orphan-enrolment-clears.yaml", date(2025, 6, 1), ("OC-1", "MISSED.ORPHAN", "OC-1-2")),
        (EXAMPLE_SCENARIOS / "enrolment-clears-alert.yaml", date(2025, 9, 1), ("CQ-0002", "MISSED.DIBAO", None)),
        (OWN_SCENARIOS / "need-elderly-not-on-roster.yaml", date(2025, 10, 1),
         ("EN-6", "NEED.ELDERLY_NOT_ON_ROSTER", "EN-6-1")),
    ],
)
def test_enrolment_clears_what_held_before_it(
    engine: RuleEngine, path: Path, before: date, alert: tuple[str, str, str | None]
) -> None:
    assert alert in rules_open(engine, path, before)
    assert alert not in rules_open(engine, path)


@pytest.mark.parametrize(
    ("path", "before", "alert"),
    [
        (OWN_SCENARIOS / "missed-dibao-death-rescreens.yaml", date(2025, 9, 1), ("DR-1", "MISSED.DIBAO", None)),
        (OWN_SCENARIOS / "need-child-without-carer.yaml", date(2025, 8, 31),
         ("CC-1", "NEED.CHILD_WITHOUT_CARER", "CC-1-2")),
    ],
)
def test_a_death_rescreens_the_survivors(
    engine: RuleEngine, path: Path, before: date, alert: tuple[str, str, str | None]
) -> None:
    assert alert not in rules_open(engine, path, before)
    assert alert in rules_open(engine, path)


def test_a_resumed_dibao_with_missed_payments_has_a_gap_again(engine: RuleEngine) -> None:
    """Unpaid April and May: a gap; suspended from 06-20: none; resumed 08-01, August and September unpaid: again."""
    path, gap = OWN_SCENARIOS / "lapsed-payment-gap-resumed.yaml", ("RS-1", "LAPSED.PAYMENT_GAP", None)
    assert gap in rules_open(engine, path, date(2025, 6, 10))
    assert gap not in rules_open(engine, path, date(2025, 7, 10))
    assert gap not in rules_open(engine, path, date(2025, 9, 10))  # August alone since the resumption
    assert gap in rules_open(engine, path)


def test_a_comparison_with_an_unknown_field_does_not_hold() -> None:
    """durable_rules alone would hold `m.a < m.b` with `b` missing; the engine guards it."""
    rule = replace(MISSED_DIBAO, id="TEST.BELOW", condition=lambda m: (m.a < m.b) | (m.c == True))  # noqa: E712
    running = RuleEngine([rule])
    try:
        facts = [{"id": "known", "a": 1, "b": 2}, {"id": "no-b", "a": 1}, {"id": "no-b-but-c", "a": 1, "c": True}]
        matches = running.evaluate([dict(f, subject="household") for f in facts])
    finally:
        running.close()
    assert sorted(match.fact_id for match in matches) == ["known", "no-b-but-c"]


def test_an_unconfigured_standard_is_missing_not_zero(engine: RuleEngine) -> None:
    scenario = load(OWN_SCENARIOS / "missed-dibao-unconfigured-standard.yaml")
    judge = Judge(CATALOG, engine, ParameterTable().with_values(scenario.parameters))
    facts = judge.facts(by_household(scenario)["UN-1"], scenario.as_of)
    assert "dibao.standard_monthly.urban" in facts.parameters.missing
    assert "std" not in facts.subjects[0].facts


def test_an_explanation_names_facts_parameters_and_events(engine: RuleEngine) -> None:
    scenario = load(OWN_SCENARIOS / "missed-dibao-standard-from-july.yaml")
    judge = Judge(CATALOG, engine, ParameterTable().with_values(scenario.parameters))
    observations = by_household(scenario)["ST-1"]
    [finding] = [f for f in judge.judge(observations, scenario.as_of) if f.rule.id == "MISSED.DIBAO"]
    explanation = finding.explanation
    assert explanation["facts"]["std"] == 770 and explanation["facts"]["pc_income"] == 760
    assert explanation["parameters"]["dibao.standard_monthly.urban"] == {"value": 770, "region": "50", "from": "2025-07-01"}
    assert "低保标准" in explanation["text"]["zh"] and "dibao standard" in explanation["text"]["en"]
    assert set(explanation["event_ids"]) == {o["observation_id"] for o in observations}


@pytest.mark.parametrize("rule", CATALOG, ids=[r.id for r in CATALOG])
def test_every_rule_is_complete(rule: Any) -> None:
    assert rule.severity in SEVERITIES and rule.version >= 1
    assert rule.title_en and re.search(r"[\u4e00-\u9fff]", rule.title_zh)
    condition_fields = _field_names(rule.condition(m).define()) - {"member"}
    assert condition_fields <= set(rule.reads), "explanations must show every fact the condition reads"
    assert [name for name in rule.reads if name not in FACT_LABELS] == []
    assert all(isinstance(choice, str) and choice for choice in rule.choices)
