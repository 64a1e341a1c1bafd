"""How far a reader of the event store got: one small table of named positions.

The relay is at-least-once (it publishes, then records its position), so a
crash between the two re-publishes a few events; their `event_id`s let
consumers ignore the repeats.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path


class PositionStore:
    """Named integer positions in a SQLite file."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS positions (name TEXT PRIMARY KEY, position INTEGER NOT NULL)")
        self._lock = threading.Lock()

    def get(self, name: str) -> int:
        with self._lock:
            row = self._db.execute("SELECT position FROM positions WHERE name = ?", (name,)).fetchone()
        return int(row[0]) if row else 0

    def set(self, name: str, position: int) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO positions (name, position) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET position = excluded.position",
                (name, position),
            )

    def close(self) -> None:
        self._db.close()
