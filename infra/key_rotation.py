"""`qianshao keys rotate`: re-encrypt every store and the read views of a data directory with a new key.

Why it rewrites the hash chains: a link covers the stored (encrypted) bytes, so new ciphertext needs
new links. The chains are verified first (a broken chain is refused, so a rotation never hides an
edit) and again after; the new heads replace the old ones wherever they were noted. Each store is
rewritten in one transaction, then compacted (VACUUM), so no old ciphertext or plaintext stays in
free pages or the WAL. The views are rebuilt from the stores, sealed with the new key.

Crash safety: the new key's file is written before any store is touched and the marker names it
(`rotating_to`) until every store is done, so running the command again finishes the same rotation
(each event is opened with the old key, or is already under the new one). The old key file is kept:
backups made before the rotation still need it. Run it with the server stopped. SQLite only.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from eventsourcing.cryptography import AESCipher

from infra.at_rest import check_stores, first_states, is_plain
from infra.hash_chain import GENESIS, chain_links
from infra.integrity import open_applications, verify_all
from infra.keys import (KeyProblem, Marker, cipher_for, key_id_for, new_key, read_key_file, read_marker,
                        save_marker, write_key_file, write_marker)
from infra.settings import Settings

STORES = ("households", "alerts", "identity", "audit")


@dataclass(frozen=True)
class Rotated:
    """What a rotation did: events re-encrypted per store, the new key's file, the new chain heads."""

    events: dict[str, int]
    key_file: Path | None
    new_key: str | None  # only when the operator keeps the key (QIANSHAO_CIPHER_KEY): they must store it
    heads: dict[str, str | None]


def rotate(settings: Settings, progress: Callable[[str], None] = lambda step: None) -> Rotated:
    """Re-encrypt the data directory's stores and views with a new key (or encrypt plain ones)."""
    if settings.postgres is not None:
        raise KeyProblem("keys rotate 目前只支持 SQLite 存储", "keys rotate supports the SQLite stores only (for now)")
    old = settings.cipher_key
    check_stores(settings, _pending_states(settings))
    _refuse_broken_chains(settings)
    target, key_file = _target_key(settings)
    events = {}
    for name in STORES:
        progress(name)
        events[name] = _rotate_store(settings.data_dir / f"{name}.sqlite", old, target)
    new_settings = replace(settings, cipher_key=target)
    progress("views")
    _rebuild_views(new_settings)
    write_marker(settings.data_dir, target, key_file.stem if key_file else None)
    heads = _refuse_broken_chains(new_settings)
    return Rotated(events, key_file, None if key_file else target, heads)


def _pending_states(settings: Settings) -> dict[str, bytes]:
    """First events, for checking the current key; an interrupted rotation's stores may already be
    under the new key, so those are not judged against the old one."""
    marker = read_marker(settings.data_dir)
    return {} if marker and marker.rotating_to else first_states(settings)


def _target_key(settings: Settings) -> tuple[str, Path | None]:
    """The new key: the one an interrupted rotation was writing, else a fresh one in a new key file
    (named in the marker before any store changes). An operator who keeps the key themselves
    (QIANSHAO_CIPHER_KEY, no key file) gets the new key printed instead."""
    marker = read_marker(settings.data_dir)
    if marker is not None and marker.rotating_to:
        path = Path(marker.rotating_to)
        return read_key_file(path), path
    key = new_key()
    if settings.cipher_key is not None and marker is not None and marker.key_id is None:
        return key, None
    path = write_key_file(key_id_for(settings.data_dir), key)
    current = marker or Marker(None, "")
    save_marker(settings.data_dir, Marker(current.key_id, current.check, str(path)))
    return key, path


def _refuse_broken_chains(settings: Settings) -> dict[str, str | None]:
    apps = open_applications(settings)
    try:
        reports = verify_all({name: app.recorder for name, app in apps.items()})
    finally:
        for app in apps.values():
            app.close()
    broken = [r for r in reports if not r.ok]
    if broken:
        raise KeyProblem(f"{broken[0].application} 的哈希链已断裂：先运行 `qianshao audit verify` 查明，未轮换密钥",
                         f"the hash chain of {broken[0].application} is broken: see `qianshao audit verify`; "
                         "nothing was rotated")
    return {r.application: r.head for r in reports}


def _rotate_store(path: Path, old: str | None, new: str) -> int:
    """Re-encrypt every event of one SQLite store and relink its chain, in one transaction; then compact."""
    if not path.exists():
        return 0
    opener = cipher_for(old) if old else None
    sealer = cipher_for(new)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        rows = db.execute("SELECT rowid, originator_id, originator_version, topic, state FROM stored_events "
                          "ORDER BY rowid").fetchall()
        rewritten = [(rowid, oid, version, topic, _reencrypt(bytes(state), opener, sealer))
                     for rowid, oid, version, topic, state in rows]
        db.executemany("UPDATE stored_events SET state = ? WHERE rowid = ?", [(s, i) for i, _, _, _, s in rewritten])
        db.execute("DELETE FROM stored_events_chain")
        links = chain_links(GENESIS, rewritten)
        db.executemany("INSERT INTO stored_events_chain VALUES (?,?,?,?,?,?)",
                       [(k.notification_id, k.originator_id, k.originator_version, k.topic, k.prev_hash, k.hash)
                        for k in links])
        db.execute("COMMIT")
        _compact(db)
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()
    return len(rows)


def _reencrypt(state: bytes, opener: AESCipher | None, sealer: AESCipher) -> bytes:
    """The event under the new key: opened with the old key (or plain), or left if already under the new one."""
    try:
        plain = state if opener is None and is_plain(state) else (opener.decrypt(state) if opener else None)
    except ValueError:
        plain = None
    if plain is None:
        sealer.decrypt(state)  # already rotated by an interrupted run; anything else raises (ValueError)
        return state
    return sealer.encrypt(plain)


def _compact(db: sqlite3.Connection) -> None:
    """Leave no old bytes behind: free pages rewritten, the WAL emptied."""
    db.execute("VACUUM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _rebuild_views(settings: Settings) -> None:
    """Replay the stores into the views with the new key's sealer (views are disposable)."""
    from infra.event_store import projection_sources
    from projections.rebuild import rebuild_in_place
    from infra.view_database import open_views

    sources = projection_sources(settings)
    views = open_views(settings)
    try:
        rebuild_in_place(sources, views)
        views.compact()
    finally:
        views.close()
        for app in sources.values():
            app.close()
