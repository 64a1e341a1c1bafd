"""Record events "on" a chosen day: the moment eventsourcing stamps on new events, for tests and
benchmarks that need a history recorded over several days (a back-test replays by recorded day)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, time, timezone
from typing import Iterator
from zoneinfo import ZoneInfo

import eventsourcing.domain

CHINA = ZoneInfo("Asia/Shanghai")


class RecordingClock:
    """While active, every new event is stamped with `now` (10:00 China time of the day set)."""

    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc)

    def on(self, day: date) -> None:
        self.now = datetime.combine(day, time(10), CHINA).astimezone(timezone.utc)

    @contextmanager
    def active(self) -> Iterator["RecordingClock"]:
        original = eventsourcing.domain.datetime_now_with_tzinfo
        eventsourcing.domain.datetime_now_with_tzinfo = lambda: self.now
        try:
            yield self
        finally:
            eventsourcing.domain.datetime_now_with_tzinfo = original
