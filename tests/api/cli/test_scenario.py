"""Every scenario file passes through the real pipeline (intake → store → Kafka → rules → views),
and the CLI reports PASS/FAIL and JSON as DESIGN.md specifies."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from api.cli.scenario import ScenarioError, ScenarioRunner, check_rejections, load, step_id

from tests.spec_paths import ALL_SCENARIOS as FILES
from tests.spec_paths import EXAMPLE_SCENARIOS as SHARED
from tests.rules.test_offsets import OFFSETS, in_offset
from tests.spec_paths import OWN_SCENARIOS, ROOT


@pytest.fixture(scope="module")
def runner(broker: Any) -> Iterator[ScenarioRunner]:
    running = ScenarioRunner(bootstrap=broker.bootstrap)
    yield running
    running.close()


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_scenario_passes_through_the_pipeline(runner: ScenarioRunner, path: Path) -> None:
    result = runner.run(load(path))
    assert result.passed, "\n".join([*result.rejected, *result.failures])


@pytest.mark.parametrize("seed", [1, 2])
def test_arrival_order_does_not_change_the_open_alerts(runner: ScenarioRunner, seed: int) -> None:
    scenario = load(OWN_SCENARIOS / "lapsed-payment-exit-deceased.yaml")
    in_order = runner.run(scenario)
    shuffled = runner.run(scenario, shuffle_seed=seed)

    def key(alerts: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
        return {(a["household"], a["rule"], a["resident"]) for a in alerts}

    assert shuffled.passed and key(shuffled.open_alerts) == key(in_order.open_alerts)
    assert len(in_order.open_alerts) >= 3


@pytest.mark.parametrize("offset", sorted(OFFSETS))
def test_the_same_history_in_another_offset_gives_the_same_alerts_through_the_pipeline(
    runner: ScenarioRunner, offset: str
) -> None:
    scenario = load(OWN_SCENARIOS / "missed-dibao-observed-at-offsets.yaml")
    as_written, rewritten = runner.run(scenario), runner.run(in_offset(scenario, OFFSETS[offset]))

    def key(alerts: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
        return {(a["household"], a["rule"], a["resident"], a["severity"]) for a in alerts}

    assert as_written.passed and rewritten.passed, "\n".join([*rewritten.rejected, *rewritten.failures])
    assert key(rewritten.open_alerts) == key(as_written.open_alerts)
    assert {"OZ-1", "OZ-3", "OZ-6"} <= {a["household"] for a in as_written.open_alerts}


def test_an_expected_refusal_must_happen_at_the_field_and_status_named() -> None:
    scenario = load(OWN_SCENARIOS / "intake-refuses-what-cannot-have-happened.yaml")
    marked = [step_id(scenario, i) for i, step in enumerate(scenario.steps) if step.get("rejected")]
    assert len(marked) == 4
    as_expected = {oid: (int(scenario.rejections()[oid].get("status", 422)), [scenario.rejections()[oid]["field"]])
                   for oid in marked}
    assert check_rejections(scenario, as_expected) == []
    accepted = dict(list(as_expected.items())[1:])
    wrong_field = {**as_expected, marked[0]: (422, ["data.reason"])}
    wrong_status = {**as_expected, marked[0]: (404, ["data.date"])}
    assert [len(check_rejections(scenario, found)) for found in (accepted, wrong_field, wrong_status)] == [1, 1, 1]
    assert "was accepted" in check_rejections(scenario, accepted)[0]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "api.cli", "scenario", "run", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_cli_json_lines_and_exit_code(tmp_path: Path) -> None:
    example = SHARED / "missed-dibao.yaml"
    broken = tmp_path / "broken.yaml"
    broken.write_text(example.read_text(encoding="utf-8").replace("rule: MISSED.LOW_INCOME_EDGE", "rule: MISSED.DIBAO"),
                      encoding="utf-8")
    done = _cli("--json", str(example), str(broken))
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert [line["passed"] for line in lines] == [True, False]
    assert {"household": "CQ-0001", "rule": "MISSED.DIBAO"}.items() <= lines[0]["open_alerts"][0].items()
    assert done.returncode == 1


def test_cli_prints_pass() -> None:
    done = _cli(str(SHARED / "review-overdue.yaml"))
    assert done.returncode == 0 and "PASS" in done.stdout


def _scenario_in(tmp_path: Path, region: str) -> Path:
    file = tmp_path / "town.yaml"
    file.write_text(f'name: 一个镇\nregion: "{region}"\nas_of: 2025-08-04\n'
                    "parameters: {dibao.standard_monthly.urban: 2000}\nsteps: []\n", encoding="utf-8")
    return file


def test_a_scenarios_parameters_are_keyed_by_its_region_read_by_level(tmp_path: Path) -> None:
    (value,) = load(_scenario_in(tmp_path, "500103100")).parameters
    assert (value.region, value.value) == ("500103100", 2000)  # town 100 alone, not towns 100-199


def test_a_scenario_whose_region_is_no_code_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as refused:
        load(_scenario_in(tmp_path, "500103100000"))
    assert "region" in str(refused.value) and "community or village part is 000" in str(refused.value)
    done = _cli("--json", str(_scenario_in(tmp_path, "5001031")))
    (line,) = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 1 and line["passed"] is False and "it has 7 digits" in line["error"]
