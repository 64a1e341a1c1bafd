"""A household's whole history for auditors, read from the event stores themselves (not the views).

Every event of the household (registration, observations, corrections, retractions), of each
of its alerts (raised, workflow actions, cleared, escalated), of its alert book (rules that
failed) and each recorded read of its personal data, in the order they were recorded, with
who, when it happened, when it was recorded and the observation(s) it came from. Names, ID numbers
and birth dates inside observations, and facts that move on a birthday, are shown as
`domain.privacy` says for a masked role unless the reader's role needs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.audit.access_log import REFUSED
from domain.alerts.alert import RULES_ACTOR, Alert, AlertBook
from domain.alerts.application import AlertsApp
from domain.event_kinds import kind_of
from domain.audit.application import AuditApp
from domain.households.application import HouseholdsApp
from domain.households.household import Household
from domain.privacy import FULL, MASKED, masked_observation
from rules.explanation import shown_explanation



@dataclass
class HouseholdHistory:
    """Reads the households, alerts and audit stores; `access_ids` lists a household's access records."""

    households: HouseholdsApp
    alerts: AlertsApp
    audit: AuditApp

    def alert_ids(self, household: str) -> list[UUID]:
        """Every alert the household ever had: each slot's episodes, from its alert book."""
        try:
            book = self.alerts.repository.get(AlertBook.id_for(household))
        except AggregateNotFoundError:
            return []
        return [Alert.id_for(household, slot, n) for slot, last in sorted(book.episodes.items())
                for n in range(1, last + 1)]

    def events(self, household: str, access_ids: Iterable[str], full_identity: bool) -> list[dict[str, Any]]:
        """Every entry, oldest recorded first ([] for a household never registered)."""
        entries = self._household(household, full_identity)
        if not entries:
            return []
        entries += self._alert_book(household)
        for alert_id in self.alert_ids(household):
            entries += self.alert_events(alert_id, full_identity)
        entries += self._accesses(access_ids)
        return sorted(entries, key=lambda e: (e["recorded_at"], e["source"], e["version"]))

    def _household(self, household: str, full_identity: bool) -> list[dict[str, Any]]:
        try:
            events = list(self.households.events.get(Household.id_for(household)))
        except AggregateNotFoundError:
            return []
        return [_household_entry(e, full_identity) for e in events]

    def _alert_book(self, household: str) -> list[dict[str, Any]]:
        try:
            events = list(self.alerts.events.get(AlertBook.id_for(household)))
        except AggregateNotFoundError:
            return []
        failures = [e for e in events if isinstance(e, (AlertBook.EvaluationFailed, AlertBook.EvaluationRecovered))]
        return [_entry("alerts", e, kind_of(e) or "rules.other", RULES_ACTOR, e.on,
                       {"rule": e.rule, **({"error": e.error} if hasattr(e, "error") else {})},
                       list(getattr(e, "cause", []))) for e in failures]

    def alert_events(self, alert_id: UUID, full_identity: bool = False) -> list[dict[str, Any]]:
        """Every event of one alert, raised first (its explanation as a masked role sees it, unless full)."""
        try:
            events = list(self.alerts.events.get(alert_id))
        except AggregateNotFoundError:
            return []
        return [_alert_entry(e, events[0], full_identity) for e in events]

    def _accesses(self, access_ids: Iterable[str]) -> list[dict[str, Any]]:
        entries = []
        for access_id in access_ids:
            for e in self.audit.events.get(UUID(access_id)):
                kind = "access.refused" if e.outcome == REFUSED else "access.recorded"
                details = {"role": e.role, "route": e.route, "shown": e.shown, "outcome": e.outcome}
                entries.append(_entry("audit", e, kind, e.user, e.timestamp.isoformat(),
                                      {**details, **({"reason": e.reason} if e.reason else {})}, []))
        return entries


def _entry(source: str, event: Any, kind: str, by: str, occurred: str, details: dict[str, Any],
           observations: list[str]) -> dict[str, Any]:
    return {"source": source, "aggregate": str(event.originator_id), "version": event.originator_version,
            "type": kind, "by": by, "occurred_at": occurred, "recorded_at": event.timestamp.isoformat(),
            "observations": observations, **details}


def _household_entry(event: Any, full_identity: bool) -> dict[str, Any]:
    kind = kind_of(event) or "household.other"
    if isinstance(event, Household.Retracted):
        return _entry("households", event, kind, event.by, event.timestamp.isoformat(),
                      {"retracts": event.original_id, "reason": event.reason}, [event.original_id])
    obs = event.observation if full_identity else masked_observation(event.observation)
    details: dict[str, Any] = {"observation": obs}
    if isinstance(event, Household.Corrected):
        details["corrects"] = event.original_id
    return _entry("households", event, kind, obs["informant"], obs["observed_at"], details, [obs["observation_id"]])


ALERT_DETAILS = ("to", "grid", "outcome", "note", "visited_on", "deadline", "reason")


def _alert_entry(event: Any, raised: Any, full_identity: bool) -> dict[str, Any]:
    """One alert event, naming its rule and, for raising and clearing, the observations behind it."""
    kind = kind_of(event) or "alert.other"
    details: dict[str, Any] = {"alert": str(event.originator_id), "rule": raised.rule,
                               **{k: getattr(event, k) for k in ALERT_DETAILS if hasattr(event, k)}}
    if isinstance(event, Alert.Raised):
        details.update(severity=event.severity, subject=event.subject, resident=event.resident,
                       explanation=shown_explanation(event.explanation, FULL if full_identity else MASKED))
        causes = list(event.explanation.get("event_ids", []))
        return _entry("alerts", event, kind, RULES_ACTOR, event.raised_on, details, causes)
    causes = list(getattr(event, "event_ids", []))
    return _entry("alerts", event, kind, getattr(event, "by", RULES_ACTOR), event.on, details, causes)
