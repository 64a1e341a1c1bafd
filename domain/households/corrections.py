"""The checks behind informants' corrections and retractions (更正 / 撤回), which the households
application records (`HouseholdsApp.correct`, `retract`, `in_force`).

A correction is a whole new observation (its own `observation_id`, so a re-send is
a duplicate) validated like any other, then put by the household in the place of
the one it names; a retraction withdraws one. Only the sender may do either, and
only where they may still submit (the same gate as intake). The household's
history keeps the original, the correction and the retraction.

Informants are not shown stored ID numbers or birth dates (`domain.privacy`): a
correction that leaves them empty, or sends an ID number back as its mask, keeps
the stored values, and a refusal about a kept value does not quote it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.identity.access import Principal, admits, covers
from domain.households.household import CorrectionRefused, Household
from domain.households.observations.problems import FieldError
from domain.households.intake import Outcome, _Batch, fingerprint


@dataclass
class _Correcting:
    """The registry a correction is validated against: the original's own ids are free again."""

    batch: _Batch
    original: dict[str, Any]

    def household_exists(self, household_id: str) -> bool:
        if self.original["kind"] == "household.registered" and household_id == self.original["household"]:
            return False
        return self.batch.household_exists(household_id)

    def resident_household(self, resident_id: str) -> str | None:
        if resident_id in _ids_of(self.original):
            return None
        return self.batch.resident_household(resident_id)

    def registered_at(self, household_id: str) -> datetime | None:
        if self.original["kind"] == "household.registered" and household_id == self.original["household"]:
            return None
        return self.batch.registered_at(household_id)

    def application_submitted(self, household_id: str, application: str) -> bool:
        return self.batch.application_submitted(household_id, application)


def _ids_of(observation: dict[str, Any]) -> set[str]:
    if observation["kind"] == "household.registered":
        return {m["resident"] for m in observation["data"]["members"]}
    return {observation["resident"]} if observation["kind"] == "resident.joined" else set()


def _unquoted(error: FieldError, kept: dict[str, str]) -> FieldError:
    """A refusal about a person's ID number or birth date that does not quote the stored one it was
    checked against (the informant was not shown it)."""
    person = error.field.rpartition(".")[0]
    quoted = [value for path, value in kept.items() if path.rpartition(".")[0] == person
              and (path == error.field or value in error.message)]
    if not quoted:
        return error
    return FieldError(error.field, "does not agree with the ID number or birth date on record: type both again",
                      "与已登记的身份证号或出生日期不一致，请将两项都重新填写")


def refused(observation_id: str | None, refusal: CorrectionRefused) -> Outcome:
    error = FieldError(refusal.field, refusal.message, refusal.message_zh)
    return Outcome(0, observation_id, "rejected", None, (error,), refusal.status)


def unknown(observation_id: str) -> Outcome:
    error = FieldError("observation_id", f"unknown observation {observation_id}", f"未知的观察记录 {observation_id}")
    return Outcome(0, observation_id, "rejected", None, (error,), 404)


def household_of(observation_id: str, batch: _Batch) -> Household | None:
    """The household an observation was recorded on (None: no such observation)."""
    receipt = batch.receipt(observation_id)
    household_id = getattr(receipt, "household_id", None)
    return batch.household(household_id) if household_id else None


def resent(new_id: str, envelope: dict[str, Any], batch: _Batch) -> Outcome | None:
    """The answer for a correction whose own id was used already: a duplicate, or a 409 if it differs."""
    receipt = batch.receipt(new_id)
    if receipt is None:
        return None
    if receipt.fingerprint == fingerprint(envelope):  # type: ignore[attr-defined]
        return Outcome(0, new_id, "duplicate", receipt.household_id, (), 200)  # type: ignore[attr-defined]
    error = FieldError("observation_id", "this observation_id was already used for a different observation",
                       "该 observation_id 已用于另一条不同的观察记录")
    return Outcome(0, new_id, "rejected", None, (error,), 409)


def where(principal: Principal, kind: str | None, household: Household) -> None:
    """Refuse (as intake would) a principal who may not send `kind` where the household is; outside
    their jurisdiction the household is not found, whatever the kind."""
    registration = household.observations[0]["data"]
    region, grid = registration.get("region"), registration.get("grid")
    if not covers(principal, region, grid):
        raise CorrectionRefused("household", "no such household in your jurisdiction", "您的辖区内没有该家庭", 404)
    denial = admits(principal, kind, region, grid, registering=False) if kind else None
    if denial is not None:
        raise CorrectionRefused(denial.field, denial.message, denial.message_zh, denial.status)


def sent_by(principal: Principal, original_id: str, household: Household) -> dict[str, Any]:
    """The observation in force that `principal` sent and may still send there."""
    kinds = [o["kind"] for o in household.observations if o["observation_id"] == original_id]
    where(principal, kinds[0] if kinds else None, household)
    return household.in_force(original_id, principal.name)
