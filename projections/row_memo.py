"""View rows a batch of events has read or written, kept until its transaction ends.

Why: a batch of a thousand events names the same household or alert again and again, and on PostgreSQL
every read of its row is a round trip. Reads within one transaction see its own writes, so a row kept
here once the projector has written it is what a fresh read would answer. Only `ViewStore.batch` gives a
connection a memo; it starts empty and is dropped with the transaction (a rolled-back batch forgets it).
A connection outside a batch (a test's, an alert folded in memory) keeps nothing: every read asks.
"""

from __future__ import annotations

from typing import Any, Callable

Rows = dict[str, dict[str, Any]]  # a row's key → its kept columns, as the table holds them
Flush = Callable[[Any, dict[Any, Any]], None]  # (the connection, the rows held back)


def memo(db: Any, table: str) -> Rows:
    """The kept rows of `table` in this batch (a fresh, unshared dict when `db` is in no batch)."""
    memos: dict[str, Rows] | None = getattr(db, "memos", None)
    if memos is None:
        return {}
    return memos.setdefault(table, {})


def held_back(db: Any, table: str, flush: Flush) -> dict[Any, Any] | None:
    """Writes of `table` this batch holds back, keyed by row, and written by `flush(db, rows)` when the batch
    ends (before its commit); None when `db` is in no batch: the caller writes at once."""
    flushes: dict[str, Flush] | None = getattr(db, "flushes", None)
    if flushes is None:
        return None
    flushes.setdefault(table, flush)
    return memo(db, f"{table}:held")


def flush_held(db: Any) -> None:
    """Write what the batch held back, table by table in the order they were first held."""
    for table, flush in (getattr(db, "flushes", None) or {}).items():
        flush(db, memo(db, f"{table}:held"))
