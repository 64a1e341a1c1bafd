"""The alerts application: alerts and the per-household alert books, with the rule worker's tracking.

It keeps *tracking records* beside its events: how far the rule worker has handled the households
log, per partition, written in the same transaction as the alerts that handling raised or cleared
(exactly-once effect).
"""

from __future__ import annotations

from typing import Any

from eventsourcing.application import ProcessingEvent
from eventsourcing.persistence import ApplicationRecorder, ProcessRecorder, Tracking

from domain.tracked_application import TrackedApplication

import domain.renamed_topics  # noqa: F401 - events stored before the move still load


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
