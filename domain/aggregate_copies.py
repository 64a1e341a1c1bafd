"""Copies of cached aggregates that share what their containers hold.

The repository hands out a deep copy of a cached aggregate for every command, so that a command that fails
halfway leaves the cache untouched. A full deep copy walks every observation of a household and every event
id of an alert's explanation, which cost a third of a bulk import's time (bench/imports.py) and made the
rule worker's reads grow with a household's history (bench/rules.py). These aggregates never change an item
of their lists and dicts in place (an observation is replaced by a correction, an alert's explanation and
verification are replaced whole; ids and dates are immutable), so a copy needs containers of its own only.
"""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")


def copy_sharing_items(aggregate: T, memo: dict[int, Any]) -> T:
    """`__deepcopy__` for such an aggregate: its lists, dicts and sets copied, what they hold shared."""
    copy = object.__new__(type(aggregate))
    memo[id(aggregate)] = copy
    copy.__dict__.update({name: value.copy() if isinstance(value, (list, dict, set)) else value
                          for name, value in aggregate.__dict__.items()})
    return copy
