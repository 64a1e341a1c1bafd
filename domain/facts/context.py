"""What every kind of subject fact shares: the `Subject`, parameter look-ups, and the
`Context` of one household judged on one date (computed once, read by each subject module).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.households.state import HouseholdState, ResidentState
from domain.policy.parameters import ParameterTable, Resolved, Unusable


@dataclass
class Subject:
    """One thing a rule can be about, with the facts known about it."""

    kind: str
    key: str
    resident: str | None
    facts: dict[str, Any]
    evidence: list[str] = field(default_factory=list)


@dataclass
class Parameters:
    """Parameter look-ups for one household and date, remembering what was used, what was missing
    and what was in force but unusable (so the household view can say which value to fix)."""

    table: ParameterTable
    region: str
    on: date
    used: dict[str, Resolved] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    unusable: dict[str, Unusable] = field(default_factory=dict)
    _values: dict[str, Any] = field(default_factory=dict, repr=False)

    def get(self, name: str) -> Any:
        """The value in force, or None when unknown or unusable (recorded as missing or unusable)."""
        if name in self._values:
            return self._values[name]
        found = self.table.find(name, self.region, self.on)
        if found is None:
            self.missing.add(name)
        elif isinstance(found, Unusable):
            self.unusable[name] = found
        else:
            self.used[name] = found
        value = self._values[name] = found.value if isinstance(found, Resolved) else None
        return value

    @property
    def names(self) -> set[str]:
        """Every name looked up: used, missing or unusable (a change of any other leaves the facts as they are)."""
        return set(self._values)


@dataclass
class Context:
    """One household judged on one date: its state, parameters, members and active coverages."""

    state: HouseholdState
    on: date
    params: Parameters
    members: list[ResidentState]
    active: frozenset[tuple[str, str | None]]
    household: dict[str, Any] = field(default_factory=dict)

    def enrolled(self, programme: str, resident: str | None = None) -> bool:
        """RULES.md `enrolled(X)`: an active coverage of X for the household (None) or that resident."""
        return (programme, resident) in self.active


@dataclass
class HouseholdFacts:
    """All subjects of one household as of one date, and the parameters behind them."""

    household: str
    region: str
    on: date
    subjects: list[Subject]
    parameters: Parameters
    grid: str = ""  # where a verification visit goes; carried onto the household's alerts
    next_change: date | None = None  # when time alone could change the judgement (domain.facts.next_change)
    reads: frozenset[str] = frozenset()  # every parameter name the facts and `next_change` looked up


def known(facts: dict[str, Any]) -> dict[str, Any]:
    """Drop unknown values so that conditions on them do not hold."""
    return {k: v for k, v in facts.items() if v is not None}


def context(state: HouseholdState, on: date, table: ParameterTable) -> Context:
    """Look up members and active coverages once; every subject of the household reads them."""
    return Context(state, on, Parameters(table, state.region, on), state.members_on(on), state.active_on(on))
