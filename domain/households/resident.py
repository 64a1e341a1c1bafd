"""The Resident aggregate: which household a resident belongs to.

Residents' facts live in their household's observations (rules judge whole
households); this aggregate is the index that lets intake check that a
resident named in an observation exists and belongs to that household.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import stable_id


class Resident(Aggregate):
    """A person (居民) known to the system, and the household they belong to."""

    @staticmethod
    def create_id(resident_id: str, household_id: str) -> UUID:
        return Resident.id_for(resident_id)

    @staticmethod
    def id_for(resident_id: str) -> UUID:
        return stable_id("resident", resident_id)

    @event("Recorded")
    def __init__(self, resident_id: str, household_id: str) -> None:
        self.resident_id = resident_id
        self.household_id = household_id
