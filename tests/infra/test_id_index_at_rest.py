"""The ID-number index on an encrypted data directory: its key is kept in the households store (so nothing of
it, nor any ID number, is in the files in the clear), and a key rotation leaves it working: a number indexed
before is found after, and a lead raised before is closed by a registration after."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.leads.lead import LeadDraft
from infra.at_rest import prepare_encryption
from infra.event_store import open_households
from infra.key_rotation import rotate
from infra.settings import Settings
from tests.domain.households.test_id_index import ANNA, CHEN, registration


@pytest.fixture(autouse=True)
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QIANSHAO_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.delenv("QIANSHAO_CIPHER_KEY", raising=False)
    return tmp_path / "keys"


def test_the_index_and_its_leads_survive_a_key_rotation(tmp_path: Path) -> None:
    data = tmp_path / "var"
    settings = Settings.from_env(data_dir=data)
    prepare_encryption(settings)
    households = open_households(settings)
    households.accept(registration("H1", [("R1", ANNA, "1969-01-01")]))
    keyed = households.keyed(CHEN)
    households.raise_leads([LeadDraft("education|S9", "education", "辍学学生", "school dropout", keyed,
                                      CHEN[:2] + "*" * 16, "某某", "500103001001", None, {}, "importer", 2)])
    key = households.id_key
    households.close()
    files = b"".join(p.read_bytes() for p in data.glob("households.sqlite*"))
    assert ANNA.encode() not in files and key.hex().encode() not in files and keyed.encode() not in files

    rotate(Settings.from_env(data_dir=data, rotating=True))
    after = open_households(Settings.from_env(data_dir=data))
    assert after.id_key == key and after.person_of(ANNA) == ("H1", "R1")
    after.accept(registration("H2", [("R2", CHEN, "2010-03-03")]))
    assert after.lead("education|S9").state == "found"  # type: ignore[union-attr]
    after.close()
