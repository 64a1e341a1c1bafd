"""The read-model database: view tables plus the tracking of what was applied.

Each projection writes its rows and the new position of its source in one
transaction, so an event is applied exactly once even across crashes; dropping
the file and replaying from position zero rebuilds every view.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from projections.sealing import PLAIN, Sealer

SCHEMA = """
CREATE TABLE IF NOT EXISTS tracking (source TEXT PRIMARY KEY, position INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS access_log (
    access_id TEXT PRIMARY KEY, at TEXT NOT NULL, household TEXT NOT NULL, user TEXT NOT NULL,
    role TEXT NOT NULL, route TEXT NOT NULL, shown TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT 'granted', reason TEXT, alert TEXT
);
CREATE INDEX IF NOT EXISTS access_log_household ON access_log (household, at);
CREATE INDEX IF NOT EXISTS access_log_user ON access_log (user, at);
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
    user TEXT NOT NULL, alert_id TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (user, alert_id)
);
CREATE TABLE IF NOT EXISTS alert_moments (
    alert_id TEXT PRIMARY KEY, requested_at TEXT, returned_at TEXT, escalated_at TEXT
);
"""
# Views added after the first release (emptied with the rest by `_clear`).
TABLES_ADDED = ("informant_activity", "submissions", "alert_opened", "alert_moments")
# The shape of the views: bump it when a view table or column is added, and an older file (its SQLite
# `user_version` is lower) is rebuilt from zero by the next process that runs the projections.
VIEWS_VERSION = 3  # 2: alerts' explanations sealed (they hold incomes, illnesses, ages); 3: what each user opened
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
    """A SQLite database of read views, safe to share between threads; `sealer` seals identifying fields."""

    def __init__(self, path: Path | str, sealer: Sealer = PLAIN, rebuild_outdated: bool = True) -> None:
        """`rebuild_outdated=False` (a process that does not project): an older file is given the new tables
        and columns but keeps its rows and version, so the projections process still rebuilds it."""
        self.path = str(path)
        self.sealer = sealer
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.create_function("seal", 1, sealer.seal)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        fresh = "tracking" not in tables
        self.outdated = not fresh and self._db.execute("PRAGMA user_version").fetchone()[0] < VIEWS_VERSION
        self._db.executescript(SCHEMA)
        self._lock = threading.RLock()
        self._upgrade(rebuild=self.outdated and rebuild_outdated, current=fresh)
        self.outdated = self.outdated and not rebuild_outdated
        self._db.executescript(INDEXES)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def position(self, source: str) -> int:
        with self._lock:
            row = self._db.execute("SELECT position FROM tracking WHERE source = ?", (source,)).fetchone()
        return int(row[0]) if row else 0

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """Rows as dicts, every sealed column value opened (an alert's explanation, an address)."""
        with self._lock:
            rows = self._db.execute(sql, params).fetchall()
        reveal = self.sealer.reveal
        return [{key: reveal(value) for key, value in dict(row).items()} for row in rows]

    def reset(self) -> None:
        """Drop every view row and position: the next run rebuilds from zero."""
        with self.transaction() as db:
            _clear(db)

    def is_outdated(self) -> bool:
        """Whether the file still waits for a projections process to rebuild it (read afresh each time)."""
        with self._lock:
            return self._db.execute("PRAGMA user_version").fetchone()[0] < VIEWS_VERSION

    def _upgrade(self, rebuild: bool, current: bool) -> None:
        """Give an older view file its new columns and, when `rebuild`, drop its rows and positions so
        the runner replays every store from zero (views are disposable). Done inside the write
        transaction: two processes opening the file at once upgrade it once."""
        with self.transaction() as db:
            present = {row[1] for row in db.execute("PRAGMA table_info(alerts)")}
            for column in [column for column in ALERT_COLUMNS_ADDED if column not in present]:
                db.execute(f"ALTER TABLE alerts ADD COLUMN {column} TEXT")
            logged = {row[1] for row in db.execute("PRAGMA table_info(access_log)")}
            for column, kind in [(c, k) for c, k in ACCESS_COLUMNS_ADDED if c not in logged]:
                db.execute(f"ALTER TABLE access_log ADD COLUMN {column} {kind}")
            if rebuild and db.execute("PRAGMA user_version").fetchone()[0] < VIEWS_VERSION:
                _clear(db)
            if rebuild or current:
                db.execute(f"PRAGMA user_version = {VIEWS_VERSION}")

    def compact(self) -> None:
        """Rewrite the file without its free pages and empty the WAL: deleted rows leave no bytes behind
        (after a rebuild under a new key)."""
        with self._lock:
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self._db.close()


def _clear(db: sqlite3.Connection) -> None:
    for table in ("tracking", "alerts", "households", "access_log", *TABLES_ADDED):
        db.execute(f"DELETE FROM {table}")


def advance(db: sqlite3.Connection, source: str, position: int) -> None:
    """Record the new position; refuses to go backwards (a replayed position)."""
    row = db.execute("SELECT position FROM tracking WHERE source = ?", (source,)).fetchone()
    if row is not None and row[0] >= position:
        raise ValueError(f"position {position} of {source} was already applied")
    db.execute(
        "INSERT INTO tracking (source, position) VALUES (?, ?) "
        "ON CONFLICT(source) DO UPDATE SET position = excluded.position",
        (source, position),
    )
