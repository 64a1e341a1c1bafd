"""A child's parents (RULES.md `absent_parent`, `severe_parent`): who is gone, who cannot raise them.

A parent missing for less than `child.missing_months` is neither absent nor
severe yet: the clock runs from the reported `since`, or from the day the
status was reported when no `since` was given.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.dates import add_months
from domain.households.state import ResidentState

SEVERE_PARENT = frozenset(
    {"severely_disabled", "seriously_ill", "imprisoned", "detained", "guardianship_revoked", "deported"}
)


def missing_since(parent: dict[str, Any], reported_on: date) -> date:
    """When a missing parent was last in contact: `since`, else the report's date."""
    return date.fromisoformat(parent["since"]) if parent.get("since") else reported_on


def parent_flags(
    parent: dict[str, Any] | None, reported_on: date, on: date, missing_months: int | None
) -> tuple[bool | None, bool | None]:
    """(absent_parent, severe_parent) for one parent; (None, None) when the status is unknown."""
    status = (parent or {}).get("status")
    if status in (None, "unknown"):
        return None, None
    if status == "missing":
        if missing_months is None:
            return None, False
        return add_months(missing_since(parent or {}, reported_on), missing_months) <= on, False
    return status == "dead", status in SEVERE_PARENT


def parent_facts(person: ResidentState, on: date, missing_months: int | None) -> dict[str, Any]:
    """Each parent's status and whether they count as absent or severe on `on`."""
    if person.parents is None or person.parents_observed_on is None:
        return {}
    facts: dict[str, Any] = {}
    for role in ("father", "mother"):
        parent = person.parents.get(role)
        absent, severe = parent_flags(parent, person.parents_observed_on, on, missing_months)
        facts[f"{role}_status"] = (parent or {}).get("status")
        facts[f"{role}_absent"] = absent
        facts[f"{role}_severe"] = severe
    return facts
