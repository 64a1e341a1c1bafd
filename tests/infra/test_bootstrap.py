"""The composition root builds exactly the components a process runs, and nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infra.bootstrap import COMPONENTS, bootstrap
from infra.settings import Settings, SettingsError
from tests.faults.served import Served


def names(runtime: Any) -> set[str]:
    return {c.name for c in runtime.components}


def test_an_api_only_process_has_no_engine_no_kafka_clients_and_no_broker(tmp_path: Path) -> None:
    runtime = bootstrap(Settings(data_dir=tmp_path), [])
    assert runtime.components == [] and runtime.kafka is None
    assert runtime.worker is None and runtime.relay is None and runtime.kafka_intake is None
    assert runtime.start().health() == {"status": "ok", "down": [], "lagging": [], "max_lag": 5000, "kafka": None,
                                        "components": {}}
    runtime.stop()


def test_projections_alone_need_no_broker(tmp_path: Path) -> None:
    runtime = bootstrap(Settings(data_dir=tmp_path), ["projections"])
    assert names(runtime) == {"projections"} and runtime.kafka is None
    runtime.stop()


def test_rules_bring_their_engine_and_the_embedded_broker(tmp_path: Path) -> None:
    runtime = bootstrap(Settings(data_dir=tmp_path), ["rules"])
    try:
        assert names(runtime) == {"broker", "engine", "rules"} and runtime.worker is not None
    finally:
        runtime.stop()


def test_the_rule_worker_keeps_as_many_folds_as_the_setting_says(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QIANSHAO_FOLDS_KEPT", "175000")  # a city's households per worker
    runtime = bootstrap(Settings(data_dir=tmp_path), ["rules"])
    try:
        assert runtime.worker is not None and runtime.worker.folds.size == 175_000
    finally:
        runtime.stop()


@pytest.mark.parametrize("value", ["0", "-3", "many", ""])
def test_a_bad_number_of_kept_folds_is_refused_by_name(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QIANSHAO_FOLDS_KEPT", value)
    with pytest.raises(SettingsError, match="QIANSHAO_FOLDS_KEPT"):
        Settings()


def test_the_reports_component_warms_the_reports_the_pages_read(tmp_path: Path) -> None:
    """Alone (no broker), it computes the district's reports and walks the logs in its loop, shown in
    `/health` with how often it did."""
    from tests.conftest import poll_until

    runtime = bootstrap(Settings(data_dir=tmp_path), ["reports"]).start()
    try:
        assert names(runtime) == {"reports"} and runtime.kafka is None
        health = poll_until(lambda: (h := runtime.health()["components"]["reports"])["warmed"] and h,
                            timeout=30, message="a warm-up")
        assert health["status"] == "up" and health["errors"] == 0
        assert {key[0] for key in runtime.services.reports._reports} >= {"equity", "dashboard"}
    finally:
        runtime.stop()


def test_an_external_kafka_means_no_embedded_broker(tmp_path: Path, broker: Any) -> None:
    runtime = bootstrap(Settings(data_dir=tmp_path, kafka_bootstrap=broker.bootstrap), ["relay"])
    assert names(runtime) == {"relay"} and runtime.kafka == broker.bootstrap
    runtime.stop()


def test_an_unknown_component_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown components: worker"):
        bootstrap(Settings(data_dir=tmp_path), ["worker"])
    assert "scheduler" in COMPONENTS


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_serve_only_api_runs_no_child_processes(tmp_path: Path) -> None:
    served = Served(tmp_path, only="api").start()
    try:
        health = served.health()
        assert health is not None and health["http_status"] == 200 and health["components"] == {}
        assert served.process is not None and children_of(served.process.pid) == []
    finally:
        served.stop()
