"""One connection shape for the read views on SQLite and PostgreSQL, so every query is written once.

Why: the views are an embedded SQLite file on one host and tables in the deployment's PostgreSQL database
when several hosts serve the same data. Queries are written in portable SQL with `?` placeholders
(`INSERT … ON CONFLICT … DO UPDATE`, `CASE` instead of SQLite's boolean sums or two-argument `MAX`, the
column `user` quoted); PostgreSQL gets `%s`. What has no portable spelling is a method of the connection:
the tables and columns present (`sqlite_master`/`PRAGMA table_info` or `information_schema`) and the views'
version (`PRAGMA user_version` or a `views_meta` row). Values are sealed in Python (`db.sealer`), on both.
Rows are read by position or by column name, as `sqlite3.Row` allows.
"""

from __future__ import annotations

import re
import sqlite3
import time
from typing import Any, Iterator, Protocol, Sequence

import psycopg

from projections.sealing import PLAIN, Sealer

META = "views_meta"  # PostgreSQL's version marker: not a view, so neither emptied nor compared by a rebuild
PG_TYPES = ((re.compile(r"\bTEXT\b"), 'TEXT COLLATE "C"'),)


class Row:
    """One result row: by index (`row[0]`), by name (`row["n"]`), and `dict(row)`, like `sqlite3.Row`."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: Sequence[Any]) -> None:
        self._index, self._values = index, tuple(values)  # `index`: column name → place, one per result

    def __getitem__(self, key: int | str) -> Any:
        return self._values[key if isinstance(key, int) else self._index[key]]

    def keys(self) -> list[str]:
        return list(self._index)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values))!r})"


def statements(script: str) -> list[str]:
    """A schema script's statements (no `;` appears inside one)."""
    return [s.strip() for s in script.split(";") if s.strip()]


def upsert(table: str, columns: Sequence[str], key: Sequence[str], values: Sequence[str] | None = None) -> str:
    """`INSERT … ON CONFLICT (key) DO UPDATE` every other column: the portable `INSERT OR REPLACE` of a row
    whose every column is given (`values`: SQL expressions, `?` each by default)."""
    given = values or ["?"] * len(columns)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(given)}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}")


def upsert_rows(db: Any, table: str, columns: Sequence[str], key: Sequence[str], rows: Sequence[Sequence[Any]],
                chunk: int = 500) -> None:
    """`upsert` of many rows, `chunk` rows per statement (one parse and one round trip for each chunk, not
    for each row). No two rows of `rows` may share a key (one statement cannot update a row twice)."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    one = f"({', '.join('?' for _ in columns)})"
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        db.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join(one for _ in part)} "
                   f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}", [v for row in part for v in row])


class SqliteConnection(sqlite3.Connection):
    """A `sqlite3` connection with the views' portable extras (its sealer, tables, columns, version)."""

    dialect = "sqlite"
    sealer: Sealer = PLAIN
    memos: dict[str, Any] | None = None  # a batch's kept rows (`projections.row_memo`), None outside one
    flushes: dict[str, Any] | None = None  # and its held-back writes

    def script(self, script: str) -> None:
        """Run each statement (not `executescript`, which would commit an open transaction)."""
        for statement in statements(script):
            self.execute(statement)

    def tables(self) -> list[str]:
        return [r[0] for r in self.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]

    def columns(self, table: str) -> list[tuple[str, int]]:
        """(name, place in the primary key: 0 when not in it), in the table's order."""
        return [(c[1], int(c[5])) for c in self.execute(f'PRAGMA table_info("{table}")')]

    def version(self) -> int:
        return int(self.execute("PRAGMA user_version").fetchone()[0])

    def lock(self, name: str) -> None:
        """Nothing to take: a write transaction (BEGIN IMMEDIATE) holds the whole file."""

    def set_version(self, version: int) -> None:
        self.execute(f"PRAGMA user_version = {int(version)}")


def use_wal(db: sqlite3.Connection, wait_s: float = 30.0) -> None:
    """Put the file in WAL mode (readers beside one writer). While other processes open the same fresh file,
    SQLite refuses the change at once, "database is locked", without waiting on its busy timeout; so the
    change is asked again, with a growing pause, until `wait_s` has passed."""
    deadline, pause = time.monotonic() + wait_s, 0.005
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL").fetchall()
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)  # another process holds the file for a moment: ask again, not fail the start
        pause = min(pause * 2, 0.2)


def connect_sqlite(path: str, sealer: Sealer = PLAIN) -> SqliteConnection:
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30,
                         factory=SqliteConnection)
    db.row_factory = sqlite3.Row
    db.sealer = sealer
    return db


def _rows(cursor: Any) -> Any:
    index = {c.name: i for i, c in enumerate(cursor.description or ())}
    return lambda values: Row(index, values)


class PostgresConnection:
    """A psycopg connection (its search path the views' schema) spoken to as the views' SQLite one is."""

    dialect = "postgres"

    def __init__(self, conn: psycopg.Connection[Any], schema: str, sealer: Sealer = PLAIN) -> None:
        self.conn, self.schema, self.sealer = conn, schema, sealer
        self.memos: dict[str, Any] | None = None  # a batch's kept rows (`projections.row_memo`)
        self.flushes: dict[str, Any] | None = None  # and its held-back writes

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        cursor = self.conn.cursor(row_factory=_rows)
        if params:
            cursor.execute(sql.replace("%", "%%").replace("?", "%s"), tuple(params))  # type: ignore[arg-type]
        else:
            cursor.execute(sql)  # type: ignore[arg-type]
        return cursor

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """One statement for many rows (pipelined by psycopg: one round trip, not one per row)."""
        with self.conn.cursor() as cursor:
            cursor.executemany(sql.replace("%", "%%").replace("?", "%s"), [tuple(row) for row in rows])

    def script(self, script: str) -> None:
        for statement in statements(script):
            self.execute(pg_ddl(statement))

    def tables(self) -> list[str]:
        return [r[0] for r in self.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_name != ?"
            " ORDER BY table_name", (self.schema, META))]

    def columns(self, table: str) -> list[tuple[str, int]]:
        keys = {r[0]: int(r[1]) for r in self.execute(
            "SELECT k.column_name, k.ordinal_position FROM information_schema.table_constraints t"
            " JOIN information_schema.key_column_usage k ON k.constraint_name = t.constraint_name"
            " AND k.table_schema = t.table_schema AND k.table_name = t.table_name"
            " WHERE t.table_schema = ? AND t.table_name = ? AND t.constraint_type = 'PRIMARY KEY'",
            (self.schema, table))}
        return [(r[0], keys.get(r[0], 0)) for r in self.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?"
            " ORDER BY ordinal_position", (self.schema, table))]

    def lock(self, name: str) -> None:
        """A lock on `name` until the transaction ends (other processes' transactions wait for it)."""
        self.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (name,))

    def version(self) -> int:
        if self.execute("SELECT to_regclass(?)", (f"{self.schema}.{META}",)).fetchone()[0] is None:
            return 0  # views of no version yet
        row = self.execute(f"SELECT value FROM {META} WHERE key = 'version'").fetchone()
        return int(row[0]) if row else 0

    def set_version(self, version: int) -> None:
        self.execute(f"CREATE TABLE IF NOT EXISTS {META} (key TEXT PRIMARY KEY, value BIGINT NOT NULL)")
        self.execute(f"INSERT INTO {META} (key, value) VALUES ('version', ?) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (int(version),))


def pg_ddl(statement: str) -> str:
    """A view table's definition for PostgreSQL: text compared byte by byte as SQLite does (a database's
    own collation could sort region codes or timestamps otherwise). Counts stay `INTEGER` (their sums are
    integers, a `BIGINT`'s sum would be a `Decimal`); positions are declared `BIGINT` on both."""
    for pattern, replacement in PG_TYPES:
        statement = pattern.sub(replacement, statement)
    return statement


class ViewConnection(Protocol):
    """What a projection writes through: `SqliteConnection` or `PostgresConnection`."""

    dialect: str
    sealer: Sealer
    memos: dict[str, Any] | None
    flushes: dict[str, Any] | None

    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> Any: ...

    def lock(self, name: str) -> None: ...


def memory_connection() -> SqliteConnection:
    """A SQLite database in memory with the views' tables (one alert's row folded apart from the views);
    its sealer leaves values as they are: the row as the views' reads open it."""
    return connect_sqlite(":memory:")
