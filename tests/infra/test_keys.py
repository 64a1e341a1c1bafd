"""Keys at rest on real SQLite stores: a new data directory gets a key outside it, a store and a key
that do not go together are refused, rotation re-encrypts and relinks every store; and the proxies
trusted with X-Forwarded-For come only from the setting."""

from __future__ import annotations

import json
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from eventsourcing.cryptography import AESCipher

from infra.at_rest import first_states, is_plain, prepare_encryption
from infra.event_store import open_households
from infra.http_server import server_config
from infra.integrity import open_applications, verify_all
from infra.key_rotation import rotate
from infra.keys import (MARKER, KeyMissing, PlainStore, RotationUnfinished, WrongKey, key_dir, read_marker,
                        resolve_key)
from infra.settings import Settings, SettingsError, parse_trusted_proxies

REGISTER = {
    "observation_id": "k-1", "informant": "x", "observed_at": "2026-11-02T09:00:00+08:00",
    "kind": "household.registered", "household": "CQ-K1",
    "data": {"region": "500103001001", "grid": "500103001001-03", "address": "渝中区和平巷17号", "hukou": "urban",
             "members": [{"resident": "CQ-K1-1", "name": "欧阳明华", "sex": "F", "birth_date": "1969-11-05",
                          "relation": "head"}]},
}


@pytest.fixture(autouse=True)
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QIANSHAO_KEY_DIR", str(tmp_path / "keys"))
    monkeypatch.delenv("QIANSHAO_CIPHER_KEY", raising=False)
    return tmp_path / "keys"


def _register(settings: Settings) -> None:
    households = open_households(settings)
    assert households.accept(REGISTER).status == "accepted"
    households.close()


def _address_in_files(data: Path) -> bool:
    return any(REGISTER["data"]["address"].encode() in p.read_bytes()  # type: ignore[index]
               for p in data.glob("households.sqlite*"))


def test_a_new_data_directory_gets_a_key_outside_it_found_again_by_from_env(tmp_path: Path, keys: Path) -> None:
    data = tmp_path / "var"
    settings = Settings.from_env(data_dir=data)
    prepared = prepare_encryption(settings)
    assert prepared.created is not None and prepared.created.parent == keys == key_dir()
    assert stat.S_IMODE(prepared.created.stat().st_mode) == 0o600
    assert settings.cipher_key == prepared.created.read_text().strip()
    _register(settings)
    assert not _address_in_files(data)
    assert Settings.from_env(data_dir=data).cipher_key == settings.cipher_key
    assert prepare_encryption(Settings.from_env(data_dir=data)).created is None  # once per data directory


def test_an_encrypted_directory_without_its_key_or_with_another_is_refused(tmp_path: Path, keys: Path) -> None:
    data = tmp_path / "var"
    settings = Settings.from_env(data_dir=data)
    prepare_encryption(settings)
    _register(settings)
    with pytest.raises(WrongKey):
        resolve_key(data, AESCipher.create_key(32))
    [key_file] = keys.iterdir()
    key_file.rename(tmp_path / "elsewhere.key")
    with pytest.raises(KeyMissing) as missing:
        Settings.from_env(data_dir=data)
    assert "找不到它的密钥" in missing.value.message_zh and str(key_file) in missing.value.message
    (data / MARKER).unlink()  # without the marker, the store itself tells
    with pytest.raises(WrongKey):
        prepare_encryption(replace(settings, cipher_key=AESCipher.create_key(32)))
    with pytest.raises(KeyMissing):
        prepare_encryption(replace(settings, cipher_key=None))
    prepare_encryption(settings)  # the right key (the operator's own now) passes and writes the marker again
    marker = read_marker(data)
    assert marker is not None and marker.key_id is None and marker.fits(settings.cipher_key or "")


def test_a_store_written_in_the_clear_stays_in_the_clear_and_refuses_a_key(tmp_path: Path) -> None:
    data = tmp_path / "var"
    _register(Settings(data_dir=data, cipher_key=None))
    settings = Settings.from_env(data_dir=data)
    assert prepare_encryption(settings).encrypted is False and settings.cipher_key is None
    assert all(is_plain(state) for state in first_states(settings).values())
    with pytest.raises(PlainStore):
        prepare_encryption(replace(settings, cipher_key=AESCipher.create_key(32)))


def _chains_ok(settings: Settings) -> int:
    apps = open_applications(settings)
    reports = verify_all({name: app.recorder for name, app in apps.items()})
    for app in apps.values():
        app.close()
    assert all(r.ok for r in reports), reports
    return sum(r.events for r in reports)


def _read_back(settings: Settings) -> str:
    households = open_households(settings)
    try:
        events = [households.mapper.to_domain_event(n) for n in households.recorder.select_notifications(1, 10)]
    finally:
        households.close()
    return repr([vars(e) for e in events])


def test_rotation_re_encrypts_every_event_and_relinks_the_chains(tmp_path: Path) -> None:
    data = tmp_path / "var"
    settings = Settings.from_env(data_dir=data)
    prepare_encryption(settings)
    _register(settings)
    events, before = _chains_ok(settings), first_states(settings)
    done = rotate(Settings.from_env(data_dir=data, rotating=True))
    rotated = Settings.from_env(data_dir=data)
    assert rotated.cipher_key != settings.cipher_key and done.key_file is not None
    assert "欧阳明华" in _read_back(rotated) and _chains_ok(rotated) == events
    assert all(first_states(rotated)[name] != state for name, state in before.items())
    with pytest.raises(ValueError):
        _read_back(settings)  # the old key opens nothing any more
    assert not _address_in_files(data)


def test_rotation_encrypts_a_store_written_in_the_clear(tmp_path: Path) -> None:
    data = tmp_path / "var"
    _register(Settings(data_dir=data, cipher_key=None))
    assert _address_in_files(data)
    rotate(Settings.from_env(data_dir=data, rotating=True))
    encrypted = Settings.from_env(data_dir=data)
    assert encrypted.cipher_key is not None and "欧阳明华" in _read_back(encrypted)
    assert not _address_in_files(data) and _chains_ok(encrypted) > 0


def test_an_interrupted_rotation_is_finished_by_running_it_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import infra.key_rotation as rotation

    data = tmp_path / "var"
    settings = Settings.from_env(data_dir=data)
    prepare_encryption(settings)
    _register(settings)
    real = rotation._rotate_store
    monkeypatch.setattr(rotation, "_rotate_store",
                        lambda path, old, new: real(path, old, new) if "households" in path.name else 1 / 0)
    with pytest.raises(ZeroDivisionError):
        rotate(Settings.from_env(data_dir=data, rotating=True))  # households done, alerts not
    with pytest.raises(RotationUnfinished):
        Settings.from_env(data_dir=data)
    monkeypatch.setattr(rotation, "_rotate_store", real)
    rotate(Settings.from_env(data_dir=data, rotating=True))
    finished = Settings.from_env(data_dir=data)
    assert "欧阳明华" in _read_back(finished) and _chains_ok(finished) > 0
    assert "rotating_to" not in json.loads((data / MARKER).read_text())


def test_x_forwarded_for_is_read_only_from_the_listed_proxies() -> None:
    assert parse_trusted_proxies(None) == () and parse_trusted_proxies(" ") == ()
    assert parse_trusted_proxies("10.0.0.1, 192.168.0.0/16,::1") == ("10.0.0.1", "192.168.0.0/16", "::1")
    with pytest.raises(SettingsError) as bad:
        parse_trusted_proxies("10.0.0.1,*")
    assert "不是 IP 地址或网段" in bad.value.message_zh
    assert server_config(object(), "127.0.0.1", 8000).proxy_headers is False
    listed = server_config(object(), "127.0.0.1", 8000, ("10.0.0.1",))
    assert listed.proxy_headers is True and listed.forwarded_allow_ips == ["10.0.0.1"]
