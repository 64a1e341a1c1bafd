"""SQLite recorders that keep the hash chain in the transaction that records the events.

The links go into `<events table>_chain`. The previous hash is read after the event rows were
inserted, so this transaction already holds SQLite's write lock: no other writer (thread or
process) can slip in between, and the chain cannot fork (`prev_hash` is also UNIQUE).
Selected through `APPLICATION_RECORDER_TOPIC` / `PROCESS_RECORDER_TOPIC` (`Settings.store_env`).
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Hashable, Iterator, Sequence
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteProcessRecorder

from domain.tracked_application import NotificationHead
from infra.hash_chain import GENESIS, Link, chain_links


ID_CHUNK = 500  # ids per query (SQLite allows 32,766 parameters)


@lru_cache(maxsize=1 << 16)
def _as_uuid(text: str) -> UUID:
    return UUID(text)


class SQLiteChain:
    """Mixin for a SQLite application recorder: writes, reads and heads the chain table."""

    events_table_name: str
    datastore: Any

    @property
    def chain_table(self) -> str:
        return f"{self.events_table_name}_chain"

    def create_table(self) -> None:
        with schema_lock(self.datastore):
            super().create_table()  # type: ignore[misc]

    def construct_create_table_statements(self) -> list[str]:
        statements: list[str] = super().construct_create_table_statements()  # type: ignore[misc]
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {self.chain_table} (notification_id INTEGER PRIMARY KEY, "
            "originator_id TEXT NOT NULL, originator_version INTEGER NOT NULL, topic TEXT NOT NULL, "
            "prev_hash BLOB NOT NULL UNIQUE, hash BLOB NOT NULL)"
        )
        return statements

    def file_marks(self) -> Hashable | None:
        """What every write to the store's files changes: device, inode, size, modification and change
        times (ns) of the database file and of its write-ahead log and rollback journal (None where absent);
        None for an in-memory database. Any write, the application's or one behind its back, through
        any connection, changes at least one of them (`infra.integrity.KeptVerdicts`)."""
        path = str(self.datastore.pool.db_name)
        if self.datastore.pool.is_sqlite_memory_mode or path.startswith("file:"):
            return None
        return tuple(_stat(path + suffix) for suffix in ("", "-wal", "-journal"))

    def convert_originator_id(self, originator_id: str) -> UUID | str:
        """The library's conversion of a stored id, kept for the ids read last (an aggregate's every event
        names it again; parsing a UUID costs more than looking it up)."""
        return _as_uuid(originator_id) if self.datastore.originator_id_type == "uuid" else originator_id

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Any:
        ids = super()._insert_events(c, stored_events, **kwargs)  # type: ignore[misc]
        if stored_events:
            self._append_links(c, stored_events, list(ids))
        return ids

    def _append_links(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], ids: list[int]) -> None:
        c.execute(f"SELECT hash FROM {self.chain_table} ORDER BY notification_id DESC LIMIT 1")
        row = c.fetchone()
        events = [(i, s.originator_id, s.originator_version, s.topic, s.state) for i, s in zip(ids, stored_events)]
        links = chain_links(bytes(row[0]) if row else GENESIS, events)
        c.executemany(
            f"INSERT INTO {self.chain_table} VALUES (?,?,?,?,?,?)",
            [(k.notification_id, k.originator_id, k.originator_version, k.topic, k.prev_hash, k.hash) for k in links],
        )

    def latest_versions(self, originator_ids: Sequence[Any]) -> dict[Any, int]:
        """The last stored version of each of `originator_ids` that has events: one query for a whole batch,
        where looking each up would read them one by one (`TrackedApplication.stored_versions`)."""
        by_text = {i.hex if isinstance(i, UUID) else str(i): i for i in originator_ids}  # as eventsourcing stores
        texts, found = list(by_text), {}
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(texts), ID_CHUNK):
                part = texts[start:start + ID_CHUNK]
                # One index probe per id (a scalar MAX on the key's leading column): `GROUP BY originator_id`
                # read every event of each, so a batch cost grew with the households' histories.
                c.execute(f"WITH ids(id) AS (VALUES {', '.join('(?)' for _ in part)}) "
                          f"SELECT id, (SELECT MAX(originator_version) FROM {self.events_table_name} "
                          "WHERE originator_id = ids.id) FROM ids", part)
                found.update((by_text[row[0]], int(row[1])) for row in c.fetchall() if row[1] is not None)
        return found

    def select_heads(self, start: int, limit: int, stop: int | None = None,
                     topics: Sequence[str] = ()) -> list[NotificationHead]:
        """`select_notifications` without the events' state: which aggregate each notification is of, for a
        reader that reads the aggregates themselves (the rule worker's catch-up: 50,000 states a chunk)."""
        clauses, params = ["rowid >= ?"], [start]
        if stop is not None:
            clauses.append("rowid <= ?")
            params.append(stop)
        if topics:
            clauses.append(f"topic IN ({', '.join('?' for _ in topics)})")
            params.extend(topics)  # type: ignore[arg-type]
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT rowid, originator_id, originator_version, topic FROM {self.events_table_name} "
                      f"WHERE {' AND '.join(clauses)} ORDER BY rowid LIMIT ?", [*params, limit])
            return [NotificationHead(row[0], _as_uuid(row[1]), row[2], row[3]) for row in c.fetchall()]

    def select_histories(self, originator_ids: Sequence[Any]) -> dict[Any, list[StoredEvent]]:
        """Every stored event of each of `originator_ids` that has any, in version order, in one query per
        500 ids: a cold rule worker judging a batch would otherwise read each household on its own."""
        by_text = {i.hex if isinstance(i, UUID) else str(i): i for i in originator_ids}
        texts, found = list(by_text), {}
        with self.datastore.transaction(commit=False) as c:
            for start in range(0, len(texts), ID_CHUNK):
                part = texts[start:start + ID_CHUNK]
                c.execute(f"SELECT originator_id, originator_version, topic, state FROM {self.events_table_name} "
                          f"WHERE originator_id IN ({', '.join('?' for _ in part)}) "
                          "ORDER BY originator_id, originator_version", part)
                for row in c.fetchall():
                    wanted = by_text[row["originator_id"]]
                    found.setdefault(wanted, []).append(StoredEvent(wanted, row["originator_version"], row["topic"],
                                                                    row["state"]))
        return found

    def select_stored(self, start: int, limit: int) -> list[Notification]:
        """Stored events with notification id >= start, as they are (no id conversion: a forged row is
        still read)."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT rowid, originator_id, originator_version, topic, state FROM {self.events_table_name} "
                      "WHERE rowid >= ? ORDER BY rowid LIMIT ?", (start, limit))
            return [Notification(id=r["rowid"], originator_id=r["originator_id"],
                                 originator_version=r["originator_version"], topic=r["topic"], state=r["state"])
                    for r in c.fetchall()]

    def select_stored_rows(self, start: int, limit: int) -> list[Any]:
        """`select_stored` as plain rows `(rowid, originator_id, originator_version, topic, state)`, for the
        integrity walk (which reads every event and needs no objects)."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT rowid, originator_id, originator_version, topic, state FROM {self.events_table_name} "
                      "WHERE rowid >= ? ORDER BY rowid LIMIT ?", (start, limit))
            return list(c.fetchall())

    def select_link_rows(self, start: int, limit: int) -> list[Any]:
        """`select_links` as plain rows `(notification_id, originator_id, originator_version, topic, prev_hash,
        hash)`."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT notification_id, originator_id, originator_version, topic, prev_hash, hash FROM "
                      f"{self.chain_table} WHERE notification_id >= ? ORDER BY notification_id LIMIT ?", (start, limit))
            return list(c.fetchall())

    def select_links(self, start: int, limit: int) -> list[Link]:
        """Links with notification id >= start, in order."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT * FROM {self.chain_table} WHERE notification_id >= ? ORDER BY notification_id "
                      "LIMIT ?", (start, limit))
            return [_link(row) for row in c.fetchall()]

    def chain_head(self) -> Link | None:
        """The last link: publish or note its hash to detect a rewritten or truncated log later."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT * FROM {self.chain_table} ORDER BY notification_id DESC LIMIT 1")
            row = c.fetchone()
            return _link(row) if row else None


def _stat(path: str) -> tuple[int, int, int, int, int] | None:
    """Device, inode, size, modification and change times (ns); the change time cannot be set back by
    `touch` or `utime`, only with the system's clock."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns


def _link(row: Any) -> Link:
    return Link(row["notification_id"], row["originator_id"], row["originator_version"], row["topic"],
                bytes(row["prev_hash"]), bytes(row["hash"]))


@contextmanager
def schema_lock(datastore: Any) -> Iterator[None]:
    """Hold `<database>.schema-lock` exclusively (for an in-memory database, nothing) while a store creates its
    tables, as PostgreSQL's recorders hold an advisory lock (`chained_postgres.SCHEMA_LOCK`). Why:
    eventsourcing's process recorder records its tracking table's migration when it finds no such table; two
    processes starting together on a fresh data directory both found none, and the second died refused."""
    path = str(datastore.pool.db_name)
    if datastore.pool.is_sqlite_memory_mode or path.startswith("file:"):
        yield
        return
    try:
        lock = open(path + ".schema-lock", "a")  # noqa: SIM115 - closed below
    except OSError:  # a read-only directory: no table can be created there, and none is raced for
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class ChainedSQLiteApplicationRecorder(SQLiteChain, SQLiteApplicationRecorder):
    """The households, identity and audit stores on SQLite."""


class ChainedSQLiteProcessRecorder(SQLiteChain, SQLiteProcessRecorder):
    """The alerts store on SQLite (events, tracking records and links in one transaction)."""
