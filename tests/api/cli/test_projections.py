"""`qianshao projections rebuild`: in place it reproduces the views; `--shadow` reports every difference."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.cryptography import AESCipher
from typer.testing import CliRunner

from domain.alerts.alert import Alert
from api.cli.main import app
from api.cli.projections import projection_sources
from infra.settings import Settings
from infra.view_cipher import view_sealer
from projections.runner import ProjectionRunner
from projections.view_store import ViewStore
from tests.infra.test_pipeline import ENROL, INCOME, REGISTER


def _live_views(data: Path) -> dict[str, Any]:
    """Real SQLite stores with a household and a closed alert, and live views projected from them."""
    settings = Settings(data_dir=data)
    sources = projection_sources(settings)
    assert all(o.status == "accepted" for o in sources["households"].accept_batch(
        [REGISTER, INCOME, ENROL]))
    alert = Alert(household="CQ-P1", slot="MISSED.DIBAO|household:CQ-P1", episode=1, rule="MISSED.DIBAO",
                  rule_version=1, category="MISSED", severity="high", subject_kind="household", subject="CQ-P1",
                  resident=None, region="500103001001", raised_on="2025-08-03",
                  explanation={"title": {"zh": "标题", "en": "title"}})
    alert.clear(on="2025-08-20", event_ids=["p-3"])
    sources["alerts"].save(alert)
    views = ViewStore(data / "views.sqlite", view_sealer(settings))
    ProjectionRunner(sources, views).run_once()
    views.close()
    return sources


def _rebuild(data: Path, *flags: str) -> Any:
    return CliRunner().invoke(app, ["projections", "rebuild", "--data", str(data), *flags])


def _sql(data: Path, statement: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(data / "views.sqlite") as db:
        return db.execute(statement).fetchall()


@pytest.mark.parametrize("key", [None, AESCipher.create_key(16)])
def test_a_shadow_rebuild_of_untouched_views_finds_no_difference(key: str | None, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Also with sealed names: their ciphertexts differ between the copies (random nonces), their contents not."""
    if key:
        monkeypatch.setenv("QIANSHAO_CIPHER_KEY", key)
    sources = _live_views(tmp_path)
    assert ("王某" in _sql(tmp_path, "SELECT members FROM households")[0][0]) is (key is None)
    result = _rebuild(tmp_path, "--shadow", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["differences"] == []
    assert report["events"] == sum(a.recorder.max_notification_id() for a in sources.values() if
                                   a.recorder.max_notification_id())
    assert report["rows"]["households"] == 1 and report["rows"]["alerts"] == 1


def test_a_shadow_rebuild_reports_edited_and_missing_rows_and_leaves_the_views_alone(tmp_path: Path) -> None:
    _live_views(tmp_path)
    _sql(tmp_path, "UPDATE alerts SET status = 'open', close_reason = NULL")
    _sql(tmp_path, "DELETE FROM households")
    result = _rebuild(tmp_path, "--shadow", "--json")
    assert result.exit_code == 1
    differences = {(d["view"], d["column"]): (d["live"], d["rebuilt"]) for d in json.loads(result.output)["differences"]}
    assert differences[("alerts", "status")] == ("open", "closed")
    assert differences[("alerts", "close_reason")] == (None, "condition_cleared")
    assert differences[("households", "*")] == ("missing", "present")
    assert _sql(tmp_path, "SELECT status FROM alerts") == [("open",)]  # the shadow never writes the live views
    table = _rebuild(tmp_path, "--shadow")
    assert table.exit_code == 1 and "views differ" in table.output and "condition_cleared" in table.output


def test_rebuild_in_place_restores_the_views(tmp_path: Path) -> None:
    _live_views(tmp_path)
    before = _sql(tmp_path, "SELECT * FROM alerts"), _sql(tmp_path, "SELECT * FROM households")
    _sql(tmp_path, "UPDATE alerts SET status = 'open'")
    _sql(tmp_path, "DELETE FROM households")
    result = _rebuild(tmp_path)
    assert result.exit_code == 0 and "views rebuilt" in result.output
    assert (_sql(tmp_path, "SELECT * FROM alerts"), _sql(tmp_path, "SELECT * FROM households")) == before
    assert _rebuild(tmp_path, "--shadow").exit_code == 0
