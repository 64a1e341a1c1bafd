"""Minimum necessary (PIPL): what of a resident's identity a role may see.

ID numbers keep their first four and last four characters (`5001**********1234`) and
names their first character (`张*`), unless the role's job needs the full value:
caseworkers of the household's jurisdiction, on the household view.
"""

from __future__ import annotations

from typing import Any

FULL_IDENTITY_ROLES = frozenset({"caseworker"})
MASKED_FIELDS = ("name", "id_number")


def mask_id_number(value: str) -> str:
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def mask_name(value: str) -> str:
    if len(value) <= 1:
        return "*"
    return value[0] + "*" * (len(value) - 1)


def sees_full_identity(role: str) -> bool:
    return role in FULL_IDENTITY_ROLES


def masked_member(member: dict[str, Any]) -> dict[str, Any]:
    """A member record with name and ID number masked (other fields as they are)."""
    masked = dict(member)
    if isinstance(masked.get("name"), str):
        masked["name"] = mask_name(masked["name"])
    if isinstance(masked.get("id_number"), str):
        masked["id_number"] = mask_id_number(masked["id_number"])
    return masked


def masked_observation(observation: dict[str, Any]) -> dict[str, Any]:
    """The observation with every `name` and `id_number` inside its data masked (members, parents …)."""
    return {**observation, "data": _masked(observation.get("data"))}


def _masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (mask_name(v) if k == "name" and isinstance(v, str) else
                    mask_id_number(v) if k == "id_number" and isinstance(v, str) else _masked(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value
