"""Intake's staging: validate observations one by one against a batch, before the households
application saves them (`HouseholdsApp.accept_batch`).

Used by the HTTP endpoint and the Kafka intake consumer alike. Each accepted
observation is saved with an `ObservationReceipt`, so a re-sent observation id
is answered as a duplicate and changes nothing. A batch is validated item by
item (later items may refer to households registered earlier in the batch) and
then saved in one transaction; a bad item is reported and skipped.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterator, Sequence

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from domain.identity.access import Principal, admits
from domain.households.clock import CLOCK_ID, Clock
from domain.households import intake_limits as limits
from domain.households.household import Household
from domain.households.id_index import IdNumberEntry
from domain.households.indexing import indexed
from domain.instants import instant
from domain.households.observations.envelope import Observation, parse_observation
from domain.households.observations.problems import FieldError, InvalidObservation
from domain.households.receipt import ObservationReceipt
from domain.households.resident import Resident

from domain.tracked_application import TrackedApplication


Gate = Callable[[Observation, "str | None", "str | None"], "tuple[FieldError, int] | None"]


@dataclass(frozen=True)
class Outcome:
    """The answer for one item: accepted, duplicate, or rejected with the reasons."""

    index: int
    observation_id: str | None
    status: str
    household: str | None = None
    errors: tuple[FieldError, ...] = ()
    http_status: int = 202

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"index": self.index, "observation_id": self.observation_id, "status": self.status}
        if self.household:
            body["household"] = self.household
        if self.errors:
            body["errors"] = [{"field": e.field, "message": e.message, "message_zh": e.message_zh} for e in self.errors]
        return body


def fingerprint(envelope: Any) -> str:
    """Content hash of an envelope, to tell a true re-send from a reused id."""
    return hashlib.sha256(json.dumps(envelope, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class _Batch:
    """Aggregates touched by a batch, visible to its later items before saving.

    `optimistic` skips looking up each observation's receipt: new observations are
    the common case, and a receipt that exists already makes the batch's save fail,
    after which every item is redone carefully (see `HouseholdsApp._one_by_one`).
    """

    app: TrackedApplication  # the households application (it imports this module)
    optimistic: bool = False
    aggregates: dict[Any, Aggregate] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)
    absent: set[Any] = field(default_factory=set)  # ids the store held no events for when the batch began
    stored: dict[Any, int] = field(default_factory=dict)  # the others' last stored versions then

    def expect(self, envelopes: Sequence[Any], keyed: Callable[[str], str]) -> None:
        """Ask the store once which of the aggregates the items name exist, so that each one found absent
        (a new household, its residents, their ID numbers) is not looked up again on its own. A writer that
        creates one of them meanwhile makes the batch's save fail, and every item is redone carefully."""
        named = {aggregate_id for envelope in envelopes for aggregate_id in _named_ids(envelope, keyed)}
        stored = self.app.stored_versions(named)
        if stored is not None:
            self.absent, self.stored = named - stored.keys(), stored

    def find(self, aggregate_id: Any) -> Aggregate | None:
        if aggregate_id in self.aggregates:
            return self.aggregates[aggregate_id]
        if aggregate_id in self.absent:
            return None
        current = self.app.cached_at(aggregate_id, self.stored[aggregate_id]) if aggregate_id in self.stored else None
        if current is not None:
            return current  # type: ignore[no-any-return]
        try:
            return self.app.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def receipt(self, observation_id: str) -> Aggregate | None:
        receipt_id = ObservationReceipt.id_for(observation_id)
        if self.optimistic and receipt_id not in self.aggregates:
            return None
        return self.find(receipt_id)

    def household(self, household_id: str) -> Household | None:
        """The household as the batch left it; its members are noted once, when it is first loaded."""
        aggregate_id = Household.id_for(household_id)
        if aggregate_id in self.aggregates:
            return self.aggregates[aggregate_id]  # type: ignore[return-value]
        household = self.find(aggregate_id)
        if household is not None:
            self.keep(household)
        return household  # type: ignore[return-value]

    def household_exists(self, household_id: str) -> bool:
        return self.household(household_id) is not None

    def resident_household(self, resident_id: str) -> str | None:
        """Members of households already loaded are known without another look-up."""
        if resident_id in self.members:
            return self.members[resident_id]
        resident = self.find(Resident.id_for(resident_id))
        return resident.household_id if resident is not None else None  # type: ignore[attr-defined]

    def registered_at(self, household_id: str) -> datetime | None:
        household = self.household(household_id)
        registration = next((o for o in household.observations if o["kind"] == "household.registered"), None) \
            if household is not None else None
        return instant(registration["observed_at"]) if registration is not None else None

    def application_submitted(self, household_id: str, application: str) -> bool:
        """Earlier items of the batch count: the household aggregate already holds them."""
        household = self.household(household_id)
        return household is not None and any(
            o["kind"] == "application.submitted" and o["data"].get("application") == application
            for o in household.observations
        )

    def keep(self, *aggregates: Aggregate) -> None:
        for aggregate in aggregates:
            self.aggregates[aggregate.id] = aggregate
            if isinstance(aggregate, Household):
                self.members.update(dict.fromkeys(aggregate.resident_ids, aggregate.household_id))
            elif isinstance(aggregate, Resident):
                self.members[aggregate.resident_id] = aggregate.household_id


def _named_ids(envelope: Any, keyed: Callable[[str], str]) -> Iterator[Any]:
    """The households, residents and ID-number entries an item may look up, read from the raw item before
    it is validated (anything malformed is passed over: validation reports it; a wrong guess costs nothing)."""
    if not isinstance(envelope, dict):
        return
    data = envelope.get("data") if isinstance(envelope.get("data"), dict) else {}
    members = data.get("members") if isinstance(data.get("members"), list) else []
    people = [data, *(m for m in members[:limits.MAX_MEMBERS] if isinstance(m, dict))]
    if isinstance(envelope.get("household"), str):
        yield Household.id_for(envelope["household"])
    for resident in (envelope.get("resident"), *(person.get("resident") for person in people)):
        if isinstance(resident, str) and resident:
            yield Resident.id_for(resident)
    for number in (person.get("id_number") for person in people):
        if isinstance(number, str) and number:
            yield IdNumberEntry.id_for(keyed(number))


def stage(index: int, envelope: Any, batch: _Batch, now: datetime, gate: Gate | None = None) -> Outcome:
    """Validate one item against the batch so far and keep the aggregates it changes (unsaved)."""
    observation_id = envelope.get("observation_id") if isinstance(envelope, dict) else None
    oid = observation_id if isinstance(observation_id, str) and observation_id else None
    duplicate = _duplicate(index, oid, envelope, batch) if oid else None
    if duplicate is not None:
        return duplicate
    try:
        observation = parse_observation(envelope, batch, now=now)
    except InvalidObservation as invalid:
        resent = _duplicate(index, oid, envelope, _Batch(batch.app)) if oid and batch.optimistic else None
        return resent or Outcome(index, oid, "rejected", None, tuple(invalid.errors), invalid.status)
    refused = _gated(index, observation, batch, gate) if gate is not None else None
    if refused is not None:
        return refused
    batch.keep(*_record(observation, fingerprint(envelope), batch))
    return Outcome(index, observation.observation_id, "accepted", observation.household)


def _gated(index: int, observation: Observation, batch: _Batch, gate: Gate) -> Outcome | None:
    if observation.kind == "household.registered":
        region, grid = observation.data["region"], observation.data["grid"]
    elif observation.household is not None:
        household = batch.household(observation.household)
        registration = household.observations[0]["data"] if household is not None else {}
        region, grid = registration.get("region"), registration.get("grid")
    else:
        region = grid = None
    error = gate(observation, region, grid)
    if error is None:
        return None
    return Outcome(index, observation.observation_id, "rejected", None, (error[0],), error[1])


def _duplicate(index: int, oid: str, envelope: Any, batch: _Batch) -> Outcome | None:
    receipt = batch.receipt(oid)
    if receipt is None:
        return None
    if receipt.fingerprint == fingerprint(envelope):  # type: ignore[attr-defined]
        return Outcome(index, oid, "duplicate", receipt.household_id, (), 200)  # type: ignore[attr-defined]
    error = FieldError(
        "observation_id",
        "this observation_id was already used for a different observation",
        "该 observation_id 已用于另一条不同的观察记录",
    )
    return Outcome(index, oid, "rejected", None, (error,), 409)


def _record(observation: Observation, content: str, batch: _Batch) -> list[Aggregate]:
    """The aggregates an accepted observation creates or changes."""
    receipt = ObservationReceipt(observation.observation_id, content, observation.household)
    if observation.kind == "clock.tick":
        clock = batch.find(CLOCK_ID) or Clock()
        clock.tick(date=observation.data["date"], observation_id=observation.observation_id)  # type: ignore[attr-defined]
        return [receipt, clock]
    payload = observation.to_json()
    assert observation.household is not None
    if observation.kind == "household.registered":
        household = Household(observation.household, payload)
        residents = [Resident(m["resident"], observation.household) for m in observation.data["members"]]
        return [receipt, household, *residents, *indexed(payload, batch, batch.app.keyed)]  # type: ignore[attr-defined]
    household = batch.household(observation.household)
    household.observe(payload)  # type: ignore[union-attr]
    if observation.kind == "resident.joined" and observation.resident:
        return [receipt, household, Resident(observation.resident, observation.household),  # type: ignore[list-item]
                *indexed(payload, batch, batch.app.keyed)]  # type: ignore[attr-defined]
    return [receipt, household]  # type: ignore[list-item]


def gate_for(principal: Principal) -> Gate:
    """The gate that lets through only what `principal` may submit (domain.identity.access.admits)."""

    def gate(observation: Observation, region: str | None, grid: str | None) -> tuple[FieldError, int] | None:
        registering = observation.kind == "household.registered"
        denial = admits(principal, observation.kind, region, grid, registering, observation.source)
        if denial is None:
            return None
        return FieldError(denial.field, denial.message, denial.message_zh), denial.status

    return gate
