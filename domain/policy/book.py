"""The PolicyBook aggregate: dated parameter values set by administrators.

Shipped defaults live in `domain.policy.parameters`; every value an administrator
adds is an event here, so history shows who changed what, when and why, and a
replay judges each household with the values that were known.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import stable_id
from domain.policy.parameters import ParameterTable, ParameterValue
from domain.region_codes import is_region_code, region_scope

POLICY_ID = stable_id("policy-book")


class PolicyBook(Aggregate):
    """All administrator-set parameter values, in the order they were set."""

    @staticmethod
    def create_id() -> UUID:
        return POLICY_ID

    @event("Opened")
    def __init__(self) -> None:
        self.values: list[dict[str, Any]] = []

    @event("ValueSet")
    def set_value(self, name: str, region: str, effective_from: str, value: Any, set_by: str, reason: str) -> None:
        """Add (or replace, for the same name, region and date) one dated value.

        The region is read by level when replayed, so values set before codes were read so apply to
        the place their code names; one whose code is no code at all (accepted then) applies nowhere."""
        self.values.append(
            {"name": name, "region": region_scope(region) if is_region_code(region) else None,
             "from": effective_from, "value": value, "set_by": set_by, "reason": reason}
        )

    def parameter_values(self) -> list[ParameterValue]:
        return [
            ParameterValue(v["name"], v["region"], date.fromisoformat(v["from"]), v["value"], f"set by {v['set_by']}")
            for v in self.values if v["region"] is not None
        ]

    def table(self, base: ParameterTable) -> ParameterTable:
        """The base values with this book's values on top (later entries win)."""
        return base.with_values(self.parameter_values())
