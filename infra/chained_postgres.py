"""PostgreSQL recorders that keep the hash chain in the transaction that records the events.

eventsourcing takes an EXCLUSIVE lock on the events table before it inserts (so notification ids
are issued in commit order); the links are written after the insert, in the same transaction and
under that lock, so concurrent writers in any number of processes are serialised and the chain
cannot fork (`prev_hash` is also UNIQUE). The insert's RETURNING clause is widened to name each
row's originator, so every link is paired with its own event whatever order the rows come back in.
"""

from __future__ import annotations

from typing import Any, Sequence

import psycopg
from eventsourcing.persistence import Notification, ProgrammingError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresProcessRecorder
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from domain.tracked_application import NotificationHead
from infra.hash_chain import GENESIS, Link, canonical_id, chain_links

SCHEMA_LOCK = "qianshao.schema"  # one lock for every store's DDL: a few milliseconds, once per process start


class PostgresChain:
    """Mixin for a PostgreSQL application recorder: writes, reads and heads the chain table."""

    events_table_name: str
    datastore: Any
    sql_create_statements: list[Any]
    insert_events_statement: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.datastore.enable_db_functions:
            raise ProgrammingError("the hash chain needs POSTGRES_ENABLE_DB_FUNCTIONS off")
        self.chain_table = f"{self.events_table_name}_chain"
        self._table = SQL("{0}.{1}").format(Identifier(self.datastore.schema), Identifier(self.chain_table))
        self.sql_create_statements.append(SQL(
            "CREATE TABLE IF NOT EXISTS {0} (notification_id bigint PRIMARY KEY, originator_id text NOT NULL, "
            "originator_version bigint NOT NULL, topic text NOT NULL, prev_hash bytea NOT NULL UNIQUE, "
            "hash bytea NOT NULL)").format(self._table))
        self.insert_events_statement += SQL(", originator_id, originator_version")

    def create_table(self) -> None:
        """Create the tables, the row type and the tracking migration while holding an advisory lock.

        Processes starting together on a fresh database (two rule workers, two APIs) would otherwise run the
        same DDL at once, and PostgreSQL refuses one ("tuple concurrently updated", a duplicate pg_type row, a
        duplicate migration record). The lock is held on a connection of its own, outside the store's pool.
        """
        params = {k: v for k, v in self.datastore.pool.kwargs.items() if k != "row_factory"}
        with psycopg.connect(autocommit=True, **params) as lock:
            lock.execute("SELECT pg_advisory_lock(hashtext(%s))", (SCHEMA_LOCK,))
            try:
                super().create_table()  # type: ignore[misc]
            finally:
                lock.execute("SELECT pg_advisory_unlock(hashtext(%s))", (SCHEMA_LOCK,))

    def _fetch_ids_after_insert_events(self, curs: Any, stored_events: Sequence[StoredEvent], **_: Any) -> list[int]:
        rows = curs.fetchall()
        if len(rows) != len(stored_events):
            raise ProgrammingError(f"got {len(rows)} notification ids for {len(stored_events)} events")
        by_key = {(canonical_id(s.originator_id), s.originator_version): s for s in stored_events}
        events = []
        for row in rows:
            stored = by_key[(canonical_id(row["originator_id"]), row["originator_version"])]
            events.append((row["notification_id"], stored.originator_id, stored.originator_version, stored.topic,
                           stored.state))
        self._append_links(curs, events)
        return [row["notification_id"] for row in rows]

    def _append_links(self, curs: Any, events: list[tuple[int, Any, int, str, bytes]]) -> None:
        curs.execute(SQL("SELECT hash FROM {0} ORDER BY notification_id DESC LIMIT 1").format(self._table))
        row = curs.fetchone()
        links = chain_links(bytes(row["hash"]) if row else GENESIS, events)
        curs.executemany(
            SQL("INSERT INTO {0} VALUES (%s, %s, %s, %s, %s, %s)").format(self._table),
            [(k.notification_id, k.originator_id, k.originator_version, k.topic, k.prev_hash, k.hash) for k in links],
        )

    def latest_versions(self, originator_ids: Sequence[Any]) -> dict[Any, int]:
        """The last stored version of each of `originator_ids` that has events, in one query."""
        by_text = {str(i): i for i in originator_ids}
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            # One index probe per id (max() on the key's leading column becomes a LIMIT 1 scan): `GROUP BY`
            # read every event of each, so a batch cost grew with the households' histories.
            curs.execute(SQL("SELECT ids.id::text AS id, (SELECT MAX(originator_version) FROM {0}.{1} "
                             "WHERE originator_id = ids.id) AS version FROM unnest(%s::{2}[]) AS ids(id)").format(
                Identifier(self.datastore.schema), Identifier(self.events_table_name),
                Identifier(self.datastore.originator_id_type)), (list(by_text),))
            return {by_text[row["id"]]: int(row["version"]) for row in curs.fetchall() if row["version"] is not None}

    def select_histories(self, originator_ids: Sequence[Any]) -> dict[Any, list[StoredEvent]]:
        """Every stored event of each of `originator_ids` that has any, in version order, in one query: a
        cold rule worker judging a batch would otherwise read each household on its own."""
        by_text = {str(i): i for i in originator_ids}
        found: dict[Any, list[StoredEvent]] = {}
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(SQL("SELECT originator_id::text AS id, originator_version, topic, state FROM {0}.{1} "
                             "WHERE originator_id = ANY(%s::{2}[]) ORDER BY originator_id, originator_version").format(
                Identifier(self.datastore.schema), Identifier(self.events_table_name),
                Identifier(self.datastore.originator_id_type)), (list(by_text),))
            for row in curs.fetchall():
                wanted = by_text[row["id"]]
                found.setdefault(wanted, []).append(StoredEvent(wanted, row["originator_version"], row["topic"],
                                                                bytes(row["state"])))
        return found

    def select_heads(self, start: int, limit: int, stop: int | None = None,
                     topics: Sequence[str] = ()) -> list[NotificationHead]:
        """`select_notifications` without the events' state: which aggregate each notification is of, for a
        reader that reads the aggregates themselves (the rule worker's catch-up: 50,000 states a chunk)."""
        clauses, params = [SQL("notification_id >= %s")], [start]
        if stop is not None:
            clauses.append(SQL("notification_id <= %s"))
            params.append(stop)
        if topics:
            clauses.append(SQL("topic = ANY(%s)"))
            params.append(list(topics))  # type: ignore[arg-type]
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(SQL("SELECT notification_id, originator_id, originator_version, topic FROM {0}.{1} WHERE {2} "
                             "ORDER BY notification_id LIMIT %s").format(
                Identifier(self.datastore.schema), Identifier(self.events_table_name), SQL(" AND ").join(clauses)),
                [*params, limit])
            return [NotificationHead(*row) for row in curs.fetchall()]

    def select_stored(self, start: int, limit: int) -> list[Notification]:
        """Stored events with notification id >= start, as they are."""
        return list(self.select_notifications(start, limit))  # type: ignore[attr-defined]

    def select_links(self, start: int, limit: int) -> list[Link]:
        """Links with notification id >= start, in order."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(SQL("SELECT * FROM {0} WHERE notification_id >= %s ORDER BY notification_id LIMIT %s")
                         .format(self._table), (start, limit))
            return [_link(row) for row in curs.fetchall()]

    def chain_head(self) -> Link | None:
        """The last link: publish or note its hash to detect a rewritten or truncated log later."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(SQL("SELECT * FROM {0} ORDER BY notification_id DESC LIMIT 1").format(self._table))
            row = curs.fetchone()
            return _link(row) if row else None


def _link(row: Any) -> Link:
    return Link(row["notification_id"], row["originator_id"], row["originator_version"], row["topic"],
                bytes(row["prev_hash"]), bytes(row["hash"]))


class ChainedPostgresApplicationRecorder(PostgresChain, PostgresApplicationRecorder):
    """The households, identity and audit stores on PostgreSQL."""


class ChainedPostgresProcessRecorder(PostgresChain, PostgresProcessRecorder):
    """The alerts store on PostgreSQL (events, tracking records and links in one transaction)."""
