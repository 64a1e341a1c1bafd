"""Per household, the date its judgement is next due: what a clock tick re-judges (issue 16).

A household is due on the earliest of: its facts' next change (`domain.facts.next_change`), the end
of a snooze on its alert book (a slot that still holds reopens then), and the acknowledgement deadline
of an open alert not yet escalated (LATE.ALERT_UNHANDLED). A household with no recorded date (never
judged since due dates were kept, or a store lost) is due at once, so a missing row only costs time.

The worker writes dates in two steps around the transaction of its alerts and tracking record: before
it, each household's date is lowered to the earlier of the old and the new one; after it, set to the
new one. A crash between the two leaves a date that is too early (a harmless extra judgement), never
one that is too late, so the dates need not share the alerts store's transaction.

Beside the date, the parameter names the judgement read are kept as a mask of bits (`reads_mask`): a
parameter change re-judges the households of its region whose judgement read the name (an urban dibao
standard is not read by a rural household). Lowering keeps the bits of both judgements, for the same
reason it keeps the earlier date.
"""

from __future__ import annotations

import zlib
from datetime import date, timedelta
from typing import Iterable, NamedTuple, Protocol

from domain.alerts.alert import AlertBook

NEVER = date.max  # a household whose judgement time alone cannot change
ONE_DAY = timedelta(days=1)


EVERY_NAME = -1  # a reads mask with every bit set: a household whose reads are not known


class Due(NamedTuple):
    """What is kept per household: when it is next due, its region as judged, and a mask of the parameter
    names its judgement read (`reads_mask`), which a parameter change is matched against."""

    day: date
    region: str
    reads: int = EVERY_NAME


def name_bit(name: str) -> int:
    """One of 62 bits, from a stable hash of the name: two names may share a bit (a household is then
    judged for a change it did not read: harmless), a name never moves to another bit between releases."""
    return 1 << (zlib.crc32(name.encode()) % 62)


def reads_mask(names: Iterable[str] | None) -> int:
    """The bits of these names; every bit when they are not known (a failed judgement)."""
    if names is None:
        return EVERY_NAME
    mask = 0
    for name in names:
        mask |= name_bit(name)
    return mask


class DueDates(Protocol):
    """Where the worker keeps each household's next-due date, per partition."""

    def due(self, partition: int, upto: date) -> set[str]:
        """Households of the partition due on or before `upto`."""
        ...

    def recorded(self, partition: int) -> set[str]:
        """Households of the partition that have a date at all."""
        ...

    def in_region(self, partition: int, scope: str, name: str | None = None) -> set[str]:
        """Households of the partition whose region (as last judged) starts with `scope`, and those
        whose region is not known (a household whose facts could not be derived); with `name`, only
        those whose judgement read it (or may have: a shared bit, reads not known)."""
        ...

    def lower(self, partition: int, dates: dict[str, Due]) -> None:
        """Set each household's date to the earlier of its recorded one and the given one, and its reads
        to the names of both."""
        ...

    def record(self, partition: int, dates: dict[str, Due]) -> None:
        """Set each household's date and region."""
        ...

    def forget(self, partition: int, households: Iterable[str]) -> None:
        """Drop the households' dates (they are due at the next tick)."""
        ...

    def mark(self, name: str) -> int:
        """A named position the worker keeps beside the dates (0: none)."""
        ...

    def set_mark(self, name: str, position: int) -> None: ...


class MemoryDueDates:
    """Due dates in memory: for tests and tools that run one worker once (lost with the process,
    which makes every household due again: correct, only slower)."""

    def __init__(self) -> None:
        self.dates: dict[int, dict[str, Due]] = {}
        self.marks: dict[str, int] = {}

    def due(self, partition: int, upto: date) -> set[str]:
        return {h for h, due in self.dates.get(partition, {}).items() if due.day <= upto}

    def recorded(self, partition: int) -> set[str]:
        return set(self.dates.get(partition, {}))

    def in_region(self, partition: int, scope: str, name: str | None = None) -> set[str]:
        bit = EVERY_NAME if name is None else name_bit(name)
        return {h for h, due in self.dates.get(partition, {}).items()
                if (due.region.startswith(scope) or not due.region) and due.reads & bit}

    def lower(self, partition: int, dates: dict[str, Due]) -> None:
        mine = self.dates.setdefault(partition, {})
        for household, due in dates.items():
            kept = mine.get(household, due)
            mine[household] = due._replace(day=min(due.day, kept.day), reads=due.reads | kept.reads)

    def record(self, partition: int, dates: dict[str, Due]) -> None:
        self.dates.setdefault(partition, {}).update(dates)

    def forget(self, partition: int, households: Iterable[str]) -> None:
        mine = self.dates.get(partition, {})
        for household in households:
            mine.pop(household, None)

    def mark(self, name: str) -> int:
        return self.marks.get(name, 0)

    def set_mark(self, name: str, position: int) -> None:
        self.marks[name] = position


def snooze_ends(book: AlertBook | None, on: date) -> list[date]:
    """The days after `on` on which a snooze of the book ends (the day before as well: see `next_change`)."""
    if book is None:
        return []
    ends = [date.fromisoformat(until) for until in book.snoozed_until.values()]
    return [day for end in ends for day in (end - ONE_DAY, end) if day > on]


def earliest(on: date, *candidates: Iterable[date | None]) -> date:
    """The earliest candidate after `on`; NEVER when there is none."""
    later = [d for group in candidates for d in group if d is not None and d > on]
    return min(later, default=NEVER)
