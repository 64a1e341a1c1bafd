"""The Household aggregate: every observation about a household, in arrival order.

The household keeps the observations themselves (normalised JSON) rather than a
folded state: rules judge a household *as of a date*, and informants' reports
arrive late and out of order, so the state is derived on demand by
`domain.household_facts` from the observations sorted by when they happened.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import stable_id


class Household(Aggregate):
    """One household (户) and everything observed about it and its residents."""

    @staticmethod
    def create_id(household_id: str, observation: dict[str, Any]) -> UUID:
        return Household.id_for(household_id)

    @staticmethod
    def id_for(household_id: str) -> UUID:
        return stable_id("household", household_id)

    @event("Registered")
    def __init__(self, household_id: str, observation: dict[str, Any]) -> None:
        self.household_id = household_id
        self.region: str = observation["data"]["region"]
        self.observations: list[dict[str, Any]] = [observation]

    @event("Observed")
    def observe(self, observation: dict[str, Any]) -> None:
        """Record one more observation (any kind but registration)."""
        self.observations.append(observation)

    @property
    def resident_ids(self) -> list[str]:
        """Every resident ever recorded for this household, in order of first mention."""
        seen: list[str] = []
        for obs in self.observations:
            for rid in _residents_named(obs):
                if rid not in seen:
                    seen.append(rid)
        return seen


def _residents_named(observation: dict[str, Any]) -> list[str]:
    if observation["kind"] == "household.registered":
        return [m["resident"] for m in observation["data"]["members"]]
    if observation["kind"] == "resident.joined":
        return [observation["resident"]]
    return []
