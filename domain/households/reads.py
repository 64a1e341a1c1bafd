"""One household as the store holds it now: read by the rules (to judge it) and by the read-side
queries (to show it), so it sits with the households application both use."""

from __future__ import annotations

from typing import Any

from eventsourcing.application import AggregateNotFoundError

from domain.households.application import HouseholdsApp
from domain.households.household import Household


def observations_of(households: HouseholdsApp, household: str) -> list[dict[str, Any]]:
    """Every normalised observation of the household, or [] for one never registered.

    Read without the repository's deep copy of its cached aggregate (it grew with the history:
    most of an evaluation's time at 1,000 observations); the list is the caller's own, and no
    reader changes an observation."""
    try:
        return list(households.repository.get(Household.id_for(household), deepcopy_from_cache=False).observations)
    except AggregateNotFoundError:
        return []
