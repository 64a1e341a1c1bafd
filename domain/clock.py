"""The Clock aggregate: time is an event (DESIGN.md § Principles, 4).

Rules never read the wall clock; deadlines are judged on the date of the
latest `clock.tick`, so a replay of the same events gives the same alerts.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import stable_id

CLOCK_ID = stable_id("clock")


class Clock(Aggregate):
    """The system clock as a sequence of ticks (one date each)."""

    @staticmethod
    def create_id() -> UUID:
        return CLOCK_ID

    @event("Started")
    def __init__(self) -> None:
        self.today: str | None = None

    @event("Ticked")
    def tick(self, date: str, observation_id: str) -> None:
        """Advance to `date`; a tick never moves the clock backwards."""
        if self.today is None or date > self.today:
            self.today = date
