"""Reports kept for as long as nothing they read has changed: keyed on the read views' positions (the
tracking table says how far each source has been applied) and the households store's head.

Why: the equity, response-time and dashboard reports read whole districts; computed on every page
they took seconds. Why it is exact: a view changes only by a batch applied together with a new
tracking position, and the store only by a new notification, so the same positions mean the same
rows; anything else a report depends on (the region, the day, the grouping) is part of its key.
Only the sources whose events change the tables the reports read are in the key (`SOURCES`): the
audit log's events change only the access log view, which no report reads, and every page that shows
personal data adds one, so keying on it would drop every report at each such page.
Households are read through `HouseholdReads`, refreshed before each computation, so a report that must
be computed again reloads only the households written since the last one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable, TypeVar

from domain.households.application import HouseholdsApp
from projections.household_reads import HouseholdReads

T = TypeVar("T")
KEPT = 64  # reports kept (region × day × options), the least recently used dropped first
# The view sources whose events write the tables the reports read: `alerts` (alert queue, informant
# activity) and `households` (household view, informant activity). Not `audit` (access log only).
SOURCES = ("alerts", "households")


class ReportCache:
    """`get(name, args, compute)`: the report computed at the current positions, computed at most once."""

    def __init__(self, views: Any, households: HouseholdsApp, kept: int = KEPT) -> None:
        self._views = views
        self.households = HouseholdReads(households)
        self._kept = kept
        self._reports: OrderedDict[Hashable, Any] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}  # a lock per report being computed
        self._lock = threading.Lock()

    def positions(self) -> tuple[Any, ...]:
        """The applied position of each of `SOURCES` and the households store's head, read now."""
        marks = ", ".join("?" for _ in SOURCES)
        rows = self._views.query(f"SELECT source, position FROM tracking WHERE source IN ({marks}) ORDER BY source",
                                 SOURCES)
        return tuple((row["source"], int(row["position"])) for row in rows) + (self.households.head(),)

    def get(self, name: str, args: Hashable, compute: Callable[[HouseholdReads], T]) -> T:
        """The report `name` for `args`, from the cache when the positions are those it was computed at.
        A page asking for a report being computed (by the warmer, or another page) waits for that one
        instead of computing it a second time beside it."""
        key = (name, args, self.positions())
        with self._lock:
            found = self._found(key)
            computing = self._computing.setdefault(key, threading.Lock())
        if found is not None:
            return found[0]  # type: ignore[no-any-return]
        with computing:
            with self._lock:
                found = self._found(key)
            if found is not None:
                return found[0]  # type: ignore[no-any-return]
            self.households.refresh()
            value = compute(self.households)
            with self._lock:
                self._reports[key] = value
                self._computing.pop(key, None)
                while len(self._reports) > self._kept:
                    self._reports.popitem(last=False)
        return value

    def _found(self, key: Hashable) -> tuple[Any] | None:
        """(the kept report,) or None; called holding the lock."""
        if key not in self._reports:
            return None
        self._reports.move_to_end(key)
        return (self._reports[key],)
