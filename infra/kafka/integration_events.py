"""Integration events: the stable JSON published on `qianshao.events`.

Stored events are never published as they are (they may be compressed or
encrypted, and their classes are internal). A record carries no personal data at
all, masked or not: ids, kinds, changed field names, codes, dates of the system's
own life and log positions. A consumer that needs what was observed reads the
household from the store or the API, as the rule worker does (it uses only
`source` and `position`). Each published record is:

    {"schema": "qianshao.event/2",
     "event_id": "households:42",          # source application and notification id: unique, use to dedupe
     "source": "households" | "alerts",
     "position": 42,
     "type": "household.registered" | "household.observed" | "household.corrected" | "household.retracted"
             | "clock.ticked" | "parameter.set"
             | "alert.raised" | "alert.cleared" | "alert.assigned" | "alert.acknowledged" | "alert.escalated"
             | "alert.verification_requested" | "alert.verification_recorded" | "alert.resolved"
             | "alert.reopened",
     "household": "H-…" | null,            # also the Kafka key ("clock" for ticks)
     "occurred_at": "2026-…Z",             # when it was recorded
     "observation": {"observation_id", "kind", "household", "resident", "informant", "observed_at",
                     "fields": [names]},   # household.* but retracted: which data fields it reported, not their values
     "region", "grid", "residents": [ids], # household.registered: where, and the members' resident ids
     "corrects": "OBS-…",                  # household.corrected: the observation it replaces
     "retracts": "OBS-…", "by",            # household.retracted: the observation withdrawn (the reason is not published)
     "date": "YYYY-MM-DD",                 # clock.ticked
     "parameter": {name, region, from, value, set_by, reason},   # parameter.set
     "alert": {…}}                         # alert.* : id, rule, severity, status, subject, resident, who and when
                                           # (notes and reasons, free text about the case, are not published)

Other stored events (receipts, the resident index, alert books) are internal and
not published.
"""

from __future__ import annotations

from typing import Any, Callable

from domain.alerts.alert import Alert
from domain.event_kinds import kind_of
from domain.households.clock import Clock
from domain.households.household import Household
from domain.policy.book import PolicyBook

SCHEMA = "qianshao.event/2"
CLOCK_KEY = "clock"
OBSERVATION_KEYS = ("observation_id", "kind", "household", "resident", "informant", "observed_at")


def observation_summary(observation: dict[str, Any]) -> dict[str, Any]:
    """What an observation was (ids, kind, who sent it, when it happened, the fields it reported), not what it said."""
    data = observation.get("data") or {}
    return {**{k: observation.get(k) for k in OBSERVATION_KEYS}, "fields": sorted(data)}


def _base(source: str, position: int, household: str | None, event: Any) -> dict[str, Any]:
    """The fields every record has; its `type` is the event's kind (domain.event_kinds)."""
    kind = kind_of(event)
    assert kind is not None, f"{type(event).__qualname__} has no published kind"
    return {
        "schema": SCHEMA,
        "event_id": f"{source}:{position}",
        "source": source,
        "position": position,
        "type": kind,
        "household": household,
        "occurred_at": event.timestamp.isoformat(),
    }


def _where(registration: dict[str, Any]) -> dict[str, Any]:
    """A registration's region and grid codes and its members' resident ids."""
    data = registration.get("data") or {}
    residents = [m.get("resident") for m in data.get("members") or [] if isinstance(m, dict)]
    return {"region": data.get("region"), "grid": data.get("grid"), "residents": residents}


def _alert(event: Any, alert: dict[str, Any]) -> dict[str, Any]:
    return {"id": str(event.originator_id), **alert}


def to_integration_event(
    source: str, position: int, event: Any, household_of: Callable[[Any], str | None] = lambda _: None
) -> dict[str, Any] | None:
    """The published form of a stored domain event, or None for internal events.

    `household_of(alert_id)` names the household of an alert whose event does not carry it.
    """
    if isinstance(event, Household.Registered):
        body = _base(source, position, event.household_id, event)
        return {**body, "observation": observation_summary(event.observation), **_where(event.observation)}
    if isinstance(event, Household.Observed):
        household = event.observation["household"]
        return {**_base(source, position, household, event),
                "observation": observation_summary(event.observation)}
    if isinstance(event, Household.Corrected):
        household = event.observation["household"]
        return {**_base(source, position, household, event),
                "observation": observation_summary(event.observation), "corrects": event.original_id}
    if isinstance(event, Household.Retracted):
        household = event.original["household"]
        return {**_base(source, position, household, event), "retracts": event.original_id,
                "by": event.by}
    if isinstance(event, Clock.Ticked):
        return {**_base(source, position, None, event), "date": event.date}
    if isinstance(event, PolicyBook.ValueSet):
        value = {"name": event.name, "region": event.region, "from": event.effective_from, "value": event.value,
                 "set_by": event.set_by, "reason": event.reason}
        return {**_base(source, position, None, event), "parameter": value}
    return _alert_event(source, position, event, household_of)


def _alert_event(
    source: str, position: int, event: Any, household_of: Callable[[Any], str | None]
) -> dict[str, Any] | None:
    if isinstance(event, Alert.Raised):
        alert = {
            "rule": event.rule,
            "rule_version": event.rule_version,
            "severity": event.severity,
            "subject_kind": event.subject_kind,
            "subject": event.subject,
            "resident": event.resident,
            "episode": event.episode,
            "status": "open",
            "on": event.raised_on,
            "title": event.explanation.get("title"),
        }
        return {**_base(source, position, event.household, event), "alert": _alert(event, alert)}
    named: dict[type, Callable[[Any], dict[str, Any]]] = {
        Alert.Cleared: lambda e: {"status": "closed", "reason": "condition_cleared", "on": e.on},
        Alert.Acknowledged: lambda e: {"by": e.by, "on": e.on},
        Alert.Escalated: lambda e: {"to": e.to, "on": e.on, "deadline": e.deadline},
        Alert.Resolved: lambda e: {"status": "closed", "reason": e.outcome, "by": e.by, "on": e.on},
        Alert.Assigned: lambda e: {"to": e.to, "by": e.by, "on": e.on},
        Alert.VerificationRequested: lambda e: {"grid": e.grid, "by": e.by, "on": e.on},
        Alert.VerificationRecorded: lambda e: {"outcome": e.outcome, "visited_on": e.visited_on,
                                               "by": e.by, "on": e.on},
        Alert.Reopened: lambda e: {"status": "open", "by": e.by, "on": e.on},
    }
    for cls, fields in named.items():
        if isinstance(event, cls):
            body = _base(source, position, household_of(event.originator_id), event)
            return {**body, "alert": _alert(event, fields(event))}
    return None
