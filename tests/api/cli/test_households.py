"""`qianshao households index-ids`: a store written before the ID-number index is indexed, and running it again
changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli.main import app
from domain.households.application import HouseholdsApp
from infra.event_store import open_households
from infra.settings import Settings
from tests.domain.households.test_id_index import ANNA, BO, registration


def test_index_ids_backfills_a_store_written_before_the_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QIANSHAO_CIPHER_KEY", raising=False)
    settings = Settings(data_dir=tmp_path)
    before = HouseholdsApp(env=settings.store_env("households"), id_key=b"no index yet: its entries are elsewhere")
    before.accept_batch([registration("H1", [("R1", ANNA, "1969-01-01")]),
                         registration("H2", [("R2", BO, "1970-02-02")])])
    assert open_households(settings).person_of(ANNA) is None

    first = CliRunner().invoke(app, ["households", "index-ids", "--data", str(tmp_path)])
    assert first.exit_code == 0, first.output
    assert "households 家庭: 2; index entries written 写入索引条目: 2" in first.output
    assert open_households(settings).people_of([ANNA, BO]) == {ANNA: ("H1", "R1"), BO: ("H2", "R2")}

    again = CliRunner().invoke(app, ["households", "index-ids", "--data", str(tmp_path)])
    assert again.exit_code == 0 and "写入索引条目: 0" in again.output
