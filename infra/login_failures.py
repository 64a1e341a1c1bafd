"""The login throttle's failures in the deployment's shared tables: every API process, on any host, counts
the same failures, and a restart forgets none of them.

Keys (a user name, a client address) are stored as SHA-256 digests: the table says how often someone failed,
not who or from where. Rows older than the window are deleted as new failures arrive.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Iterable

from domain.identity.login_throttle import MAX_FAILURES, WINDOW, locked, wait_seconds
from infra.shared_tables import SharedTables


class SharedLoginThrottle:
    """`domain.identity.login_throttle.Throttle` over a shared table."""

    def __init__(self, tables: SharedTables, max_failures: int = MAX_FAILURES, window: timedelta = WINDOW) -> None:
        self._tables = tables
        self.max_failures = max_failures
        self.window = window
        self._tables.create(
            "CREATE TABLE IF NOT EXISTS login_failures (key TEXT NOT NULL, at DOUBLE PRECISION NOT NULL)",
            "CREATE INDEX IF NOT EXISTS login_failures_key_at ON login_failures (key, at)",
            "CREATE INDEX IF NOT EXISTS login_failures_at ON login_failures (at)",
        )

    def check(self, keys: Iterable[str], now: datetime) -> None:
        """Raise LoginLocked when any key has reached the limit within the window."""
        locked(self._wait(key, now) for key in keys)

    def failed(self, keys: Iterable[str], now: datetime) -> None:
        self._tables.execute("DELETE FROM login_failures WHERE at <= ?", ((now - self.window).timestamp(),))
        for key in keys:
            self._tables.execute("INSERT INTO login_failures (key, at) VALUES (?, ?)", (_digest(key), now.timestamp()))

    def succeeded(self, key: str) -> None:
        self._tables.execute("DELETE FROM login_failures WHERE key = ?", (_digest(key),))

    def _wait(self, key: str, now: datetime) -> float:
        rows = self._tables.execute(
            "SELECT at FROM login_failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT ?",
            (_digest(key), (now - self.window).timestamp(), self.max_failures))
        recent = [datetime.fromtimestamp(row[0], tz=now.tzinfo) for row in reversed(rows)]
        return wait_seconds(recent, now, self.max_failures, self.window)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
