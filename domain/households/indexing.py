"""Keeping the ID-number index with the observations that name ID numbers, in their own transaction.

Intake (`domain.households.intake`), corrections and retractions hand the aggregates they touch to these
functions, which add the index entries (and the leads a registration closes as found) to the same save.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol

from eventsourcing.domain import Aggregate

from domain.households.id_index import IdNumberEntry, numbers_named
from domain.leads.lead import Lead


class Touched(Protocol):
    """What a batch offers: the aggregates it holds or loads, and the index's keyed hash."""

    def find(self, aggregate_id: Any) -> Aggregate | None: ...

    def keep(self, *aggregates: Aggregate) -> None: ...


Keyed = Callable[[str], str]


def _entry(batch: Touched, keyed: str) -> IdNumberEntry | None:
    found = batch.find(IdNumberEntry.id_for(keyed))
    return found if isinstance(found, IdNumberEntry) else None


def indexed(observation: dict[str, Any], batch: Touched, keyed: Keyed) -> list[Aggregate]:
    """The entries pointing each ID number the observation records at its (household, resident), and the open
    leads naming them closed as found by the observation's informant; kept in the batch for its later items."""
    changed: list[Aggregate] = []
    household = observation["household"]
    for named in numbers_named(observation):
        key = keyed(named.id_number)
        entry = _entry(batch, key)
        if entry is None:
            entry = IdNumberEntry(key, household, named.resident)
            batch.keep(entry)  # a second member with the same number (refused nowhere) finds this one
        else:
            entry.move(household, named.resident)
        changed.append(entry)
        changed.extend(_found(entry, batch, household, named.resident, observation))
    batch.keep(*changed)
    return changed


def _found(entry: IdNumberEntry, batch: Touched, household: str, resident: str,
           observation: dict[str, Any]) -> list[Aggregate]:
    leads = []
    for lead_id in list(entry.leads):
        lead = batch.find(Lead.id_for(lead_id))
        if isinstance(lead, Lead) and lead.is_open:
            lead.find(household, resident, by=observation["informant"], on=str(observation["observed_at"])[:10])
            leads.append(lead)
    entry.drop_leads(list(entry.leads))
    return leads


def released(original: dict[str, Any], replacement: dict[str, Any] | None, batch: Touched,
             keyed: Keyed) -> list[Aggregate]:
    """After a correction (`replacement`) or retraction (None): the numbers the original recorded and its
    replacement does not are pointed at nobody (when they still pointed at this household), the replacement's
    are indexed (a corrected ID number finds its leads too)."""
    kept = {keyed(n.id_number) for n in numbers_named(replacement)} if replacement is not None else set()
    changed: list[Aggregate] = []
    for named in numbers_named(original):
        key = keyed(named.id_number)
        entry = _entry(batch, key)
        if key in kept or entry is None:
            continue
        if entry.person == (original["household"], named.resident) and entry.move(None, None):
            changed.append(entry)
    batch.keep(*changed)
    return changed + (indexed(replacement, batch, keyed) if replacement is not None else [])
