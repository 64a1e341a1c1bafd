"""Rebuild the read views from the event logs, in place or into a shadow copy compared with the live views.

In place: every view row and position is dropped in one transaction, then every source is replayed
from notification 1. Shadow: the live views' positions are read in a read transaction (a snapshot,
so a running projection loop may go on), a fresh copy (a scratch SQLite file, or a scratch schema of the
same PostgreSQL database) is projected to exactly those positions, and every table is compared row by row
with the snapshot; none should differ. Both run on either backend (`ViewStore.snapshot`, `.shadow`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from projections.runner import ProjectionRunner
from projections.view_store import ViewStore

Progress = Callable[[int], None]
Reveal = Callable[[Any], Any]  # a stored value as the reader sees it (sealed fields opened)


@dataclass(frozen=True)
class Difference:
    """One row or value that differs between the live views and the rebuilt copy."""

    view: str
    key: str
    column: str  # "*" when the whole row is missing from one side
    live: Any
    rebuilt: Any

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class ShadowReport:
    positions: dict[str, int]
    rows: dict[str, int] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)
    events: int = 0


def rebuild_in_place(apps: Mapping[str, Any], views: ViewStore, progress: Progress = lambda n: None) -> int:
    """Drop every view and replay every source from the start; returns the events applied."""
    with views.transaction() as db:
        for table in _tables(db):
            db.execute(f'DELETE FROM "{table}"')
    return _replay(ProjectionRunner(apps, views), progress)


def rebuild_shadow(apps: Mapping[str, Any], live: ViewStore, progress: Progress = lambda n: None,
                   reveal: Reveal = lambda v: v) -> ShadowReport:
    """Project a fresh copy (a scratch file, or a scratch schema on PostgreSQL) to the live positions and
    report every difference (the live views are only read, in one snapshot)."""
    with live.snapshot() as snapshot:
        positions = {row[0]: int(row[1]) for row in snapshot.execute("SELECT source, position FROM tracking")}
        with live.shadow() as shadow:
            report = ShadowReport(positions)
            report.events = _replay(ProjectionRunner(apps, shadow, until=positions), progress)
            with shadow.snapshot() as rebuilt:
                _compare(snapshot, rebuilt, report, reveal)
    return report


def _replay(runner: ProjectionRunner, progress: Progress) -> int:
    total = 0
    while applied := runner.run_once():
        total += applied
        progress(applied)
    return total


def _tables(db: Any) -> list[str]:
    return list(db.tables())


def _compare(live: Any, rebuilt: Any, report: ShadowReport, reveal: Reveal) -> None:
    for table in sorted(set(_tables(live)) | set(_tables(rebuilt))):
        live_rows, rebuilt_rows = _rows(live, table, reveal), _rows(rebuilt, table, reveal)
        report.rows[table] = len(live_rows)
        for key in sorted(live_rows.keys() | rebuilt_rows.keys()):
            report.differences.extend(_row_differences(table, key, live_rows.get(key), rebuilt_rows.get(key)))


def _rows(db: Any, table: str, reveal: Reveal) -> dict[str, dict[str, Any]]:
    """The table's rows by primary key (the whole row when it has none); empty if the table is absent."""
    info = db.columns(table)
    if not info:
        return {}
    columns = [name for name, _ in info]
    key_columns = [name for name, key in sorted((c for c in info if c[1]), key=lambda c: c[1])] or columns
    cursor = db.execute(f'SELECT {", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)} FROM "{table}"')
    rows: dict[str, dict[str, Any]] = {}
    for values in cursor.fetchall():
        row = {column: reveal(value) for column, value in zip(columns, values)}
        rows["|".join(str(row[k]) for k in key_columns)] = row
    return rows


def _row_differences(table: str, key: str, live: dict[str, Any] | None,
                     rebuilt: dict[str, Any] | None) -> list[Difference]:
    if live is None or rebuilt is None:
        return [Difference(table, key, "*", "present" if live else "missing", "present" if rebuilt else "missing")]
    return [Difference(table, key, column, live.get(column), rebuilt.get(column))
            for column in sorted(live.keys() | rebuilt.keys()) if live.get(column) != rebuilt.get(column)]
