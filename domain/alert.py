"""Alerts and the per-household alert book.

An `Alert` is one episode of one rule holding for one subject of a household.
The household's `AlertBook` is the index that keeps at most one open alert per
(rule, subject) slot, counts episodes (so alert ids are deterministic) and
remembers snoozes after a caseworker found the household not eligible.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import stable_id

OUTCOMES = ("enrolled", "referred", "not_eligible", "duplicate", "other")


class Alert(Aggregate):
    """A finding a caseworker must act on, with the explanation of why it was raised."""

    @staticmethod
    def create_id(household: str, slot: str, episode: int, **_: Any) -> UUID:
        return Alert.id_for(household, slot, episode)

    @staticmethod
    def id_for(household: str, slot: str, episode: int) -> UUID:
        return stable_id("alert", household, slot, str(episode))

    @event("Raised")
    def __init__(
        self,
        household: str,
        slot: str,
        episode: int,
        rule: str,
        rule_version: int,
        category: str,
        severity: str,
        subject_kind: str,
        subject: str,
        resident: str | None,
        region: str,
        raised_on: str,
        explanation: dict[str, Any],
    ) -> None:
        self.household = household
        self.slot = slot
        self.episode = episode
        self.rule = rule
        self.rule_version = rule_version
        self.category = category
        self.severity = severity
        self.subject_kind = subject_kind
        self.subject = subject
        self.resident = resident
        self.region = region
        self.raised_on = raised_on
        self.explanation = explanation
        self.status = "open"
        self.closed_on: str | None = None
        self.close_reason: str | None = None
        self.acknowledged_by: str | None = None
        self.escalated_to: str | None = None

    @event("Cleared")
    def clear(self, on: str, event_ids: list[str]) -> None:
        """The condition stopped holding: close with reason `condition_cleared`."""
        self.status = "closed"
        self.closed_on = on
        self.close_reason = "condition_cleared"

    @event("Acknowledged")
    def acknowledge(self, by: str, on: str) -> None:
        self.acknowledged_by = by

    @event("Escalated")
    def escalate(self, on: str, to: str, deadline: str) -> None:
        """Not acknowledged in time: shown to the supervisor of its jurisdiction."""
        self.escalated_to = to

    def needs_escalation(self) -> bool:
        return self.status == "open" and self.acknowledged_by is None and self.escalated_to is None

    @event("Resolved")
    def resolve(self, outcome: str, by: str, on: str, note: str) -> None:
        """A caseworker closed the alert with an outcome."""
        self.status = "closed"
        self.closed_on = on
        self.close_reason = outcome


class AlertBook(Aggregate):
    """Open alert per slot, episode counters and snoozes for one household."""

    @staticmethod
    def create_id(household: str) -> UUID:
        return AlertBook.id_for(household)

    @staticmethod
    def id_for(household: str) -> UUID:
        return stable_id("alert-book", household)

    @event("Opened")
    def __init__(self, household: str) -> None:
        self.household = household
        self.open: dict[str, str] = {}
        self.episodes: dict[str, int] = {}
        self.snoozed_until: dict[str, str] = {}
        self.failing: dict[str, str] = {}

    def next_episode(self, slot: str) -> int:
        return self.episodes.get(slot, 0) + 1

    def is_snoozed(self, slot: str, on: date) -> bool:
        until = self.snoozed_until.get(slot)
        return until is not None and on.isoformat() < until

    @event("SlotOpened")
    def slot_opened(self, slot: str, alert_id: str, episode: int) -> None:
        self.open[slot] = alert_id
        self.episodes[slot] = episode

    @event("SlotClosed")
    def slot_closed(self, slot: str) -> None:
        self.open.pop(slot, None)

    @event("SlotSnoozed")
    def slot_snoozed(self, slot: str, until: str) -> None:
        self.open.pop(slot, None)
        self.snoozed_until[slot] = until


    @event("EvaluationFailed")
    def evaluation_failed(self, rule: str, error: str, on: str, cause: list[str]) -> None:
        """A rule (`*`: the household's facts) raised while judging: its alerts were left as they were."""
        self.failing[rule] = error

    @event("EvaluationRecovered")
    def evaluation_recovered(self, rule: str, on: str) -> None:
        self.failing.pop(rule, None)


def supervisor_of(region: str) -> str:
    """The supervisor role of the street/township (first 9 digits) an alert's household is in."""
    return f"supervisor:{region[:9]}"


def snooze_until(on: date, days: int) -> date:
    return on + timedelta(days=days)
