"""Compare a back-test's alerts with the ones actually raised, per rule and household.

Each (household, rule, subject) slot is compared by the first day it was found in the
window: found earlier or later (and by how many days), unchanged, no longer raised, or
new. A slot already open when the window began counts as found on the day before it
(for the replay: at the latest then, so "earlier" is then *at least* that many days).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from rules.backtest import Raised

EARLIER, LATER, UNCHANGED, NOT_RAISED, NEW = "earlier", "later", "unchanged", "not_raised", "new"
OUTCOMES = (EARLIER, LATER, NOT_RAISED, NEW, UNCHANGED)
OUTCOME_LABELS = {EARLIER: ("提前发现", "found earlier"), LATER: ("推迟发现", "found later"),
                  NOT_RAISED: ("不再预警", "would not be raised"), NEW: ("新增预警", "new"),
                  UNCHANGED: ("不变", "unchanged")}


@dataclass(frozen=True)
class Difference:
    """How one slot's first finding moved between what happened and the replay."""

    rule: str
    household: str
    resident: str | None
    slot: str
    outcome: str
    actual_on: date | None
    replay_on: date | None
    days: int | None  # how many days earlier (or later); None when not comparable
    at_least: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "household": self.household, "resident": self.resident, "slot": self.slot,
                "outcome": self.outcome, "actual_on": _iso(self.actual_on), "replay_on": _iso(self.replay_on),
                "days": self.days, "at_least": self.at_least}


def first_found(raised: Iterable[Raised]) -> dict[tuple[str, str], Raised]:
    """The first raise of each (household, slot): an open-at-start one first, then by day."""
    first: dict[tuple[str, str], Raised] = {}
    for item in sorted(raised, key=lambda r: (not r.before_window, r.on)):
        first.setdefault((item.household, item.slot), item)
    return first


def compare(actual: Iterable[Raised], replay: Iterable[Raised]) -> list[Difference]:
    """One difference per slot found by either side, sorted by rule, household and slot."""
    was, would = first_found(actual), first_found(replay)
    out = [_difference(was.get(key), would.get(key)) for key in sorted(set(was) | set(would))]
    return sorted(out, key=lambda d: (d.rule, d.household, d.slot))


def _difference(actual: Raised | None, replay: Raised | None) -> Difference:
    some = actual or replay
    assert some is not None
    if replay is None:
        return _make(some, NOT_RAISED, actual, None, None)
    if actual is None:
        return _make(some, NEW, None, replay, None)
    if actual.before_window and replay.before_window:
        return _make(some, UNCHANGED, actual, replay, None)
    earlier_by = (actual.on - replay.on).days
    outcome = EARLIER if earlier_by > 0 else LATER if earlier_by < 0 else UNCHANGED
    return _make(some, outcome, actual, replay, abs(earlier_by), at_least=replay.before_window)


def _make(some: Raised, outcome: str, actual: Raised | None, replay: Raised | None, days: int | None,
          at_least: bool = False) -> Difference:
    return Difference(some.rule, some.household, some.resident, some.slot, outcome,
                      actual.on if actual else None, replay.on if replay else None, days, at_least)


def by_rule(differences: Iterable[Difference]) -> list[dict[str, Any]]:
    """Per rule: counts per outcome, and every slot that moved (unchanged ones only counted)."""
    grouped: dict[str, list[Difference]] = defaultdict(list)
    for difference in differences:
        grouped[difference.rule].append(difference)
    return [
        {"rule": rule,
         "counts": {outcome: Counter(d.outcome for d in items).get(outcome, 0) for outcome in OUTCOMES},
         "actual": sum(d.actual_on is not None for d in items),
         "replay": sum(d.replay_on is not None for d in items),
         "changes": [d.to_json() for d in items if d.outcome != UNCHANGED]}
        for rule, items in sorted(grouped.items())
    ]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
