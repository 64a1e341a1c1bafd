"""The event-sourced applications: households (intake) and alerts (rule outcomes).

Each application has its own store (one SQLite file each, since eventsourcing's
SQLite table names are fixed), and records tracking positions atomically with
new events, which is what gives consumers their exactly-once effect.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Recorder, Tracking

from infra.settings import Settings


class TrackedApplication(Application):
    """An application whose saves can carry the position of what caused them."""

    log_section_size = 1000

    def construct_recorder(self) -> Recorder:
        return self.factory.process_recorder()

    def save_tracked(self, tracking: Tracking, *aggregates: Aggregate) -> None:
        """Save `aggregates` and `tracking` in one transaction; a replayed position is refused."""
        processing_event: ProcessingEvent[Any] = ProcessingEvent(tracking)
        processing_event.collect_events(*aggregates)
        recordings = self._record(processing_event)
        self._notify(recordings)

    def position(self, tracking_name: str) -> int | None:
        return self.recorder.max_tracking_id(tracking_name)  # type: ignore[attr-defined]


class HouseholdsApp(TrackedApplication):
    """Households, residents, observation receipts and the clock."""

    name = "households"


class AlertsApp(TrackedApplication):
    """Alerts and the per-household alert books."""

    name = "alerts"


def open_households(settings: Settings) -> HouseholdsApp:
    env = settings.store_env("households")
    env["AGGREGATE_CACHE_MAXSIZE"] = "20000"
    return HouseholdsApp(env=env)


def open_alerts(settings: Settings) -> AlertsApp:
    return AlertsApp(env=settings.store_env("alerts"))
