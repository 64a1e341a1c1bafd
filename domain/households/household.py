"""The Household aggregate: every observation about a household, in arrival order.

The household keeps the observations themselves (normalised JSON) rather than a
folded state: rules judge a household *as of a date*, and informants' reports
arrive late and out of order, so the state is derived on demand by
`domain.facts.household` from the observations sorted by when they happened.

An informant may correct or retract an observation they sent. `observations` is
the list in force (a correction takes its original's place, a retraction removes
it); the event history keeps every original, correction and retraction.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.aggregate_copies import copy_sharing_items
from domain.ids import stable_id
from domain.households.observations.kinds import MEMBER_REFERENCES


class CorrectionRefused(ValueError):
    """A correction or retraction the household refuses; `status` is how an adapter reports it."""

    def __init__(self, field: str, message: str, message_zh: str, status: int = 409) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.message_zh = message_zh
        self.status = status


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
        # Observation ids no longer in force: the id of the correction that replaced each, or None (retracted).
        self.withdrawn: dict[str, str | None] = {}

    @event("Observed")
    def observe(self, observation: dict[str, Any]) -> None:
        """Record one more observation (any kind but registration)."""
        self.observations.append(observation)

    def correct(self, original_id: str, observation: dict[str, Any], by: str) -> None:
        """Put `observation` in the place of `original_id`, an observation `by` sent and still in force."""
        original = self.in_force(original_id, by)
        _check_same_subject(original, observation)
        self._corrected(original_id=original_id, original=original,
                        observation={**observation, "corrects": original_id})

    def retract(self, original_id: str, by: str, reason: str) -> None:
        """Withdraw `original_id`, an observation `by` sent; the registration itself cannot be withdrawn."""
        original = self.in_force(original_id, by)
        if original["kind"] == "household.registered":
            raise CorrectionRefused("observation_id", "a registration cannot be retracted; correct it instead",
                                    "户登记不能撤回，请改为更正")
        if original["kind"] == "resident.joined" and self._named_elsewhere(original):
            raise CorrectionRefused("observation_id", f"observations in force still name resident "
                                    f"{original['resident']}; retract or correct them first",
                                    f"仍有现行观察记录涉及居民 {original['resident']}，请先撤回或更正它们")
        self._retracted(original_id=original_id, original=original, by=by, reason=reason)

    def _named_elsewhere(self, joined: dict[str, Any]) -> bool:
        resident = joined["resident"]
        return any(o is not joined and _names(o, resident) for o in self.observations)

    def in_force(self, observation_id: str, by: str) -> dict[str, Any]:
        """The observation `by` may correct, or the reason they may not."""
        if observation_id in self.withdrawn:
            replaced_by = self.withdrawn[observation_id]
            zh = f"该观察已被 {replaced_by} 更正" if replaced_by else "该观察已撤回"
            en = f"observation {observation_id} was " + (f"corrected by {replaced_by}" if replaced_by else "retracted")
            raise CorrectionRefused("observation_id", en + "; correct the one in force", zh + "，请更正现行记录")
        original = next((o for o in self.observations if o["observation_id"] == observation_id), None)
        if original is None:
            raise CorrectionRefused("observation_id", f"household {self.household_id} has no observation "
                                    f"{observation_id}", f"该户没有观察记录 {observation_id}", 404)
        if original["informant"] != by:
            raise CorrectionRefused("observation_id", f"observation {observation_id} was sent by someone else; "
                                    "only its sender may correct it", "只能更正或撤回本人提交的观察记录", 403)
        return original

    # Both events carry the original too, so the history (and each read view) shows what was replaced.
    @event("Corrected")
    def _corrected(self, original_id: str, original: dict[str, Any], observation: dict[str, Any]) -> None:
        index = next(i for i, o in enumerate(self.observations) if o["observation_id"] == original_id)
        self.observations[index] = observation
        self.withdrawn[original_id] = observation["observation_id"]

    @event("Retracted")
    def _retracted(self, original_id: str, original: dict[str, Any], by: str, reason: str) -> None:
        self.observations = [o for o in self.observations if o["observation_id"] != original_id]
        self.withdrawn[original_id] = None

    __deepcopy__ = copy_sharing_items  # a cached household is copied for each command (domain/aggregate_copies.py)

    @property
    def resident_ids(self) -> list[str]:
        """Every resident ever recorded for this household, in order of first mention."""
        seen: list[str] = []
        for obs in self.observations:
            for rid in _residents_named(obs):
                if rid not in seen:
                    seen.append(rid)
        return seen


def _names(observation: dict[str, Any], resident: str) -> bool:
    """Whether the observation is about `resident` or names them in its data (a parent, a carer…)."""
    if observation.get("resident") == resident:
        return True
    field = MEMBER_REFERENCES.get(observation["kind"])
    value = observation["data"].get(field) if field else None
    return value == resident or (isinstance(value, list) and resident in value)


def _check_same_subject(original: dict[str, Any], correction: dict[str, Any]) -> None:
    """A correction fixes what was reported, not what it was about: same kind, household and registration."""
    if correction["kind"] != original["kind"]:
        raise CorrectionRefused("kind", f"a correction keeps the kind {original['kind']}; retract it and send a new "
                                "observation instead", f"更正须保持类型 {original['kind']}；如类型有误请撤回后重新提交", 422)
    if correction["household"] != original["household"]:
        raise CorrectionRefused("household", "a correction keeps the household", "更正不能改变所属户", 422)
    if original["kind"] == "household.registered":
        _check_same_registration(original["data"], correction["data"])
    if original["kind"] == "resident.joined" and correction["resident"] != original["resident"]:
        raise CorrectionRefused("resident", "a correction of resident.joined keeps the resident id",
                                "入户更正须保持相同的居民编号", 422)


def _check_same_registration(original: dict[str, Any], correction: dict[str, Any]) -> None:
    for key, zh in (("region", "行政区划"), ("grid", "网格")):
        if correction.get(key) != original.get(key):
            raise CorrectionRefused(f"data.{key}", f"a registration correction keeps the {key}; ask a caseworker "
                                    "to move the household", f"登记更正不能改变{zh}，迁移请联系经办人", 422)
    members = sorted(m["resident"] for m in original["members"])
    if sorted(m["resident"] for m in correction["members"]) != members:
        raise CorrectionRefused("data.members", "a registration correction keeps the same resident ids; report "
                                "resident.joined or resident.left instead",
                                "登记更正须保持相同的居民编号；增减成员请报告 resident.joined / resident.left", 422)


def _residents_named(observation: dict[str, Any]) -> list[str]:
    if observation["kind"] == "household.registered":
        return [m["resident"] for m in observation["data"]["members"]]
    if observation["kind"] == "resident.joined":
        return [observation["resident"]]
    return []
