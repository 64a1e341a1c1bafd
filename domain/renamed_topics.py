"""Old topics of moved modules, so that events stored before the restructuring still load.

A stored event names its class by topic (`domain.alert:Alert.Raised`); issue 15 moved the modules
into one folder per application, so each class of a moved module is registered under its old module.
Classes, not modules: `domain.policy` is now a package, and a module registered under that name
would capture every topic below it (`domain.policy.book:…` would resolve in `domain.policy.book.book`).
Readers that select notifications by topic ask for the old topics too (`stored_topics`).
"""

from __future__ import annotations

from types import ModuleType

from eventsourcing.utils import get_topic, register_topic

from domain.alerts import alert
from domain.audit import access_log
from domain.households import clock, household, receipt, resident
from domain.identity import jurisdiction, user
from domain.policy import book

MOVED: dict[str, ModuleType] = {
    "domain.alert": alert,
    "domain.access_log": access_log,
    "domain.clock": clock,
    "domain.household": household,
    "domain.receipt": receipt,
    "domain.resident": resident,
    "domain.jurisdiction": jurisdiction,
    "domain.user": user,
    "domain.policy": book,
}


def classes_of(module: ModuleType) -> dict[str, type]:
    """The classes a module defines itself (aggregates; their events are nested in them)."""
    return {name: value for name, value in vars(module).items()
            if isinstance(value, type) and value.__module__ == module.__name__}


def stored_topics(*classes: type) -> tuple[str, ...]:
    """Every topic events of these classes may be stored under: the current one, then those before the move."""
    topics: list[str] = []
    for cls in classes:
        topics.append(get_topic(cls))
        topics.extend(f"{old}:{cls.__qualname__}" for old, new in MOVED.items() if new.__name__ == cls.__module__)
    return tuple(topics)


for old_module, new_module in MOVED.items():
    for name, cls in classes_of(new_module).items():
        register_topic(f"{old_module}:{name}", cls)
