"""The rule worker's due dates (`rules.due`) in a table it owns: SQLite in the data directory, or the
deployment's PostgreSQL database beside the alerts store. It survives restarts, and every worker of a
consumer group reads the same rows, so a partition moved to another worker keeps its due dates.

Dates are ISO text (they sort as dates); `date.max` stands for "never". `reads` is the mask of the parameter
names the judgement read (`rules.due.reads_mask`; -1: not known).
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Iterable

import psycopg

from infra.shared_tables import SharedTables
from rules.due import EVERY_NAME, Due, name_bit

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS rule_due (household TEXT PRIMARY KEY, part INTEGER NOT NULL, "
    "due TEXT NOT NULL, region TEXT NOT NULL, reads BIGINT NOT NULL DEFAULT -1)",
    "CREATE INDEX IF NOT EXISTS rule_due_by_date ON rule_due (part, due)",
    "CREATE TABLE IF NOT EXISTS rule_due_marks (name TEXT PRIMARY KEY, position BIGINT NOT NULL)",
)
# A table of an earlier release has no `reads`: every household's reads are then not known (-1).
ADD_READS = "ALTER TABLE rule_due ADD COLUMN reads BIGINT NOT NULL DEFAULT -1"
UPSERT = ("INSERT INTO rule_due (household, part, due, region, reads) VALUES (?, ?, ?, ?, ?) "
          "ON CONFLICT (household) DO UPDATE SET part = excluded.part, due = excluded.due, region = excluded.region, "
          "reads = excluded.reads")
LOWER = ("INSERT INTO rule_due (household, part, due, region, reads) VALUES (?, ?, ?, ?, ?) "
         "ON CONFLICT (household) DO UPDATE SET part = excluded.part, region = excluded.region, "
         "due = CASE WHEN excluded.due < rule_due.due THEN excluded.due ELSE rule_due.due END, "
         "reads = excluded.reads | rule_due.reads")


class SqlDueDates:
    """`rules.due.DueDates` over the deployment's shared tables."""

    def __init__(self, tables: SharedTables) -> None:
        self._tables = tables
        self._tables.create(*SCHEMA)
        if not self._has_reads():
            try:
                self._tables.execute(ADD_READS)
            except (sqlite3.Error, psycopg.Error):
                if not self._has_reads():  # another process added it meanwhile
                    raise

    def due(self, partition: int, upto: date) -> set[str]:
        rows = self._tables.execute("SELECT household FROM rule_due WHERE part = ? AND due <= ?",
                                    (partition, upto.isoformat()))
        return {row[0] for row in rows}

    def recorded(self, partition: int) -> set[str]:
        return {row[0] for row in self._tables.execute("SELECT household FROM rule_due WHERE part = ?", (partition,))}

    def in_region(self, partition: int, scope: str, name: str | None = None) -> set[str]:
        bit = EVERY_NAME if name is None else name_bit(name)
        rows = self._tables.execute(
            "SELECT household FROM rule_due WHERE part = ? AND (region = '' OR substr(region, 1, ?) = ?) "
            "AND (reads & ?) <> 0", (partition, len(scope), scope, bit))
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

    def _has_reads(self) -> bool:
        try:
            self._tables.execute("SELECT reads FROM rule_due WHERE 1 = 0")
        except (sqlite3.Error, psycopg.Error):
            return False
        return True

    def _write(self, sql: str, partition: int, dates: dict[str, Due]) -> None:
        rows = [(household, partition, due.day.isoformat(), due.region, due.reads)
                for household, due in sorted(dates.items())]
        if rows:
            self._tables.execute_many(sql, rows)
