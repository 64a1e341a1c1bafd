"""One relay publishes at a time; any other started by mistake (or on purpose, on another host) waits.

Why: two relays publishing the same log would double every record and race on the positions. Publishing
is idempotent anyway (consumers drop repeated event ids), but a lock keeps the topic clean. The lock dies
with its holder — a PostgreSQL session-level advisory lock ends with its connection, a file lock (`flock`)
with its process — so a standby takes over within one idle wait when the active relay is killed.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from pathlib import Path
from typing import Any, Mapping, Protocol

import psycopg

from infra.shared_tables import connect_postgres

log = logging.getLogger(__name__)
LOCK_NAME = "qianshao.relay"
RECHECK_S = 1.0  # a standby takes over within about this long; an active relay re-checks its connection as often


class RelayLock(Protocol):
    def hold(self) -> bool:
        """True while this relay holds the lock (taking it when it is free); cheap enough for every round."""
        ...

    def release(self) -> None: ...


class FileRelayLock:
    """The embedded default: `flock` on a file of the data directory (every relay on this host shares it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def hold(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing the descriptor releases the flock


class PostgresRelayLock:
    """Production: a session-level advisory lock on a connection of its own, checked every round."""

    def __init__(self, postgres: Mapping[str, str]) -> None:
        self._postgres = postgres
        self._conn: psycopg.Connection[Any] | None = None
        self._held = False
        self._checked = -RECHECK_S

    def hold(self) -> bool:
        now = time.monotonic()
        if now - self._checked < RECHECK_S:
            return self._held  # at most one query a second, active or standby
        self._checked = now
        if self._conn is not None and not self._alive(self._conn):
            self.release()
        if self._conn is None:
            self._conn = connect_postgres(self._postgres)
        if not self._held:
            row = self._conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (LOCK_NAME,)).fetchone()
            self._held = bool(row and row[0])
        return self._held

    def release(self) -> None:
        conn, self._conn, self._held = self._conn, None, False
        if conn is not None:
            try:
                conn.close()  # the session ends: PostgreSQL releases its advisory locks
            except psycopg.Error:
                log.warning("the relay lock's connection did not close cleanly", exc_info=True)

    @staticmethod
    def _alive(conn: psycopg.Connection[Any]) -> bool:
        """A lost connection means a lost lock (the server released it): re-take it before publishing."""
        try:
            conn.execute("SELECT 1")
            return True
        except psycopg.Error:
            log.warning("the relay lock's connection was lost; taking the lock again before publishing")
            return False
