"""The Clock aggregate: time is an event (DESIGN.md § Principles, 4).

Rules never read the wall clock; deadlines are judged on the date of the
latest `clock.tick`, so a replay of the same events gives the same alerts.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any
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


TICK_NAMESPACE = uuid.UUID("6f1c3a52-8d0e-4a51-9d3e-2f0b7c6e9a10")


def tick(on: date, salt: str = "") -> dict[str, Any]:
    """The `clock.tick` observation for a day: its id is derived from the day (and who ticks), so a
    re-sent tick is a duplicate and changes nothing."""
    return {
        "observation_id": str(uuid.uuid5(TICK_NAMESPACE, f"tick:{salt}:{on.isoformat()}")),
        "informant": "scheduler",
        "observed_at": f"{on.isoformat()}T00:00:00+08:00",
        "kind": "clock.tick",
        "household": None,
        "data": {"date": on.isoformat()},
    }
