"""Each household's observations read once and kept until the households store records anything new
for it, and what a report derives from them (the residents as of a day) kept with them.

Why: the audit reports read every household of a district (3,000 on the demo); loading each aggregate
again on every page costs seconds. Why it is exact: before answering, the cache reads the store's
notifications recorded since the last it saw and drops every household they name. The notification
log is the store's own order of writes, so nothing recorded is missed; a household read after the
refresh is at least as new as the notifications say, and a later write to it is dropped at the next one.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Hashable, TypeVar
from uuid import UUID

from domain.households.application import HouseholdsApp
from domain.households.household import Household
from domain.households.reads import observations_of

T = TypeVar("T")
BATCH = 1000


class HouseholdReads:
    """Observations per household (and values derived from them), refreshed from the notification log."""

    def __init__(self, households: HouseholdsApp) -> None:
        self._households = households
        self._lock = threading.RLock()
        self._seen = 0  # the last notification id read
        self._observations: dict[UUID, list[dict[str, Any]]] = {}
        self._derived: dict[UUID, dict[Hashable, Any]] = {}
        self._ids: dict[str, UUID] = {}  # household -> aggregate id (a UUID5: hashing it costs more than the look-up)

    def head(self) -> int:
        """The store's last notification id (0 for an empty store): what a report over it was read at."""
        return int(self._households.recorder.max_notification_id() or 0)

    def refresh(self) -> int:
        """Drop every household written since the last refresh; the head read up to."""
        with self._lock:
            recorder = self._households.recorder
            while batch := recorder.select_notifications(self._seen + 1, BATCH):
                for notification in batch:
                    self._observations.pop(notification.originator_id, None)
                    self._derived.pop(notification.originator_id, None)
                self._seen = batch[-1].id
            return self._seen

    def observations_of(self, household: str) -> list[dict[str, Any]]:
        """The household's observations as the store holds them (shared: callers must not change them)."""
        key = self._id(household)
        with self._lock:
            found, seen = self._observations.get(key), self._seen
        if found is None:
            found = observations_of(self._households, household)
            with self._lock:
                if self._seen == seen:  # no refresh ran meanwhile (it might have dropped what was just read)
                    self._observations[key] = found
        return found

    def derived(self, household: str, name: Hashable, compute: Callable[[list[dict[str, Any]]], T]) -> T:
        """`compute(observations)` for the household, kept under `name` until the household changes."""
        key = self._id(household)
        with self._lock:
            kept, seen = self._derived.get(key, {}), self._seen
            if name in kept:
                return kept[name]  # type: ignore[no-any-return]
        value = compute(self.observations_of(household))
        with self._lock:
            if self._seen == seen:
                self._derived.setdefault(key, {})[name] = value
        return value

    def _id(self, household: str) -> UUID:
        found = self._ids.get(household)
        if found is None:
            found = self._ids[household] = Household.id_for(household)
        return found
