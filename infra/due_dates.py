"""The rule worker's due dates (`rules.due`) in a table it owns: SQLite in the data directory, or the
deployment's PostgreSQL database beside the alerts store. It survives restarts, and every worker of a
consumer group reads the same rows, so a partition moved to another worker keeps its due dates.

Dates are ISO text (they sort as dates); `date.max` stands for "never".
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

from infra.shared_tables import SharedTables
from rules.due import Due

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS rule_due (household TEXT PRIMARY KEY, part INTEGER NOT NULL, "
    "due TEXT NOT NULL, region TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS rule_due_by_date ON rule_due (part, due)",
    "CREATE TABLE IF NOT EXISTS rule_due_marks (name TEXT PRIMARY KEY, position BIGINT NOT NULL)",
)
UPSERT = ("INSERT INTO rule_due (household, part, due, region) VALUES (?, ?, ?, ?) "
          "ON CONFLICT (household) DO UPDATE SET part = excluded.part, due = excluded.due, region = excluded.region")
LOWER = ("INSERT INTO rule_due (household, part, due, region) VALUES (?, ?, ?, ?) "
         "ON CONFLICT (household) DO UPDATE SET part = excluded.part, region = excluded.region, "
         "due = CASE WHEN excluded.due < rule_due.due THEN excluded.due ELSE rule_due.due END")


class SqlDueDates:
    """`rules.due.DueDates` over the deployment's shared tables."""

    def __init__(self, tables: SharedTables) -> None:
        self._tables = tables
        self._tables.create(*SCHEMA)

    def due(self, partition: int, upto: date) -> set[str]:
        rows = self._tables.execute("SELECT household FROM rule_due WHERE part = ? AND due <= ?",
                                    (partition, upto.isoformat()))
        return {row[0] for row in rows}

    def recorded(self, partition: int) -> set[str]:
        return {row[0] for row in self._tables.execute("SELECT household FROM rule_due WHERE part = ?", (partition,))}

    def in_region(self, partition: int, scope: str) -> set[str]:
        if not scope:
            return self.recorded(partition)
        rows = self._tables.execute(
            "SELECT household FROM rule_due WHERE part = ? AND (region = '' OR substr(region, 1, ?) = ?)",
            (partition, len(scope), scope))
        return {row[0] for row in rows}

    def lower(self, partition: int, dates: dict[str, Due]) -> None:
        self._write(LOWER, partition, dates)

    def record(self, partition: int, dates: dict[str, Due]) -> None:
        self._write(UPSERT, partition, dates)

    def forget(self, partition: int, households: Iterable[str]) -> None:
        rows = [(household,) for household in households]
        if rows:
            self._tables.execute_many("DELETE FROM rule_due WHERE household = ?", rows)

    def mark(self, name: str) -> int:
        rows = self._tables.execute("SELECT position FROM rule_due_marks WHERE name = ?", (name,))
        return int(rows[0][0]) if rows else 0

    def set_mark(self, name: str, position: int) -> None:
        self._tables.execute(
            "INSERT INTO rule_due_marks (name, position) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET position = excluded.position", (name, position))

    def close(self) -> None:
        self._tables.close()

    def _write(self, sql: str, partition: int, dates: dict[str, Due]) -> None:
        rows = [(household, partition, day.isoformat(), region) for household, (day, region) in sorted(dates.items())]
        if rows:
            self._tables.execute_many(sql, rows)
