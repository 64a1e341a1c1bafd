"""One household as the store holds it now: read by the rules (to judge it) and by the read-side
queries (to show it), so it sits with the households application both use."""

from __future__ import annotations

from typing import Any

from eventsourcing.application import AggregateNotFoundError

from domain.households.application import HouseholdsApp
from domain.households.household import Household


def observations_of(households: HouseholdsApp, household: str) -> list[dict[str, Any]]:
    """Every normalised observation of the household, or [] for one never registered."""
    try:
        return households.repository.get(Household.id_for(household)).observations
    except AggregateNotFoundError:
        return []
