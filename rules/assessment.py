"""What the rules see for one household now, for the household view (no engine needed).

The household's timeline and programmes are read-side queries: `projections/household_queries.py`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

from eventsourcing.application import AggregateNotFoundError

from domain.households.application import HouseholdsApp
from domain.households.clock import CLOCK_ID
from domain.facts.derived import HouseholdFacts, derive
from domain.households.reads import observations_of
from domain.households.state import fold, observed_on
from domain.policy.parameters import ParameterTable


def judged_on(observations: list[dict[str, Any]], today: date | None) -> date:
    """The date a household is judged on: the later of the clock and its latest observation."""
    latest = max(observed_on(o) for o in observations)
    return max(latest, today) if today else latest


def clock_of(households: HouseholdsApp) -> date | None:
    """Today as the clock aggregate says (time is an event), or None before the first tick."""
    try:
        today = households.repository.get(CLOCK_ID).today
    except AggregateNotFoundError:
        return None
    return date.fromisoformat(today) if today else None


@dataclass
class Assessor:
    """Reads a household from the store and derives the facts the rules would read today."""

    households: HouseholdsApp
    parameters: Callable[[], ParameterTable]

    def clock(self) -> date | None:
        return clock_of(self.households)

    def observations_of(self, household: str) -> list[dict[str, Any]]:
        return observations_of(self.households, household)

    def facts(self, household: str) -> tuple[date, HouseholdFacts] | None:
        observations = self.observations_of(household)
        if not observations:
            return None
        on = judged_on(observations, self.clock())
        return on, derive(fold(observations, on), on, self.parameters())
