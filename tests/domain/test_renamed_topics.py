"""Events stored before the restructuring name their classes by the old modules; they still load,
and the readers that select events by topic still find them."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

from domain.households.application import HouseholdsApp
from domain.households.clock import Clock
from domain.households.household import Household
from domain.policy.book import PolicyBook
from domain.renamed_topics import MOVED, classes_of, stored_topics
from rules.household_directory import HouseholdDirectory
from tests.spec_paths import ROOT

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
REGISTERED: dict[str, Any] = {
    "observation_id": "o1", "informant": "t", "observed_at": "2025-08-03T10:00:00+08:00",
    "kind": "household.registered", "household": "H1", "resident": None,
    "data": {"region": "500103001001", "grid": "g", "address": "某街道", "hukou": "urban",
             "members": [{"resident": "R1", "name": "王某", "sex": "M", "birth_date": "1978-04-02",
                          "relation": "head", "id_number": "secret"}]},
}


def _as_before_the_move(app: Application, aggregate_id: Any) -> list[StoredEvent]:
    """The aggregate's stored events with the topics they had before the modules moved."""
    renamed = {new.__name__: old for old, new in MOVED.items()}
    stored = []
    for s in app.recorder.select_events(aggregate_id):
        module, _, name = s.topic.partition(":")
        stored.append(StoredEvent(s.originator_id, s.originator_version, f"{renamed[module]}:{name}", s.state))
    return stored


def test_an_event_stored_under_its_old_module_topic_loads_as_the_moved_class() -> None:
    app = HouseholdsApp(env=POPO)
    clock = Clock()
    clock.tick("2026-12-02", "tick-1")
    app.save(clock)
    old = _as_before_the_move(app, clock.id)
    assert all(s.topic.startswith("domain.clock:") for s in old)
    fresh = HouseholdsApp(env=POPO)
    fresh.recorder.insert_events(old)
    loaded = fresh.repository.get(clock.id)
    assert isinstance(loaded, Clock) and loaded.version == clock.version


def test_every_moved_module_with_events_is_registered() -> None:
    assert {"domain.alert", "domain.household", "domain.resident", "domain.receipt", "domain.clock", "domain.user",
            "domain.jurisdiction", "domain.policy", "domain.access_log"} <= set(MOVED)


@pytest.mark.parametrize("old", sorted(MOVED))
def test_each_class_and_event_of_a_moved_module_resolves_from_its_old_topic(old: str) -> None:
    for name, cls in classes_of(MOVED[old]).items():
        assert resolve_topic(f"{old}:{name}") is cls
        for event_name, event in vars(cls).items():
            if isinstance(event, type) and event.__qualname__ == f"{name}.{event_name}":
                assert resolve_topic(f"{old}:{name}.{event_name}") is event


def test_the_new_topics_of_a_module_moved_under_an_old_name_still_resolve() -> None:
    """`domain.policy` was a module and is now a package: its new modules are not captured by the old name.
    Run in a fresh interpreter, where no topic is cached yet (this one may have met them all)."""
    script = ("import domain.renamed_topics\n"
              "from eventsourcing.utils import resolve_topic\n"
              "print(resolve_topic('domain.policy.book:PolicyBook.ValueSet').__qualname__)\n"
              "print(resolve_topic('domain.policy.parameters:ParameterTable').__module__)\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["PolicyBook.ValueSet", "domain.policy.parameters"]


def test_stored_topics_name_the_current_topic_then_the_old() -> None:
    assert stored_topics(Household.Observed) == (get_topic(Household.Observed), "domain.household:Household.Observed")
    assert stored_topics(PolicyBook.ValueSet)[1:] == ("domain.policy:PolicyBook.ValueSet",)


def test_the_rule_workers_directory_finds_a_household_registered_before_the_move() -> None:
    app = HouseholdsApp(env=POPO)
    household = Household("H1", REGISTERED)
    app.save(household)
    fresh = HouseholdsApp(env=POPO)
    fresh.recorder.insert_events(_as_before_the_move(app, household.id))
    assert HouseholdDirectory(fresh).refresh() == ["H1"]
    assert fresh.repository.get(household.id).observations[0]["observation_id"] == "o1"
