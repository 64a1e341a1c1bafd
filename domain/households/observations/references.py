"""References to what the registry knows: named households and residents exist and belong together,
new ones are new."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from domain.households import intake_limits as limits
from domain.households.observations.composites import ids_at, within
from domain.households.observations.kinds import MEMBER_REFERENCES
from domain.households.observations.problems import CONFLICT, NOT_FOUND, Problem


class Registry(Protocol):
    """What validation needs to know about already-recorded subjects."""

    def household_exists(self, household_id: str) -> bool: ...

    def resident_household(self, resident_id: str) -> str | None: ...

    def registered_at(self, household_id: str) -> datetime | None:
        """When the household's registration was observed (None: not registered)."""
        ...

    def application_submitted(self, household_id: str, application: str) -> bool:
        """An `application.submitted` with this id is recorded for the household."""
        ...




def _membership(field: str, resident: str, household: str, registry: Registry) -> list[Problem]:
    home = registry.resident_household(resident)
    if home is None:
        return [Problem(field, f"unknown resident {resident}", f"未知的居民 {resident}", NOT_FOUND)]
    if home != household:
        return [Problem(field, f"resident {resident} is not a member of household {household}",
                         f"居民 {resident} 不是户 {household} 的成员")]
    return []


def _in_use(field: str, resident: str, registry: Registry) -> list[Problem]:
    if registry.resident_household(resident) is None:
        return []
    return [Problem(field, f"resident id {resident} is already in use", f"居民编号 {resident} 已被使用", CONFLICT)]


def registry_problems(kind: str, household: str, resident: str | None, raw_data: Any, registry: Registry) -> list[Problem]:
    """Named households and residents must exist and belong together; new ones must be new."""
    raw = raw_data if isinstance(raw_data, dict) else {}
    if kind == "household.registered":
        problems = [Problem("household", f"household {household} is already registered", f"户 {household} 已登记", CONFLICT)] \
            if registry.household_exists(household) else []
        for index, rid in ids_at(within(raw.get("members"), limits.MAX_MEMBERS), "resident"):
            problems += _in_use(f"data.members[{index}].resident", rid, registry)
        return problems
    if not registry.household_exists(household):
        return [Problem("household", f"unknown household {household}", f"未知的户 {household}", NOT_FOUND)]
    problems = []
    if resident is not None:
        joining = kind == "resident.joined"
        problems += _in_use("resident", resident, registry) if joining else _membership("resident", resident, household, registry)
    for path, rid in _named_in_data(kind, raw):
        problems += _membership(path, rid, household, registry)
    return problems


def _named_in_data(kind: str, raw: dict[Any, Any]) -> list[tuple[str, str]]:
    """(path, resident id) of each well-formed member reference inside `data`."""
    field = MEMBER_REFERENCES.get(kind)
    if field is None:
        return []
    value = raw.get(field)
    if isinstance(value, list):
        return [(f"data.{field}[{index}]", rid) for index, rid in ids_at(within(value, limits.MAX_RESIDENTS_SEEN))]
    return [(f"data.{field}", rid) for _, rid in ids_at([value])]
