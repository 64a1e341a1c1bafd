"""Policy parameters, effective-dated per region (RULES.md § Parameters).

A value is keyed by (name, region prefix, effective date). Lookup takes the
longest region prefix that has a value for the name, then the latest value
not after the date judged. Codes are read by level (`domain.region_codes`):
only a 6-digit code abbreviates (``500000`` is all of Chongqing), a town
``500103100`` is that town alone, so a value is keyed by `region_scope(code)`.
A value in force that does not have its declared type (domain.policy.declarations) is
reported as unusable and never returned by `lookup`: unknown, so rules needing it do not hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Iterable

from domain.policy.declarations import DECLARED, check
from domain.policy.parameter_types import json_safe
from domain.region_codes import LEVELS, InvalidRegionCode, region_scope

START_OF_TIME = date(1900, 1, 1)
NATIONAL = ""


@dataclass(frozen=True)
class ParameterValue:
    """One dated value of one parameter for one region prefix."""

    name: str
    region: str
    effective_from: date
    value: Any
    source: str = "default"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "region": self.region or "national",
            "from": self.effective_from.isoformat(),
            "value": self.value,
            "source": self.source,
        }


def _national(name: str, value: Any) -> ParameterValue:
    return ParameterValue(name, NATIONAL, START_OF_TIME, value)


def _local(name: str, region: str, since: date, value: Any) -> ParameterValue:
    return ParameterValue(name, region_scope(region), since, value, "example")


NATIONAL_DEFAULTS: tuple[ParameterValue, ...] = tuple(
    _national(d.name, d.default) for d in DECLARED if d.default is not None)

EXAMPLE_LOCALITIES: tuple[ParameterValue, ...] = (
    # Chongqing (50): 750/610 before 2025-07-01, 770/630 from then.
    _local("dibao.standard_monthly.urban", "500000", START_OF_TIME, 750),
    _local("dibao.standard_monthly.rural", "500000", START_OF_TIME, 610),
    _local("dibao.standard_monthly.urban", "500000", date(2025, 7, 1), 770),
    _local("dibao.standard_monthly.rural", "500000", date(2025, 7, 1), 630),
    _local("tekun.standard_monthly", "500000", date(2025, 1, 1), 1001),
    # Luzhou (5105): 788/580 from 2024-07-01.
    _local("dibao.standard_monthly.urban", "510500", date(2024, 7, 1), 788),
    _local("dibao.standard_monthly.rural", "510500", date(2024, 7, 1), 580),
)

SHIPPED_VALUES: tuple[ParameterValue, ...] = NATIONAL_DEFAULTS + EXAMPLE_LOCALITIES

# Parameters with no national default: each region must set them (RULES.md § Parameters).
REGIONAL_ONLY = tuple(d.name for d in DECLARED if d.default is None)


@dataclass(frozen=True)
class Resolved:
    """A looked-up value together with where it came from, for explanations."""

    name: str
    value: Any
    region: str
    effective_from: date

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "region": self.region or "national",
            "from": self.effective_from.isoformat(),
        }


@dataclass(frozen=True)
class Unusable:
    """A value in force that no rule may compute with (stored before its type was checked)."""

    name: str
    value: Any
    region: str
    effective_from: date
    reason: str
    reason_zh: str

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "region": self.region or "national",
            "from": self.effective_from.isoformat(),
            "value": json_safe(self.value),
            "reason": self.reason,
            "reason_zh": self.reason_zh,
        }


class ParameterTable:
    """All known values; answers `lookup(name, region, on)`."""

    def __init__(self, values: Iterable[ParameterValue] = SHIPPED_VALUES) -> None:
        self._by_name: dict[str, dict[str, list[ParameterValue]]] = {}
        self._cache: dict[tuple[str, str, date], Resolved | Unusable | None] = {}
        self._next_effective: dict[tuple[str, date], date | None] = {}
        for value in values:
            self.add(value)

    def add(self, value: ParameterValue) -> None:
        self._cache.clear()
        self._next_effective.clear()
        regions = self._by_name.setdefault(value.name, {})
        dated = [v for v in regions.get(value.region, []) if v.effective_from != value.effective_from]
        dated.append(value)
        dated.sort(key=lambda v: v.effective_from)
        regions[value.region] = dated

    def lookup(self, name: str, region: str, on: date) -> Resolved | None:
        """Longest region prefix with a value in force on `on`; None when unknown or unusable."""
        found = self.find(name, region, on)
        return found if isinstance(found, Resolved) else None

    def find(self, name: str, region: str, on: date) -> Resolved | Unusable | None:
        """The value in force on `on`, usable or not; None when there is none."""
        key = (name, region, on)
        if key not in self._cache:
            self._cache[key] = self._find(name, region, on)
        return self._cache[key]

    def _find(self, name: str, region: str, on: date) -> Resolved | Unusable | None:
        regions = self._by_name.get(name, {})
        code = _lookup_scope(region)
        for length in [n for n in sorted(LEVELS, reverse=True) if n <= len(code)] + [0]:
            candidates = regions.get(code[:length])
            if not candidates:
                continue
            in_force = [v for v in candidates if v.effective_from <= on]
            if in_force:
                chosen = in_force[-1]
                problems = check(name, chosen.value)
                if problems:
                    return Unusable(name, chosen.value, chosen.region, chosen.effective_from,
                                    "; ".join(p.message for p in problems), "；".join(p.message_zh for p in problems))
                return Resolved(name, chosen.value, chosen.region, chosen.effective_from)
        return None

    def next_effective(self, scope: str, on: date) -> date | None:
        """The earliest effective date after `on` of any value for `scope` or a scope enclosing it (every
        household of a region asks the same on the same day: answered once until a value is added)."""
        key = (scope, on)
        if key not in self._next_effective:
            scopes = {scope[:n] for n in LEVELS if n <= len(scope)} | {""}
            self._next_effective[key] = min((v.effective_from for v in self.values()
                                             if v.region in scopes and v.effective_from > on), default=None)
        return self._next_effective[key]

    def names(self) -> list[str]:
        """Every parameter name known, with or without a value."""
        return sorted(set(self._by_name) | set(REGIONAL_ONLY))

    def values(self) -> list[ParameterValue]:
        return [v for regions in self._by_name.values() for vs in regions.values() for v in vs]

    def with_values(self, extra: Iterable[ParameterValue]) -> "ParameterTable":
        table = ParameterTable(self.values())
        for value in extra:
            table.add(value)
        return table


@lru_cache(maxsize=65_536)  # a pure function of the text, asked for each household judged
def _lookup_scope(region: str) -> str:
    """The scope a region's values are looked up from; a household region that is not a code (one
    registered before codes were read by level) gets national values only, never a neighbour's."""
    if not region:
        return NATIONAL
    try:
        return region_scope(region)
    except InvalidRegionCode:
        return NATIONAL
