"""Small tables every process of a deployment shares: in the embedded SQLite file, or in PostgreSQL.

Why: the relay's positions and dead letters and the login throttle are a few rows each, but every process
must see the same rows (several API hosts, a relay on standby). The same SQL runs on both backends: callers
write `?` placeholders and portable statements (`INSERT … ON CONFLICT … DO UPDATE`); PostgreSQL gets `%s`.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any, Mapping, Protocol, Sequence

import psycopg
from psycopg_pool import ConnectionPool

from infra.settings import Settings
from projections.sql_dialect import use_wal

Row = tuple[Any, ...]
DDL_LOCK = "qianshao.shared_tables"  # CREATE TABLE IF NOT EXISTS from two processes at once fails on PostgreSQL


class SharedTables(Protocol):
    """One database's small tables: run statements, create tables once."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def create(self, *statements: str) -> None: ...

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    def close(self) -> None: ...


class SqliteTables:
    """A SQLite file of the data directory (processes on one host share it)."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        use_wal(self._db)
        self._lock = threading.Lock()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    def create(self, *statements: str) -> None:
        for statement in statements:
            self.execute(statement)

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """One statement over many rows, in one transaction (one commit, not one per row)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(sql, [tuple(row) for row in rows])
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()


class PostgresTables:
    """Tables in the deployment's PostgreSQL database (every host shares them); a small pool, autocommit."""

    def __init__(self, connect: Mapping[str, Any]) -> None:
        self._pool = ConnectionPool(kwargs={**connect, "autocommit": True}, min_size=1, max_size=4, open=True, timeout=5.0,
                                    check=ConnectionPool.check_connection, name="qianshao-shared-tables")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._pool.connection() as conn:
            cursor = conn.execute(sql.replace("?", "%s"), tuple(params))  # type: ignore[arg-type]
            return [tuple(row) for row in cursor.fetchall()] if cursor.description else []

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """One statement over many rows, in one transaction."""
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cursor:
            cursor.executemany(sql.replace("?", "%s"), [tuple(row) for row in rows])  # type: ignore[arg-type]

    def create(self, *statements: str) -> None:
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (DDL_LOCK,))
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]

    def close(self) -> None:
        self._pool.close()


def postgres_connect(postgres: Mapping[str, str]) -> dict[str, Any]:
    """psycopg's connection arguments from eventsourcing's `POSTGRES_*` settings."""
    return {"dbname": postgres["POSTGRES_DBNAME"], "host": postgres.get("POSTGRES_HOST", "127.0.0.1"),
            "port": postgres.get("POSTGRES_PORT", "5432"), "user": postgres.get("POSTGRES_USER", "postgres"),
            "password": postgres.get("POSTGRES_PASSWORD", "")}


def open_shared_tables(settings: Settings, name: str) -> SharedTables:
    """PostgreSQL when the deployment has it, else `<data dir>/<name>.sqlite`."""
    if settings.postgres:
        return PostgresTables(postgres_connect(settings.postgres))
    return SqliteTables(settings.sqlite_path(name))


def connect_postgres(postgres: Mapping[str, str]) -> psycopg.Connection[Any]:
    """A connection of its own (not pooled): for a session-level advisory lock that lives as long as it does."""
    return psycopg.connect(autocommit=True, **postgres_connect(postgres))
