"""Administrators' parameter changes, and the parameter table the rules use now.

The table is rebuilt only when the PolicyBook changed (its version is cheap to
check), so the rule worker can ask for it before every batch.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from domain.parameters import ParameterTable
from domain.policy import POLICY_ID, PolicyBook
from infra.event_store import HouseholdsApp

KNOWN_NAMES_HINT = "see RULES.md § Parameters"


class PolicyError(ValueError):
    """A parameter value that cannot be set, with the reason."""


class PolicyService:
    """Reads and changes the policy parameters kept in the households store."""

    def __init__(self, app: HouseholdsApp, base: ParameterTable) -> None:
        self.app = app
        self.base = base
        self._version = -1
        self._table = base

    def _book(self) -> PolicyBook | None:
        try:
            return self.app.repository.get(POLICY_ID)
        except AggregateNotFoundError:
            return None

    def table(self) -> ParameterTable:
        book = self._book()
        version = book.version if book is not None else 0
        if version != self._version:
            self._table = book.table(self.base) if book is not None else self.base
            self._version = version
        return self._table

    def set_value(self, name: str, region: str, effective_from: date, value: Any, set_by: str, reason: str = "") -> None:
        self._check(name, region, value)
        book = self._book() or PolicyBook()
        book.set_value(name=name, region=region, effective_from=effective_from.isoformat(), value=value,
                       set_by=set_by, reason=reason)
        self.app.save(book)

    def _check(self, name: str, region: str, value: Any) -> None:
        if name not in self.base.names():
            raise PolicyError(f"unknown parameter {name!r} ({KNOWN_NAMES_HINT})")
        if not (region.isdigit() and 2 <= len(region) <= 12):
            raise PolicyError("region must be an administrative code of 2 to 12 digits")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            raise PolicyError("a parameter value must not be negative")
