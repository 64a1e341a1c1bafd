"""Deterministic aggregate ids, so that re-processing never creates a second copy."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

QIANSHAO = uuid5(NAMESPACE_URL, "https://qianshao.example/ids")


def stable_id(*parts: str) -> UUID:
    """A UUID derived from the given parts (joined with '|')."""
    return uuid5(QIANSHAO, "|".join(parts))
