"""The relay: tail the event stores' notification logs and publish to `qianshao.events`.

Records are keyed by household id, so one household's events stay in order on
one partition. A clock tick or a parameter change concerns every household, so
it is published to every partition (key "clock"); each rule worker then judges
its own households.
"""

from __future__ import annotations

import threading
from typing import Any, Mapping

from kafka import KafkaProducer

from infra.event_store import TrackedApplication
from infra.integration_events import CLOCK_KEY, to_integration_event
from infra.positions import PositionStore

BROADCAST = ("clock.ticked", "parameter.set")


class Relay:
    """Publishes integration events from several applications, remembering how far it got."""

    def __init__(
        self,
        apps: Mapping[str, TrackedApplication],
        producer: KafkaProducer,
        topic: str,
        partitions: int,
        positions: PositionStore,
    ) -> None:
        self.apps = apps
        self.producer = producer
        self.topic = topic
        self.partitions = partitions
        self.positions = positions
        self._alert_households: dict[Any, str] = {}

    def run_once(self, limit: int = 1000) -> int:
        """Publish what is new in every application; returns how many events were read."""
        return sum(self._relay(name, app, limit) for name, app in self.apps.items())

    def caught_up(self) -> bool:
        return all(self.positions.get(f"relay:{n}") >= (a.recorder.max_notification_id() or 0) for n, a in self.apps.items())

    def run(self, stop: threading.Event, idle_wait: float = 0.05) -> None:
        while not stop.is_set():
            if self.run_once() == 0:
                stop.wait(idle_wait)

    def _relay(self, name: str, app: TrackedApplication, limit: int) -> int:
        start = self.positions.get(f"relay:{name}") + 1
        notifications = app.recorder.select_notifications(start, limit)
        for notification in notifications:
            event = app.mapper.to_domain_event(notification)
            published = to_integration_event(name, notification.id, event, self._household_of(app))
            if published is not None:
                self._publish(published)
        if notifications:
            self.producer.flush()
            self.positions.set(f"relay:{name}", notifications[-1].id)
        return len(notifications)

    def _publish(self, record: dict[str, Any]) -> None:
        if record["type"] in BROADCAST:
            for partition in range(self.partitions):
                self.producer.send(self.topic, key=CLOCK_KEY, value=record, partition=partition)
            return
        if record["type"] == "alert.raised":
            self._alert_households[record["alert"]["id"]] = record["household"]
        self.producer.send(self.topic, key=record["household"], value=record)

    def _household_of(self, app: TrackedApplication) -> Any:
        def household_of(alert_id: Any) -> str | None:
            known = self._alert_households.get(str(alert_id))
            if known is None:
                known = app.repository.get(alert_id).household
                self._alert_households[str(alert_id)] = known
            return known

        return household_of
