"""Which households are registered, in which partition each one is, and which household a households
notification concerns: what a broadcast judges in a partition, and whom a log stretch asks to judge.

It is read from the log's registrations, incrementally. Decoding (and decrypting) every registration was
a third of a fresh worker's daily tick in a city of 10,490 households, and grows with the city; so what
was read is kept (`KnownHouseholds`: a table beside the due dates), each row with its registration's
notification id, and a worker that starts reads only what was registered after the last kept one.
Kept rows are trusted only while the log still holds that last registration where they say it is (a
households store replaced under a surviving table would otherwise hide its first registrations).
"""

from __future__ import annotations

from typing import Callable, Iterable, Protocol
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.households.application import HouseholdsApp
from domain.households.household import Household
from domain.renamed_topics import stored_topics
from domain.tracked_application import NotificationHead

# Topics as stored, before the restructuring's moves too (domain/renamed_topics.py).
REGISTERED = stored_topics(Household.Registered)
READ_CHUNK = 5000

Registration = tuple[str, UUID, int]  # (household id, its aggregate id, the registration's notification id)


class KnownHouseholds(Protocol):
    """Where a directory keeps the registrations it read. Rows are added in log order, a stretch at a
    time from the last kept one, so the kept rows are every registration up to the last of them."""

    def read(self) -> list[Registration]: ...

    def add(self, rows: list[Registration]) -> None:
        """Keep rows in one transaction (a household kept already is left as it is)."""
        ...

    def clear(self) -> None: ...


class HouseholdDirectory:
    """Every registered household: its aggregate id and its partition, each worked out once."""

    def __init__(self, households: HouseholdsApp, partition_of: Callable[[str], int] | None = None,
                 kept: KnownHouseholds | None = None) -> None:
        self.app = households
        self.partition_of = partition_of or (lambda household: 0)
        self.kept = kept
        self.ids: list[str] = []
        self.by_aggregate: dict[UUID, str] = {}
        self._by_partition: dict[int, set[str]] = {}
        self._position = 0
        self._loaded = kept is None

    def refresh(self, upto: int | None = None) -> list[str]:
        """Read the registrations up to notification `upto` (default: all), the kept ones first."""
        if not self._loaded:
            self._load_kept()
        while upto is None or self._position < upto:
            found = self.app.recorder.select_notifications(self._position + 1, READ_CHUNK, stop=upto,
                                                           topics=REGISTERED)
            if not found:
                break
            rows = [(self.app.mapper.to_domain_event(n).household_id, n.originator_id, n.id) for n in found]
            if self.kept is not None:
                self.kept.add(rows)
            self._add(rows)
        return self.ids

    def household_of(self, notification: NotificationHead | Notification) -> str | None:
        return self.by_aggregate.get(notification.originator_id)

    def of_partition(self, partition: int) -> set[str]:
        """The households of one partition (a copy: the caller may change it)."""
        return set(self._by_partition.get(partition, ()))

    def _load_kept(self) -> None:
        """Take the kept rows if the log holds their last registration where they say; else start over."""
        rows = self.kept.read()  # type: ignore[union-attr]
        if rows:
            _, aggregate, position = max(rows, key=lambda row: row[2])
            there = self.app.recorder.select_notifications(position, 1, stop=position, topics=REGISTERED)
            if there and there[0].originator_id == aggregate:
                self._add(rows)
            else:
                self.kept.clear()  # type: ignore[union-attr]
        self._loaded = True

    def _add(self, rows: Iterable[Registration]) -> None:
        for household, aggregate, position in rows:
            self._position = max(self._position, position)
            if aggregate in self.by_aggregate:
                continue
            self.ids.append(household)
            self.by_aggregate[aggregate] = household
            self._by_partition.setdefault(self.partition_of(household), set()).add(household)


__all__ = ["HouseholdDirectory", "KnownHouseholds", "REGISTERED", "Registration"]
