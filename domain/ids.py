"""Deterministic aggregate ids, so that re-processing never creates a second copy."""

from __future__ import annotations

from functools import lru_cache
from uuid import NAMESPACE_URL, UUID, uuid5

QIANSHAO = uuid5(NAMESPACE_URL, "https://qianshao.example/ids")


@lru_cache(maxsize=1 << 16)
def stable_id(*parts: str) -> UUID:
    """A UUID derived from the given parts (joined with '|'); kept, as intake asks for the same ids over and over."""
    return uuid5(QIANSHAO, "|".join(parts))
