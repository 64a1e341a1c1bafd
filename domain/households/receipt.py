"""The ObservationReceipt aggregate: proof that an observation id was accepted.

Saving a receipt in the same transaction as the observation makes a re-sent
observation harmless: the second receipt would be version 1 of an existing
aggregate, which the event store refuses.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import stable_id


class ObservationReceipt(Aggregate):
    """An accepted observation id, with a fingerprint of what was sent under it."""

    @staticmethod
    def create_id(observation_id: str, fingerprint: str, household_id: str | None) -> UUID:
        return ObservationReceipt.id_for(observation_id)

    @staticmethod
    def id_for(observation_id: str) -> UUID:
        return stable_id("observation", observation_id)

    @event("Accepted")
    def __init__(self, observation_id: str, fingerprint: str, household_id: str | None) -> None:
        self.observation_id = observation_id
        self.fingerprint = fingerprint
        self.household_id = household_id
