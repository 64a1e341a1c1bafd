"""The households application: households, residents, observation receipts, the clock and the policy
book, with the commands that change them: accepting observations (one or a batch), correcting and
retracting them.

Used by the HTTP endpoints, the pages, the Kafka intake consumer, the scheduler and the CLI alike.
A batch is staged item by item (`domain.households.intake`) and saved in one transaction; a
correction or retraction is checked (`domain.households.corrections`) and recorded on its household.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, Mapping, Sequence

from eventsourcing.persistence import IntegrityError

from domain.households.corrections import (_Correcting, _unquoted, household_of, refused, resent, sent_by,
                                           unknown, where)
from domain.households.household import CorrectionRefused
from domain.households.intake import Gate, Outcome, _Batch, fingerprint, stage
from domain.households.observations.envelope import parse_observation
from domain.households.observations.problems import InvalidObservation
from domain.households.receipt import ObservationReceipt
from domain.identity.access import Principal
from domain.privacy import kept_identity
from domain.tracked_application import TrackedApplication

import domain.renamed_topics  # noqa: F401 - events stored before the move still load


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class HouseholdsApp(TrackedApplication):
    """Households, residents, observation receipts, the clock and the policy book.

    `now` is the wall clock observations are checked against (not in the future).
    """

    name = "households"

    def __init__(self, env: Mapping[str, str] | None = None, *, now: Callable[[], datetime] = utc_now) -> None:
        super().__init__(env=env)
        self.now = now

    # --- intake ---------------------------------------------------------------------------

    def accept(self, envelope: Any, gate: Gate | None = None) -> Outcome:
        return self.accept_batch([envelope], gate)[0]

    def accept_batch(self, envelopes: Sequence[Any], gate: Gate | None = None) -> list[Outcome]:
        """Validate every item, save the good ones together, answer per item.

        `gate(observation, region, grid)` may refuse a valid item (who may submit what, where):
        it sees the household's location, also for households registered earlier in the batch.
        """
        batch = _Batch(self, optimistic=True)
        outcomes = [stage(i, envelope, batch, self.now(), gate) for i, envelope in enumerate(envelopes)]
        pending = [a for a in batch.aggregates.values() if a.pending_events]
        if pending:
            try:
                self.save(*pending)
            except IntegrityError:
                return self._one_by_one(envelopes, gate)
        return outcomes

    def _one_by_one(self, envelopes: Sequence[Any], gate: Gate | None) -> list[Outcome]:
        """A concurrent writer got there first: redo each item in its own transaction."""
        outcomes = []
        for index, envelope in enumerate(envelopes):
            batch = _Batch(self)
            outcome = stage(index, envelope, batch, self.now(), gate)
            try:
                self.save(*[a for a in batch.aggregates.values() if a.pending_events])
            except IntegrityError:
                outcome = stage(index, envelope, _Batch(self), self.now(), gate)
            outcomes.append(outcome)
        return outcomes

    # --- corrections and retractions ------------------------------------------------------

    def correct(self, original_id: str, envelope: dict[str, Any], principal: Principal) -> Outcome:
        """Replace `original_id` by the observation in `envelope`, sent by `principal`."""
        batch = _Batch(self)
        household = household_of(original_id, batch)
        if household is None:
            return unknown(original_id)
        envelope = {**envelope, "informant": principal.name}
        new_id = envelope.get("observation_id") if isinstance(envelope.get("observation_id"), str) else None
        again = resent(new_id, envelope, batch) if new_id else None
        if again is not None:
            return again
        kept: dict[str, str] = {}
        try:
            original = sent_by(principal, original_id, household)
            filled, kept = kept_identity(envelope, original)
            observation = parse_observation(filled, _Correcting(batch, original), now=self.now())
            household.correct(original_id, observation.to_json(), principal.name)
        except CorrectionRefused as refusal:
            return refused(original_id, refusal)
        except InvalidObservation as invalid:
            errors = tuple(_unquoted(e, kept) for e in invalid.errors)
            return Outcome(0, new_id, "rejected", None, errors, invalid.status)
        receipt = ObservationReceipt(observation.observation_id, fingerprint(envelope), household.household_id)
        self.save(receipt, household)
        return Outcome(0, observation.observation_id, "accepted", household.household_id)

    def retract(self, original_id: str, reason: str, principal: Principal) -> Outcome:
        """Withdraw `original_id`; retracting it again answers `duplicate` and changes nothing."""
        household = household_of(original_id, _Batch(self))
        if household is None:
            return unknown(original_id)
        try:
            if household.withdrawn.get(original_id, "") is None:
                where(principal, None, household)
                return Outcome(0, original_id, "duplicate", household.household_id, (), 200)
            sent_by(principal, original_id, household)
            household.retract(original_id, principal.name, reason)
        except CorrectionRefused as refusal:
            return refused(original_id, refusal)
        self.save(household)
        return Outcome(0, original_id, "retracted", household.household_id, (), 200)

    def in_force(self, original_id: str, principal: Principal) -> dict[str, Any]:
        """The observation `principal` sent and may correct now (to fill a correction form with), or
        `CorrectionRefused` saying why not: unknown, someone else's, corrected or retracted already."""
        household = household_of(original_id, _Batch(self))
        if household is None:
            raise CorrectionRefused("observation_id", f"unknown observation {original_id}",
                                    f"未知的观察记录 {original_id}", 404)
        return sent_by(principal, original_id, household)
