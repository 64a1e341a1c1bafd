"""Encryption at rest, checked before a process serves: the stores and the key must go together.

`prepare_encryption` runs before `serve` and `demo` build anything. A new data directory (no store
holds an event) gets a new key outside it (`infra/keys.py`), so encryption is on unless chosen
otherwise; an encrypted store without its key, or with another key, is refused with a message
instead of failing later on the first read. Stores written in the clear by an earlier release keep
working in the clear (with a warning) until `qianshao keys rotate` encrypts them.

Stores are judged by their first stored event: eventsourcing writes a plain event as JSON (`{…`),
an encrypted one as AES-GCM bytes, which only the right key opens.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from infra.integrity import open_applications
from infra.keys import KeyMissing, PlainStore, WrongKey, cipher_for, create_key, read_marker, write_marker
from infra.settings import Settings


@dataclass(frozen=True)
class Prepared:
    """What `prepare_encryption` did, for the banner."""

    encrypted: bool
    created: Path | None = None  # the new key file, when one was made

    def note(self) -> str:
        if self.created is not None:
            return (f"encryption at rest 静态加密: on, new key 新密钥 {self.created} "
                    "(back it up apart from the data 请与数据分开备份)")
        if self.encrypted:
            return "encryption at rest 静态加密: on 已开启"
        return ("[yellow]encryption at rest 静态加密: OFF 未开启[/] (stores written in the clear; "
                "`qianshao keys rotate` encrypts them 可用其加密)")


def is_plain(state: bytes) -> bool:
    """True for an event eventsourcing stored without a cipher (a JSON object)."""
    if not bytes(state[:1]) == b"{":
        return False
    try:
        return isinstance(json.loads(bytes(state)), dict)
    except ValueError:
        return False


def first_states(settings: Settings) -> dict[str, bytes]:
    """Each store's first stored event as it is on disk (stores with no event left out)."""
    if settings.postgres is None and not any((settings.data_dir / f"{name}.sqlite").exists()
                                             for name in ("households", "alerts", "identity", "audit")):
        return {}
    apps = open_applications(replace(settings, cipher_key=None))
    try:
        return {name: bytes(found[0].state) for name, app in apps.items()
                if (found := app.recorder.select_stored(1, 1))}
    finally:
        for app in apps.values():
            app.close()


def check_stores(settings: Settings, states: dict[str, bytes]) -> None:
    """Refuse a key that does not open a store, a key for a store in the clear, an encrypted store without key."""
    data_dir = settings.data_dir
    if settings.cipher_key is None:
        encrypted = [name for name, state in states.items() if not is_plain(state)]
        if encrypted:
            raise KeyMissing(data_dir, f"the {encrypted[0]} store is encrypted", f"{encrypted[0]} 库已加密")
        return
    cipher = cipher_for(settings.cipher_key)
    for name, state in states.items():
        if is_plain(state):
            raise PlainStore(data_dir, name)
        try:
            cipher.decrypt(state)
        except ValueError as error:
            raise WrongKey(data_dir, f"it does not open the {name} store", f"无法解开 {name} 库") from error


def prepare_encryption(settings: Settings) -> Prepared:
    """Before serving: check the key against the stores; give a new data directory a new key."""
    states = first_states(settings)
    check_stores(settings, states)
    marker = read_marker(settings.data_dir)
    if settings.cipher_key is not None:
        if marker is None:  # the operator's own key (QIANSHAO_CIPHER_KEY): remember only its check value
            write_marker(settings.data_dir, settings.cipher_key, None)
        return Prepared(encrypted=True)
    if states:
        return Prepared(encrypted=False)
    settings.cipher_key, path = create_key(settings.data_dir)
    return Prepared(encrypted=True, created=path)


def describe(settings: Settings) -> dict[str, Any]:
    """Where the key of a data directory is (for `keys show`): never the key itself."""
    marker = read_marker(settings.data_dir)
    key_file = marker.key_file() if marker else None
    return {"data": str(settings.data_dir.resolve()), "encrypted": marker is not None,
            "key_file": str(key_file) if key_file else None,
            "key_from": "QIANSHAO_CIPHER_KEY" if marker and key_file is None else ("file" if key_file else None)}
