"""Events stored before the restructuring name their classes by the old modules; they still load."""

from __future__ import annotations

from eventsourcing.persistence import StoredEvent

import domain.renamed_topics  # noqa: F401
from domain.households.application import HouseholdsApp
from domain.households.clock import Clock


def test_an_event_stored_under_its_old_module_topic_loads_as_the_moved_class() -> None:
    app = HouseholdsApp(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    clock = Clock()
    clock.tick("2026-12-02", "tick-1")
    app.save(clock)
    stored = app.recorder.select_events(clock.id)
    old = [StoredEvent(s.originator_id, s.originator_version, s.topic.replace("domain.households.clock", "domain.clock"),
                       s.state) for s in stored]
    assert all(s.topic.startswith("domain.clock:") for s in old)
    fresh = HouseholdsApp(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    fresh.recorder.insert_events(old)
    loaded = fresh.repository.get(clock.id)
    assert isinstance(loaded, Clock) and loaded.version == clock.version


def test_every_moved_module_with_events_is_registered() -> None:
    from domain.renamed_topics import MOVED
    assert {"domain.alert", "domain.household", "domain.resident", "domain.receipt", "domain.clock", "domain.user",
            "domain.jurisdiction", "domain.policy", "domain.access_log"} <= set(MOVED)
