"""The read-model database: view tables plus the tracking of what was applied (SQLite or PostgreSQL).

Each projection writes its rows and the new position of its source in one
transaction, so an event is applied exactly once even across crashes; dropping
the file and replaying from position zero rebuilds every view.
"""

from __future__ import annotations

import re
import tempfile
import threading
import uuid
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, Iterator, Mapping

import psycopg
from psycopg_pool import ConnectionPool

from projections.row_memo import flush_held
from projections.sealing import PLAIN, Sealer
from projections.sql_dialect import PostgresConnection, SqliteConnection, connect_sqlite, use_wal

SCHEMA_NAME = "views"  # PostgreSQL: the views' own schema beside the event stores' tables
DDL_LOCK = "qianshao.views"
POOL_WAIT_S = 5.0  # a connection not free by then is an error: /health says the views are down, not hangs
POOL_SIZE = 8  # the API's threads read at once

SCHEMA = """
CREATE TABLE IF NOT EXISTS tracking (source TEXT PRIMARY KEY, position BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS access_log (
    access_id TEXT PRIMARY KEY, at TEXT NOT NULL, household TEXT NOT NULL, "user" TEXT NOT NULL,
    role TEXT NOT NULL, route TEXT NOT NULL, shown TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT 'granted', reason TEXT, alert TEXT
);
CREATE INDEX IF NOT EXISTS access_log_household ON access_log (household, at);
CREATE INDEX IF NOT EXISTS access_log_user ON access_log ("user", at);
CREATE TABLE IF NOT EXISTS alerts (
    alert_id TEXT PRIMARY KEY, household TEXT NOT NULL, region TEXT, rule TEXT NOT NULL,
    rule_version INTEGER, category TEXT, severity TEXT, subject_kind TEXT, subject TEXT,
    resident TEXT, episode INTEGER, status TEXT NOT NULL, raised_on TEXT, closed_on TEXT,
    close_reason TEXT, acknowledged_by TEXT, escalated_on TEXT, escalated_to TEXT, title_zh TEXT, title_en TEXT,
    explanation TEXT, events TEXT NOT NULL DEFAULT '[]', updated_at TEXT,
    grid TEXT, state TEXT, assigned_to TEXT, verification_requested_on TEXT, verification_requested_by TEXT,
    verification_grid TEXT, verification_outcome TEXT
);
CREATE INDEX IF NOT EXISTS alerts_open ON alerts (status, severity, raised_on);
CREATE INDEX IF NOT EXISTS alerts_household ON alerts (household);
CREATE INDEX IF NOT EXISTS alerts_rule ON alerts (rule, status);
CREATE TABLE IF NOT EXISTS households (
    household TEXT PRIMARY KEY, region TEXT, grid TEXT, address TEXT, hukou TEXT,
    registered_at TEXT, members TEXT, observations INTEGER NOT NULL DEFAULT 0,
    last_observed_at TEXT, last_kind TEXT
);
CREATE TABLE IF NOT EXISTS informant_activity (
    informant TEXT NOT NULL, grid TEXT NOT NULL, region TEXT NOT NULL, month TEXT NOT NULL,
    observations INTEGER NOT NULL DEFAULT 0, registrations INTEGER NOT NULL DEFAULT 0,
    visits INTEGER NOT NULL DEFAULT 0, corrections INTEGER NOT NULL DEFAULT 0,
    retractions INTEGER NOT NULL DEFAULT 0, verifications INTEGER NOT NULL DEFAULT 0, last_at TEXT,
    PRIMARY KEY (informant, grid, month)
);
CREATE INDEX IF NOT EXISTS informant_activity_region ON informant_activity (region, month);
CREATE TABLE IF NOT EXISTS submissions (
    observation_id TEXT PRIMARY KEY, informant TEXT NOT NULL, household TEXT, kind TEXT NOT NULL, resident TEXT,
    observed_at TEXT, recorded_at TEXT NOT NULL, status TEXT NOT NULL, corrects TEXT, corrected_by TEXT,
    retracted_at TEXT, retracted_reason TEXT
);
CREATE INDEX IF NOT EXISTS submissions_informant ON submissions (informant, recorded_at);
CREATE TABLE IF NOT EXISTS alert_opened (
    "user" TEXT NOT NULL, alert_id TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY ("user", alert_id)
);
CREATE TABLE IF NOT EXISTS alert_moments (
    alert_id TEXT PRIMARY KEY, requested_at TEXT, returned_at TEXT, escalated_at TEXT
);
CREATE TABLE IF NOT EXISTS leads (
    lead_id TEXT PRIMARY KEY, lead_key TEXT NOT NULL UNIQUE, department TEXT NOT NULL, what_zh TEXT, what_en TEXT,
    masked_id TEXT, name TEXT, region TEXT NOT NULL, address TEXT, data TEXT, state TEXT NOT NULL, grid TEXT,
    raised_on TEXT, raised_by TEXT, line INTEGER, dispatched_on TEXT, dispatched_by TEXT, closed_on TEXT,
    closed_by TEXT, close_reason TEXT, household TEXT, updated_at TEXT
);
CREATE INDEX IF NOT EXISTS leads_region ON leads (region, state);
CREATE INDEX IF NOT EXISTS leads_tasks ON leads (grid, state, dispatched_on);
"""
# Views added after the first release (emptied with the rest by `_clear`).
TABLES_ADDED = ("informant_activity", "submissions", "alert_opened", "alert_moments", "leads")
# The shape of the views: bump it when a view table or column is added, and an older file (its SQLite
# `user_version` is lower) is rebuilt from zero by the next process that runs the projections.
VIEWS_VERSION = 4  # 2: alerts' explanations sealed (they hold incomes, illnesses, ages); 3: what each user opened;
# 4: the leads (people a department names and no household holds)
# Columns added to `alerts` after its first release: a view file without them is given them and rebuilt.
ALERT_COLUMNS_ADDED = ("grid", "state", "assigned_to", "verification_requested_on", "verification_requested_by",
                       "verification_grid", "verification_outcome")
# Columns added to `access_log` (refusals): the rows before them were all granted reads, so no rebuild.
ACCESS_COLUMNS_ADDED = (("outcome", "TEXT NOT NULL DEFAULT 'granted'"), ("reason", "TEXT"), ("alert", "TEXT"))
# Indexes on added columns, created once the columns surely exist.
INDEXES = """
CREATE INDEX IF NOT EXISTS alerts_tasks ON alerts (verification_grid, state, verification_requested_on);
CREATE INDEX IF NOT EXISTS alerts_assigned ON alerts (assigned_to, status);
CREATE INDEX IF NOT EXISTS access_log_outcome ON access_log (outcome, at);
CREATE INDEX IF NOT EXISTS alerts_unread ON alerts (status, region, assigned_to, acknowledged_by, escalated_on,
    alert_id);
CREATE INDEX IF NOT EXISTS alerts_returned ON alerts (state, region, verification_requested_by, assigned_to, alert_id);
"""


class ViewStore:
    """The read views, safe to share between threads; `sealer` seals identifying fields.

    On SQLite (`path`, the default) one file of the data directory; on PostgreSQL (`postgres`: psycopg's
    connection arguments) the tables of one schema (`views`) in the event stores' database, which any number
    of processes on any hosts open at once. Both are spoken to through `projections.sql_dialect`."""

    def __init__(self, path: Path | str = "", sealer: Sealer = PLAIN, rebuild_outdated: bool = True, *,
                 postgres: Mapping[str, Any] | None = None, schema: str = SCHEMA_NAME) -> None:
        """`rebuild_outdated=False` (a process that does not project): older views are given the new tables
        and columns but keep their rows and version, so the projections process still rebuilds them."""
        self.sealer = sealer
        self.backend: SqliteViews | PostgresViews = (
            PostgresViews(postgres, schema, sealer) if postgres is not None else SqliteViews(str(path), sealer))
        self.path = self.backend.path
        self.dialect = self.backend.dialect
        with self.backend.ddl() as db:  # one process at a time creates and upgrades (a lock on each backend)
            fresh = "tracking" not in db.tables()
            outdated = not fresh and db.version() < VIEWS_VERSION
            db.script(SCHEMA)
            _upgrade(db, rebuild=outdated and rebuild_outdated, current=fresh)
            db.script(INDEXES)
        self.outdated = outdated and not rebuild_outdated

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """One write transaction: its connection (reads within it see its writes)."""
        with self.backend.transaction() as db:
            yield db

    @contextmanager
    def batch(self) -> Iterator[Any]:
        """The write transaction of one batch of events: on PostgreSQL its writes are pipelined (sent without
        waiting, one round trip at the next read or the commit), and projectors keep the rows they touch in
        `db.memos` (`projections.row_memo`) so each row is read once per batch."""
        with self.backend.transaction(pipelined=True) as db:
            db.memos, db.flushes = {}, {}
            try:
                yield db
                flush_held(db)
            finally:
                db.memos = db.flushes = None

    def position(self, source: str) -> int:
        with self.backend.reading() as db:
            row = db.execute("SELECT position FROM tracking WHERE source = ?", (source,)).fetchone()
        return int(row[0]) if row else 0

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """Rows as dicts, every sealed column value opened (an alert's explanation, an address)."""
        with self.backend.reading() as db:
            cursor = db.execute(sql, params)
            rows = cursor.fetchall() if cursor.description else []  # a statement that returns no rows
        reveal = self.sealer.reveal
        return [{key: reveal(value) for key, value in zip(row.keys(), row)} for row in rows]

    def reset(self) -> None:
        """Drop every view row and position: the next run rebuilds from zero."""
        with self.transaction() as db:
            _clear(db)

    def is_outdated(self) -> bool:
        """Whether the views still wait for a projections process to rebuild them (read afresh each time)."""
        with self.backend.reading() as db:
            return db.version() < VIEWS_VERSION

    @contextmanager
    def snapshot(self) -> Iterator[Any]:
        """A connection reading the views as of one moment (positions and rows alike) while projections go on."""
        with self.backend.snapshot() as db:
            yield db

    @contextmanager
    def shadow(self) -> Iterator[ViewStore]:
        """A fresh, empty view store of the same backend (a scratch file, or a scratch schema), removed after."""
        with self.backend.shadow() as place:
            shadow = ViewStore(place, self.sealer) if self.dialect == "sqlite" else ViewStore(
                sealer=self.sealer, postgres=self.backend.connect, schema=place)  # type: ignore[union-attr]
            try:
                yield shadow
            finally:
                shadow.close()

    def compact(self) -> None:
        """Rewrite the views without their free pages: deleted rows leave no bytes behind (after a rebuild
        under a new key)."""
        self.backend.compact()

    def close(self) -> None:
        self.backend.close()


class SqliteViews:
    """The views in one SQLite file: one connection, one thread at a time."""

    dialect = "sqlite"

    def __init__(self, path: str, sealer: Sealer) -> None:
        self.path = path
        self._db = connect_sqlite(path, sealer)
        use_wal(self._db)
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._lock = threading.RLock()

    @contextmanager
    def transaction(self, pipelined: bool = False) -> Iterator[SqliteConnection]:
        """(`pipelined`: nothing to do in process; every statement is a function call.)"""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    ddl = transaction  # BEGIN IMMEDIATE: one process at a time

    @contextmanager
    def reading(self) -> Iterator[SqliteConnection]:
        with self._lock:
            yield self._db

    @contextmanager
    def snapshot(self) -> Iterator[SqliteConnection]:
        db = connect_sqlite(self.path)
        try:
            db.execute("BEGIN")
            db.execute("SELECT COUNT(*) FROM tracking").fetchone()  # the read snapshot starts at the first read
            yield db
            db.execute("COMMIT")
        finally:
            db.close()

    @contextmanager
    def shadow(self) -> Iterator[str]:
        with tempfile.TemporaryDirectory(prefix="qianshao-shadow-") as scratch:
            yield str(Path(scratch) / "views.sqlite")

    def compact(self) -> None:
        with self._lock:
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self._db.close()


class PostgresViews:
    """The views in one schema of a PostgreSQL database: a pool of connections (autocommit for reads), the
    connection of a thread's open transaction reused by its reads; DDL under an advisory lock."""

    dialect = "postgres"

    def __init__(self, connect: Mapping[str, Any], schema: str, sealer: Sealer) -> None:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
            raise ValueError(f"not a schema name: {schema!r}")
        self.schema, self.sealer = schema, sealer
        self.path = f"postgresql://{connect.get('host', '')}:{connect.get('port', '')}/{connect.get('dbname', '')}"
        self.connect = dict(connect)
        kwargs = {**connect, "autocommit": True, "options": f"-c search_path={schema}"}
        self._pool = ConnectionPool(kwargs=kwargs, min_size=1, max_size=POOL_SIZE, open=True, timeout=POOL_WAIT_S,
                                    check=ConnectionPool.check_connection, name=f"qianshao-views-{schema}")
        self._local = threading.local()

    @contextmanager
    def transaction(self, pipelined: bool = False) -> Iterator[PostgresConnection]:
        current = getattr(self._local, "db", None)
        if current is not None:  # nested: part of the thread's open transaction
            yield current
            return
        with self._pool.connection() as conn, conn.transaction(), conn.pipeline() if pipelined else nullcontext():
            self._local.db = db = PostgresConnection(conn, self.schema, self.sealer)
            try:
                yield db
            finally:
                self._local.db = None

    @contextmanager
    def ddl(self) -> Iterator[PostgresConnection]:
        """A transaction holding the views' advisory lock: processes starting together create the schema,
        its tables and its upgrade once (PostgreSQL's IF NOT EXISTS is not safe against a concurrent one)."""
        with self.transaction() as db:
            db.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (f"{DDL_LOCK}.{self.schema}",))
            db.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
            yield db

    @contextmanager
    def reading(self) -> Iterator[PostgresConnection]:
        current = getattr(self._local, "db", None)
        if current is not None:
            yield current
            return
        with self._pool.connection() as conn:
            yield PostgresConnection(conn, self.schema, self.sealer)

    @contextmanager
    def snapshot(self) -> Iterator[PostgresConnection]:
        with self._pool.connection() as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield PostgresConnection(conn, self.schema, self.sealer)
            finally:
                conn.execute("ROLLBACK")

    @contextmanager
    def shadow(self) -> Iterator[str]:
        """A scratch schema beside the live one, dropped afterwards."""
        schema = f"{self.schema}_shadow_{uuid.uuid4().hex[:12]}"
        try:
            yield schema
        finally:
            with psycopg.connect(autocommit=True, **self.connect) as conn:
                conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")  # type: ignore[arg-type]

    def compact(self) -> None:
        with self.reading() as db:
            tables = db.tables()
        with psycopg.connect(autocommit=True, **self.connect) as conn:  # VACUUM runs outside a transaction
            for table in tables:
                conn.execute(f'VACUUM FULL "{self.schema}"."{table}"')  # type: ignore[arg-type]

    def close(self) -> None:
        self._pool.close()


def _upgrade(db: Any, rebuild: bool, current: bool) -> None:
    """Give older views their new columns and, when `rebuild`, drop their rows and positions so the runner
    replays every store from zero (views are disposable). Done inside the schema's locked transaction: two
    processes opening the views at once upgrade them once."""
    present = {name for name, _ in db.columns("alerts")}
    for column in [column for column in ALERT_COLUMNS_ADDED if column not in present]:
        db.script(f"ALTER TABLE alerts ADD COLUMN {column} TEXT")
    logged = {name for name, _ in db.columns("access_log")}
    for column, kind in [(c, k) for c, k in ACCESS_COLUMNS_ADDED if c not in logged]:
        db.script(f"ALTER TABLE access_log ADD COLUMN {column} {kind}")
    if rebuild and db.version() < VIEWS_VERSION:
        _clear(db)
    if rebuild or current:
        db.set_version(VIEWS_VERSION)


def _position(db: Any, source: str) -> int:
    row = db.execute("SELECT position FROM tracking WHERE source = ?", (source,)).fetchone()
    return 0 if row is None else int(row[0])


def _clear(db: Any) -> None:
    for table in ("tracking", "alerts", "households", "access_log", *TABLES_ADDED):
        db.execute(f"DELETE FROM {table}")


class AlreadyApplied(ValueError):
    """The batch's events were applied already (a replay, or another projections process got there first)."""


def claim(db: Any, source: str, after: int) -> None:
    """Begin a batch of `source` read from position `after`: the source is locked until the transaction ends
    (PostgreSQL's transactions run side by side; SQLite's write transaction holds the file already), and a
    batch another projections process applied meanwhile is refused, so each event is applied once."""
    db.lock(f"{DDL_LOCK}.source.{source}")
    current = _position(db, source)
    if current != after:
        raise AlreadyApplied(f"{source} is at {current}, not {after}: this batch was applied by another process")


def advance(db: Any, source: str, position: int) -> None:
    """Record the new position; refuses to go backwards (a replayed position)."""
    current = _position(db, source)
    if current >= position:
        raise AlreadyApplied(f"position {position} of {source} was already applied (the views are at {current})")
    db.execute(
        "INSERT INTO tracking (source, position) VALUES (?, ?) "
        "ON CONFLICT(source) DO UPDATE SET position = excluded.position",
        (source, position),
    )
