"""`qianshao projections rebuild`: in place it reproduces the views; `--shadow` reports every difference."""

from __future__ import annotations

import json
from typing import Any

import pytest
from eventsourcing.cryptography import AESCipher
from typer.testing import CliRunner

from domain.alerts.alert import Alert
from api.cli.main import app
from api.cli.projections import projection_sources
from infra.settings import Settings
from infra.view_database import open_views
from projections.runner import ProjectionRunner
from projections.sealing import PLAIN
from tests.infra.shared_backends import backend_settings  # noqa: F401  (the fixture, parametrized)
from tests.infra.test_pipeline import ENROL, INCOME, REGISTER


@pytest.fixture()
def deployment(backend_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The deployment the command finds from its environment: SQLite files in the data directory, or a
    fresh PostgreSQL database (`QIANSHAO_POSTGRES_*`) for stores and views alike."""
    for key, value in (backend_settings.postgres or {}).items():
        monkeypatch.setenv(f"QIANSHAO_{key}", value)
    return backend_settings


def _live_views(settings: Settings) -> dict[str, Any]:
    """Real stores with a household and a closed alert, and live views projected from them."""
    settings = Settings(data_dir=settings.data_dir, postgres=settings.postgres,
                        cipher_key=Settings.from_env(data_dir=settings.data_dir).cipher_key)
    sources = projection_sources(settings)
    assert all(o.status == "accepted" for o in sources["households"].accept_batch(
        [REGISTER, INCOME, ENROL]))
    alert = Alert(household="CQ-P1", slot="MISSED.DIBAO|household:CQ-P1", episode=1, rule="MISSED.DIBAO",
                  rule_version=1, category="MISSED", severity="high", subject_kind="household", subject="CQ-P1",
                  resident=None, region="500103001001", raised_on="2025-08-03",
                  explanation={"title": {"zh": "标题", "en": "title"}})
    alert.clear(on="2025-08-20", event_ids=["p-3"])
    sources["alerts"].save(alert)
    views = open_views(settings)
    ProjectionRunner(sources, views).run_once()
    views.close()
    return sources


def _rebuild(settings: Settings, *flags: str) -> Any:
    return CliRunner().invoke(app, ["projections", "rebuild", "--data", str(settings.data_dir), *flags])


def _sql(settings: Settings, statement: str) -> list[tuple[Any, ...]]:
    """The views as stored (sealed values sealed), through a store of their own."""
    views = open_views(settings, sealer=PLAIN)
    try:
        with views.transaction() as db:
            cursor = db.execute(statement)
            return [tuple(row) for row in cursor.fetchall()] if cursor.description else []
    finally:
        views.close()


@pytest.mark.parametrize("key", [None, AESCipher.create_key(16)])
def test_a_shadow_rebuild_of_untouched_views_finds_no_difference(key: str | None, deployment: Settings,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Also with sealed names: their ciphertexts differ between the copies (random nonces), their contents not."""
    if key:
        monkeypatch.setenv("QIANSHAO_CIPHER_KEY", key)
    sources = _live_views(deployment)
    assert ("王某" in _sql(deployment, "SELECT members FROM households")[0][0]) is (key is None)
    result = _rebuild(deployment, "--shadow", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["differences"] == []
    assert report["events"] == sum(a.recorder.max_notification_id() for a in sources.values() if
                                   a.recorder.max_notification_id())
    assert report["rows"]["households"] == 1 and report["rows"]["alerts"] == 1


def test_a_shadow_rebuild_reports_edited_and_missing_rows_and_leaves_the_views_alone(deployment: Settings) -> None:
    _live_views(deployment)
    _sql(deployment, "UPDATE alerts SET status = 'open', close_reason = NULL")
    _sql(deployment, "DELETE FROM households")
    result = _rebuild(deployment, "--shadow", "--json")
    assert result.exit_code == 1
    differences = {(d["view"], d["column"]): (d["live"], d["rebuilt"]) for d in json.loads(result.output)["differences"]}
    assert differences[("alerts", "status")] == ("open", "closed")
    assert differences[("alerts", "close_reason")] == (None, "condition_cleared")
    assert differences[("households", "*")] == ("missing", "present")
    assert _sql(deployment, "SELECT status FROM alerts") == [("open",)]  # the shadow never writes the live views
    table = _rebuild(deployment, "--shadow")
    assert table.exit_code == 1 and "views differ" in table.output and "condition_cleared" in table.output


def test_rebuild_in_place_restores_the_views(deployment: Settings) -> None:
    _live_views(deployment)
    before = _sql(deployment, "SELECT * FROM alerts"), _sql(deployment, "SELECT * FROM households")
    _sql(deployment, "UPDATE alerts SET status = 'open'")
    _sql(deployment, "DELETE FROM households")
    result = _rebuild(deployment)
    assert result.exit_code == 0 and "views rebuilt" in result.output
    assert (_sql(deployment, "SELECT * FROM alerts"), _sql(deployment, "SELECT * FROM households")) == before
    assert _rebuild(deployment, "--shadow").exit_code == 0
