"""The event-sourced applications: households (intake), alerts (rule outcomes) and identity.

Each application has its own store (one SQLite file each, since eventsourcing's
SQLite table names are fixed; on PostgreSQL, tables named after the application).
The alerts application keeps *tracking records* beside its events: how far the
rule worker has handled the households log, per partition, written in the same
transaction as the alerts that handling raised or cleared (exactly-once effect).
"""

from __future__ import annotations

from typing import Any

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.persistence import ApplicationRecorder, ProcessRecorder, Tracking


class TrackedApplication(Application):
    """An application with a larger notification-log section (readers tail it in big steps)."""

    log_section_size = 1000


class HouseholdsApp(TrackedApplication):
    """Households, residents, observation receipts, the clock and the policy book."""

    name = "households"


class AlertsApp(TrackedApplication):
    """Alerts and the per-household alert books, with the rule worker's tracking records."""

    name = "alerts"

    def construct_recorder(self) -> ApplicationRecorder:
        return self.factory.process_recorder()

    @property
    def tracking(self) -> ProcessRecorder:
        assert isinstance(self.recorder, ProcessRecorder)
        return self.recorder

    def position(self, name: str) -> int:
        """How far the reader `name` has handled its source (0: nothing yet)."""
        return self.tracking.max_tracking_id(name) or 0

    def save_tracked(self, tracking: Tracking, *aggregates: Any) -> None:
        """Save the aggregates' new events and the tracking record in one transaction.

        A tracking position that is not beyond the recorded one is refused
        (IntegrityError), so the same stretch of the log is never applied twice.
        """
        processing: ProcessingEvent[Any] = ProcessingEvent(tracking)
        processing.collect_events(*aggregates)
        if processing.events:
            self._record(processing)
        else:
            self.tracking.insert_tracking(tracking)


class IdentityApp(Application):
    """Users (credential hashes only) and the jurisdiction tree; never relayed to Kafka."""

    name = "identity"


class AuditApp(Application):
    """Access records: who read which household's personal data, when and through which route."""

    name = "audit"
