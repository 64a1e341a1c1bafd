"""The ID-number index: which household and resident an ID number (身份证号) belongs to, and which open
leads name it, without the number itself anywhere.

One `IdNumberEntry` aggregate per keyed hash (HMAC-SHA256 of the normalised number under the households
application's index key). It is saved in the same transaction as the registration, joining, correction or
retraction that names the number, so the index never lags the households: a department's row is matched
(`HouseholdsApp.person_of`) against exactly what was accepted. An entry may exist before anyone is
registered: a lead raised for an unknown person is noted on it, so the registration that names the
person closes the lead as found in its own transaction.

Why a keyed hash and not a plain one: an 18-digit ID number has few possibilities once the region and
birth year are known (see `domain.privacy`), so an unkeyed hash is reversed by trying them all. The key
(`IndexKey`) lives in the households store itself, encrypted at rest with it and re-encrypted, unchanged,
by a key rotation; a copy of the store without its cipher key cannot test guesses.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any, Iterable
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import stable_id
from domain.privacy import people_of

INDEX_KEY_ID = stable_id("id-number-index-key")
KEY_BYTES = 32


def normalised(id_number: str) -> str:
    """As intake stores it: no spaces or hyphens, upper-case X."""
    return "".join(id_number.split()).replace("-", "").upper()


def keyed_hash(key: bytes, id_number: str) -> str:
    """HMAC-SHA256 (hex) of the normalised ID number."""
    return hmac.new(key, normalised(id_number).encode(), hashlib.sha256).hexdigest()


class IndexKey(Aggregate):
    """The secret the index's hashes are keyed with: made once per store, never shown."""

    @staticmethod
    def create_id(key: str) -> UUID:
        return INDEX_KEY_ID

    @event("Made")
    def __init__(self, key: str) -> None:
        self.key = key  # hex

    @classmethod
    def fresh(cls) -> "IndexKey":
        return cls(key=secrets.token_hex(KEY_BYTES))

    @property
    def secret(self) -> bytes:
        return bytes.fromhex(self.key)


class IdNumberEntry(Aggregate):
    """One keyed ID number: the (household, resident) holding it (None: nobody yet) and the open leads naming it."""

    @staticmethod
    def create_id(keyed: str, household_id: str | None = None, resident_id: str | None = None) -> UUID:
        return IdNumberEntry.id_for(keyed)

    @staticmethod
    def id_for(keyed: str) -> UUID:
        return stable_id("id-number", keyed)

    @event("Indexed")
    def __init__(self, keyed: str, household_id: str | None = None, resident_id: str | None = None) -> None:
        self.keyed = keyed
        self.household_id = household_id
        self.resident_id = resident_id
        self.leads: list[str] = []

    @property
    def person(self) -> tuple[str, str] | None:
        if self.household_id is None or self.resident_id is None:
            return None
        return self.household_id, self.resident_id

    def move(self, household_id: str | None, resident_id: str | None) -> bool:
        """Point the number at another (household, resident), or at nobody; False when nothing changes."""
        if (household_id, resident_id) == (self.household_id, self.resident_id):
            return False
        self.moved(household_id=household_id, resident_id=resident_id)
        return True

    @event("Moved")
    def moved(self, household_id: str | None, resident_id: str | None) -> None:
        self.household_id, self.resident_id = household_id, resident_id

    def note_lead(self, lead_id: str) -> None:
        if lead_id not in self.leads:
            self._lead_noted(lead_id=lead_id)

    @event("LeadNoted")
    def _lead_noted(self, lead_id: str) -> None:
        self.leads.append(lead_id)

    def drop_leads(self, lead_ids: Iterable[str]) -> None:
        gone = [lead for lead in lead_ids if lead in self.leads]
        if gone:
            self._leads_dropped(lead_ids=gone)

    @event("LeadsDropped")
    def _leads_dropped(self, lead_ids: list[str]) -> None:
        self.leads = [lead for lead in self.leads if lead not in lead_ids]


@dataclass(frozen=True)
class Named:
    """A person an observation records with an ID number: their resident id and the number (as stored)."""

    resident: str
    id_number: str


def numbers_named(observation: dict[str, Any]) -> list[Named]:
    """The ID numbers a registration's members or a joining resident carry (the others name none)."""
    return [Named(resident, person["id_number"]) for resident, person in people_of(observation).items()
            if isinstance(person.get("id_number"), str) and person["id_number"]]
