"""Administrators' parameter changes, and the parameter table the rules use now.

The table is rebuilt only when the PolicyBook changed (its version is cheap to
check), so the rule worker can ask for it before every batch.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from domain.policy.declarations import check
from domain.policy.parameter_types import ParameterRefused, Problem, effective_date
from domain.policy.parameters import ParameterTable, ParameterValue
from domain.policy.book import POLICY_ID, PolicyBook
from domain.region_codes import InvalidRegionCode, check_region_code, region_scope
from domain.households.application import HouseholdsApp


class PolicyError(ValueError):
    """A parameter value that cannot be set, with every reason (each naming its field)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


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

    def set_value(
        self, name: str, region: str, effective_from: date | str, value: Any, set_by: str, reason: str = ""
    ) -> ParameterValue:
        """Record one dated value, or raise PolicyError (nothing recorded) when any part is unusable.

        `effective_from` is a date or its YYYY-MM-DD text (as typed on the command line or posted).
        """
        since = self._check(name, region, effective_from, value)
        book = self._book() or PolicyBook()
        book.set_value(name=name, region=region, effective_from=since.isoformat(), value=value,
                       set_by=set_by, reason=reason)
        self.app.save(book)
        return ParameterValue(name, region_scope(region), since, value, f"set by {set_by}")

    @staticmethod
    def _check(name: str, region: str, effective_from: date | str, value: Any) -> date:
        return check_value(name, region, effective_from, value)


def check_value(name: str, region: str, effective_from: date | str, value: Any) -> date:
    """The effective date of a value that may be set; PolicyError with every problem otherwise."""
    problems = check(name, value)
    try:
        check_region_code(region)
    except InvalidRegionCode as error:
        problems.append(Problem("region", error.message, error.message_zh))
    since: date | None = None
    try:
        since = effective_date(effective_from)
    except ParameterRefused as refused:
        problems.extend(refused.problems)
    if problems or since is None:
        raise PolicyError(problems)
    return since
