"""With QIANSHAO_CIPHER_KEY set, no database file of the data directory holds a resident's name, address
or ID number in the clear, while the API (and the application) still answer with them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from eventsourcing.cryptography import AESCipher
from stdnum.cn import ric

from infra.event_store import open_households
from infra.runtime import Runtime
from infra.settings import Settings
from tests.conftest import poll_until
from tests.people import GRID, People
from tests.serving import served_pipeline

NAME, ADDRESS = "欧阳明华", "渝中区七星岗街道和平巷17号"
ID_NUMBER = "50010319691105002" + ric.calc_check_digit("50010319691105002?")  # it reads the first 17
REGISTER = {
    "observation_id": "enc-1", "informant": "x", "observed_at": "2026-11-02T09:00:00+08:00",
    "kind": "household.registered", "household": "CQ-E1",
    "data": {"region": "500103001001", "grid": GRID, "address": ADDRESS, "hukou": "urban",
             "members": [{"resident": "CQ-E1-1", "name": NAME, "sex": "F", "birth_date": "1969-11-05",
                          "relation": "head", "id_number": ID_NUMBER}]},
}
SECRETS = [NAME, ADDRESS, ID_NUMBER]


def _found(data: Path) -> dict[str, list[str]]:
    """Which secrets appear, as UTF-8 or as JSON \\u escapes, in which file (every SQLite file, WAL and SHM)."""
    files = [p for p in data.rglob("*") if p.is_file() and ".sqlite" in p.name]
    assert any(p.name == "households.sqlite" for p in files)
    found: dict[str, list[str]] = {}
    for path in files:
        raw = path.read_bytes()
        hits = [s for s in SECRETS if s.encode() in raw or json.dumps(s)[1:-1].encode() in raw]
        if hits:
            found[path.name] = hits
    return found


@pytest.fixture()
def encrypted(broker: Any, tmp_path: Path) -> Iterator[tuple[str, Runtime, People]]:
    with served_pipeline(broker, tmp_path, cipher_key=AESCipher.create_key(32)) as served:
        yield served


def test_the_files_hold_no_plaintext_while_the_api_answers(encrypted: tuple[str, Runtime, People],
                                                           tmp_path: Path) -> None:
    url, runtime, people = encrypted
    with httpx.Client(base_url=url, timeout=30) as client:
        sent = client.post("/api/v1/observations", json=REGISTER, headers=people.headers("informant"))
        assert sent.status_code == 202, sent.text
        view = poll_until(lambda: (r := client.get("/api/v1/households/CQ-E1", headers=people.headers("caseworker")))
                          .status_code == 200 and r.json(), message="the household view")
        masked = client.get("/api/v1/households/CQ-E1", headers=people.headers("auditor")).json()
    assert [m["name"] for m in view["members"]] == [NAME] and view["address"] == ADDRESS
    assert [m["name"] for m in masked["members"]] == ["欧***"]
    runtime.drain()
    stored = [runtime.households.mapper.to_domain_event(n) for n in runtime.households.recorder.select_notifications(1, 100)]
    assert any(ID_NUMBER in repr(vars(e)) for e in stored)  # the application reads the ID number back
    assert _found(tmp_path) == {}


def test_without_a_key_the_same_search_finds_them(tmp_path: Path) -> None:
    """The control: the search above does find plaintext when nothing is encrypted."""
    households = open_households(Settings(data_dir=tmp_path, cipher_key=None))
    assert households.accept(REGISTER).status == "accepted"
    found = _found(tmp_path)
    assert set().union(*(hits for name, hits in found.items() if name.startswith("households.sqlite"))) == set(SECRETS)
