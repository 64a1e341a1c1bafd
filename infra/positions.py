"""How far a reader of the event store got: one small table of named positions.

The relay is at-least-once (it publishes, then records its position), so a
crash between the two re-publishes a few events; their `event_id`s let
consumers ignore the repeats. The table is shared (`infra.shared_tables`): a
standby relay on another host resumes where the active one stopped.
"""

from __future__ import annotations

from infra.shared_tables import SharedTables


class PositionStore:
    """Named integer positions in the deployment's shared tables."""

    def __init__(self, tables: SharedTables) -> None:
        self._tables = tables
        self._tables.create("CREATE TABLE IF NOT EXISTS positions (name TEXT PRIMARY KEY, position BIGINT NOT NULL)")

    def get(self, name: str) -> int:
        rows = self._tables.execute("SELECT position FROM positions WHERE name = ?", (name,))
        return int(rows[0][0]) if rows else 0

    def set(self, name: str, position: int) -> None:
        self._tables.execute(
            "INSERT INTO positions (name, position) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET position = excluded.position",
            (name, position),
        )

    def close(self) -> None:
        self._tables.close()
