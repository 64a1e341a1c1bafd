"""The households application: households, residents, observation receipts, the clock and the policy
book, with the commands that change them: accepting observations (one or a batch), correcting and
retracting them.

Used by the HTTP endpoints, the pages, the Kafka intake consumer, the scheduler and the CLI alike.
A batch is staged item by item (`domain.households.intake`) and saved in one transaction; a
correction or retraction is checked (`domain.households.corrections`) and recorded on its household.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Callable, Iterable, Mapping, Sequence

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.households.corrections import (_Correcting, _unquoted, household_of, refused, resent, sent_by,
                                           unknown, where)
from domain.households.household import CorrectionRefused, Household
from domain.households.id_index import INDEX_KEY_ID, IdNumberEntry, IndexKey, keyed_hash
from domain.households.indexing import indexed, released
from domain.households.intake import Gate, Outcome, _Batch, fingerprint, stage
from domain.households.observations.envelope import parse_observation
from domain.households.observations.problems import InvalidObservation
from domain.households.receipt import ObservationReceipt
from domain.identity.access import Principal
from domain.leads import use_cases as leads
from domain.leads.lead import Lead, LeadDraft
from domain.privacy import kept_identity
from domain.renamed_topics import stored_topics
from domain.tracked_application import TrackedApplication

import domain.renamed_topics  # noqa: F401 - events stored before the move still load


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class HouseholdsApp(TrackedApplication):
    """Households, residents, observation receipts, the clock and the policy book.

    `now` is the wall clock observations are checked against (not in the future). `id_key` keys the
    ID-number index's hashes (`domain.households.id_index`); None: the key kept in the store itself, made on
    first use (encrypted at rest with the store, and unchanged by a key rotation).
    """

    name = "households"
    REINDEX_BATCH = 200  # households saved per transaction by `reindex`

    def __init__(self, env: Mapping[str, str] | None = None, *, now: Callable[[], datetime] = utc_now,
                 id_key: bytes | None = None) -> None:
        super().__init__(env=env)
        self.now = now
        self._id_key = id_key

    # --- the ID-number index ----------------------------------------------------------------

    @property
    def id_key(self) -> bytes:
        """The index's key: the one given, else the store's (made by the first process that needs it)."""
        if self._id_key is None:
            self._id_key = self._stored_key()
        return self._id_key

    def _stored_key(self) -> bytes:
        try:
            return self.repository.get(INDEX_KEY_ID).secret  # type: ignore[no-any-return]
        except AggregateNotFoundError:
            made = IndexKey.fresh()
            try:
                self.save(made)
                return made.secret
            except IntegrityError:  # another process made it first
                return self.repository.get(made.id).secret  # type: ignore[no-any-return]

    def keyed(self, id_number: str) -> str:
        """The keyed hash the index and the leads know an ID number by."""
        return keyed_hash(self.id_key, id_number)

    def person_of(self, id_number: str) -> tuple[str, str] | None:
        """(household, resident) of the member recorded with this ID number, or None."""
        try:
            # Read only: the cached entry itself, not a copy (copies were a tenth of an import's time).
            entry = self.repository.get(IdNumberEntry.id_for(self.keyed(id_number)), deepcopy_from_cache=False)
        except AggregateNotFoundError:
            return None
        return entry.person  # type: ignore[no-any-return]

    def people_of(self, id_numbers: Iterable[str]) -> dict[str, tuple[str, str]]:
        """`person_of` for many: {id number as given: (household, resident)} for those found."""
        found: dict[str, tuple[str, str]] = {}
        for number in dict.fromkeys(id_numbers):
            person = self.person_of(number)
            if person is not None:
                found[number] = person
        return found

    def reindex(self, progress: Callable[[int], None] = lambda n: None) -> int:
        """Index every household recorded before the index (or again): each registration's and joining's ID
        numbers, in the order they were recorded, `REINDEX_BATCH` households per transaction; returns the
        entries changed (0 when the index was complete). Idempotent."""
        topics, position, changed = stored_topics(Household.Registered), 0, 0
        while True:
            found = self.recorder.select_notifications(position + 1, self.REINDEX_BATCH, topics=topics)
            if not found:
                return changed
            batch = _Batch(self)
            for notification in found:
                household = batch.find(notification.originator_id)
                for observation in getattr(household, "observations", []):
                    indexed(observation, batch, self.keyed)
            pending = [a for a in batch.aggregates.values() if a.pending_events]
            changed += sum(1 for a in pending if isinstance(a, IdNumberEntry))
            if pending:
                self.save(*pending)
            position = found[-1].id
            progress(len(found))

    # --- leads ----------------------------------------------------------------------------------

    def _today(self, on: date | None) -> str:
        return (on or self.now().date()).isoformat()

    def raise_leads(self, drafts: Sequence[LeadDraft], on: date | None = None) -> list[str]:
        """Raise the drafts in one transaction: "raised", or "duplicate" for a lead id raised already."""
        return leads.raise_leads(self, drafts, self._today(on))

    def dispatch_lead(self, lead_id: str, grid: str, principal: Principal, on: date | None = None) -> Lead:
        """Send a lead of the principal's jurisdiction to the informant of `grid`: a task 找到这户并登记."""
        return leads.dispatch_lead(self, lead_id, grid, principal, self._today(on))

    def dismiss_lead(self, lead_id: str, reason: str, principal: Principal, on: date | None = None) -> Lead:
        """Close a lead without a household (`domain.leads.lead.DISMISS_REASONS`)."""
        return leads.dismiss_lead(self, lead_id, reason, principal, self._today(on))

    def lead_in_reach(self, lead_id: str, principal: Principal) -> Lead:
        """The lead, if the principal may act on it (`LeadRefused` 403 / 404 otherwise)."""
        return leads.lead_in_reach(self, lead_id, principal)

    def lead(self, lead_id: str) -> Lead | None:
        try:
            return self.repository.get(Lead.id_for(lead_id))  # type: ignore[no-any-return]
        except AggregateNotFoundError:
            return None

    # --- intake ---------------------------------------------------------------------------

    def accept(self, envelope: Any, gate: Gate | None = None) -> Outcome:
        return self.accept_batch([envelope], gate)[0]

    def accept_batch(self, envelopes: Sequence[Any], gate: Gate | None = None) -> list[Outcome]:
        """Validate every item, save the good ones together, answer per item.

        `gate(observation, region, grid)` may refuse a valid item (who may submit what, where):
        it sees the household's location, also for households registered earlier in the batch.
        """
        batch = _Batch(self, optimistic=True)
        batch.expect(envelopes, self.keyed)
        outcomes = [stage(i, envelope, batch, self.now(), gate) for i, envelope in enumerate(envelopes)]
        pending = [a for a in batch.aggregates.values() if a.pending_events]
        if pending:
            try:
                self.save(*pending)
            except IntegrityError:
                return self._one_by_one(envelopes, gate)
            self.keep_cached(*(a for a in pending if not isinstance(a, ObservationReceipt)))  # receipts: not read
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
        entries = released(original, observation.to_json(), batch, self.keyed)
        self.save(receipt, household, *entries)
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
            original = sent_by(principal, original_id, household)
            household.retract(original_id, principal.name, reason)
        except CorrectionRefused as refusal:
            return refused(original_id, refusal)
        self.save(household, *released(original, None, _Batch(self), self.keyed))
        return Outcome(0, original_id, "retracted", household.household_id, (), 200)

    def in_force(self, original_id: str, principal: Principal) -> dict[str, Any]:
        """The observation `principal` sent and may correct now (to fill a correction form with), or
        `CorrectionRefused` saying why not: unknown, someone else's, corrected or retracted already."""
        household = household_of(original_id, _Batch(self))
        if household is None:
            raise CorrectionRefused("observation_id", f"unknown observation {original_id}",
                                    f"未知的观察记录 {original_id}", 404)
        return sent_by(principal, original_id, household)
