"""The rule worker's household directory (`rules.household_directory`) kept in a table beside its due
dates: SQLite in the data directory, or the deployment's PostgreSQL database. Every worker of a consumer
group shares the rows, so a worker that starts decodes only the registrations since the last kept one.
"""

from __future__ import annotations

from uuid import UUID

from infra.shared_tables import SharedTables
from rules.household_directory import Registration

SCHEMA = ("CREATE TABLE IF NOT EXISTS rule_households (household TEXT PRIMARY KEY, aggregate TEXT NOT NULL, "
          "position BIGINT NOT NULL)",)
ADD = "INSERT INTO rule_households (household, aggregate, position) VALUES (?, ?, ?) ON CONFLICT (household) DO NOTHING"


class SqlKnownHouseholds:
    """`rules.household_directory.KnownHouseholds` over the deployment's shared tables."""

    def __init__(self, tables: SharedTables) -> None:
        self._tables = tables
        self._tables.create(*SCHEMA)

    def read(self) -> list[Registration]:
        rows = self._tables.execute("SELECT household, aggregate, position FROM rule_households ORDER BY position")
        return [(household, UUID(aggregate), int(position)) for household, aggregate, position in rows]

    def add(self, rows: list[Registration]) -> None:
        if rows:
            self._tables.execute_many(ADD, [(household, str(aggregate), position) for household, aggregate, position in rows])

    def clear(self) -> None:
        self._tables.execute("DELETE FROM rule_households")
