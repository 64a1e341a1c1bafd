"""A household as it was, on both time axes, rebuilt from the event log (for auditors).

`as_of` is a date in the household's life: only what had *happened* by then counts.
`known_at` is a moment in the system's life: only what had been *recorded* by then counts,
so a report that arrived late is left out, and a correction recorded later is not applied.
Together they answer "what did we know on that date, and what did the system say?".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Callable
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application

from domain.alerts.alert import Alert
from domain.households.clock import CLOCK_ID
from domain.facts.derived import derive
from domain.households.household import Household
from domain.households.state import fold, observed_on
from domain.instants import china_date
from domain.policy.parameters import ParameterTable
from domain.policy.book import POLICY_ID
from domain.privacy import FULL, MASKED, masked_member, masked_observation, shown_facts
from projections.household_history import HouseholdHistory
from projections.household_queries import programmes_of, timeline as timeline_of
from rules.explanation import shown_explanation



def known_version(app: Application, aggregate_id: UUID, known_at: datetime) -> Any | None:
    """The aggregate as its events recorded by `known_at` made it, or None if it did not exist yet."""
    try:
        events = list(app.events.get(aggregate_id))
    except AggregateNotFoundError:
        return None
    known = [e for e in events if e.timestamp <= known_at]
    return app.repository.get(aggregate_id, version=known[-1].originator_version) if known else None


@dataclass
class AsOf:
    """Rebuilds a household, its facts and its alerts as of a date and as known at a moment."""

    history: HouseholdHistory
    base: Callable[[], ParameterTable]

    def household(self, household: str, as_of: date | None, known_at: datetime, full_identity: bool
                  ) -> dict[str, Any] | None:
        """None when the household had not been recorded by `known_at`."""
        households = self.history.households
        aggregate = known_version(households, Household.id_for(household), known_at)
        if aggregate is None:
            return None
        on = as_of or self.clock(known_at)
        state = fold(aggregate.observations, on)
        facts = derive(state, on, self.parameters(known_at))
        members = [_member(r) for r in state.residents.values()]
        sight = FULL if full_identity else MASKED
        return {
            "household": household, "as_of": on.isoformat(), "known_at": known_at.isoformat(),
            "members": members if full_identity else [masked_member(m) for m in members],
            **programmes_of(aggregate.observations, on),
            "observations_in_force": [_brief(o, full_identity) for o in aggregate.observations
                                      if observed_on(o) <= on],
            "withdrawn_by_then": dict(aggregate.withdrawn),
            "facts": [{"kind": s.kind, "key": s.key, "resident": s.resident, "facts": shown_facts(s.facts, sight)}
                      for s in facts.subjects],
            "parameters": {k: v.to_json() for k, v in sorted(facts.parameters.used.items())},
            "open_alerts": [dict(a, explanation=shown_explanation(a["explanation"], sight))
                            for a in self.open_alerts(household, on, known_at)],
        }

    def alert_story(self, alert_id: str, full_identity: bool) -> dict[str, Any] | None:
        """The events that raised the alert, every action on it, and what was known at each resolution."""
        try:
            events = list(self.history.alerts.events.get(UUID(alert_id)))
        except (ValueError, AggregateNotFoundError):
            return None
        if not events or not isinstance(events[0], Alert.Raised):
            return None
        raised = events[0]
        timeline = {e["observation_id"]: e for e in timeline_of(self.history.households, raised.household)}
        causes = [timeline.get(oid, {"observation_id": oid, "status": "unknown"})
                  for oid in raised.explanation.get("event_ids", [])]
        return {
            "alert_id": alert_id, "household": raised.household, "rule": raised.rule,
            "rule_version": raised.rule_version, "raised_on": raised.raised_on,
            "explanation": shown_explanation(raised.explanation, FULL if full_identity else MASKED),
            "caused_by": causes,
            "actions": self.history.alert_events(UUID(alert_id), full_identity),
            "resolutions": [self._shown(raised.household, e, full_identity) for e in events
                            if isinstance(e, Alert.Resolved)],
        }

    def _shown(self, household: str, resolved: Any, full_identity: bool) -> dict[str, Any]:
        """What the system held about the household the moment before the caseworker resolved the alert."""
        just_before = resolved.timestamp - timedelta(microseconds=1)
        return {"by": resolved.by, "on": resolved.on, "outcome": resolved.outcome, "note": resolved.note,
                "recorded_at": resolved.timestamp.isoformat(),
                "household_then": self.household(household, date.fromisoformat(resolved.on), just_before,
                                                 full_identity)}

    def clock(self, known_at: datetime) -> date:
        """The system's today as known at `known_at` (its clock ticks), else that moment's date in China."""
        clock = known_version(self.history.households, CLOCK_ID, known_at)
        if clock is not None and clock.today:
            return date.fromisoformat(clock.today)
        return china_date(known_at)

    def parameters(self, known_at: datetime) -> ParameterTable:
        """The parameter table as administrators had set it by `known_at`."""
        book = known_version(self.history.households, POLICY_ID, known_at)
        return book.table(self.base()) if book is not None else self.base()

    def open_alerts(self, household: str, on: date, known_at: datetime) -> list[dict[str, Any]]:
        """Alerts raised by `on` and not closed by then, as recorded by `known_at`."""
        alerts = []
        for alert_id in self.history.alert_ids(household):
            alert = known_version(self.history.alerts, alert_id, known_at)
            if alert is None or alert.raised_on > on.isoformat():
                continue
            if alert.status == "closed" and alert.closed_on is not None and alert.closed_on <= on.isoformat():
                continue
            alerts.append(_alert(alert))
        return alerts


def _brief(observation: dict[str, Any], full_identity: bool) -> dict[str, Any]:
    return observation if full_identity else masked_observation(observation)


def _member(resident: Any) -> dict[str, Any]:
    return {"resident": resident.resident, "name": resident.name, "id_number": resident.id_number,
            "sex": resident.sex, "birth_date": resident.birth_date.isoformat(), "relation": resident.relation,
            "died_on": _iso(resident.died_on), "left_on": _iso(resident.left_on)}


def _alert(alert: Alert) -> dict[str, Any]:
    return {"alert_id": str(alert.id), "rule": alert.rule, "severity": alert.severity, "raised_on": alert.raised_on,
            "state": alert.state, "assigned_to": alert.assigned_to, "acknowledged_by": alert.acknowledged_by,
            "explanation": alert.explanation}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
