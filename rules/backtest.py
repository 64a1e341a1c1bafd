"""Back-testing: replay the recorded history day by day with other parameters or rules.

Each day of the window the replay knows exactly what had been *recorded* by the end
of that day (late reports join on the day they arrived, not the day they happened),
judges every household known so far with the real `Judge`, and reconciles the
findings into a scratch alerts application with the worker's own `reconcile`, so
episodes, clears and alert ids behave as in the live system. The day before the
window is judged once as a warm-up: what is open then was found *before* the window.
The caseworkers' workflow is not replayed (a `not_eligible` snooze, a resolution),
so only what the rules would have raised is compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Callable, Iterable, Sequence

from domain.policy.parameters import ParameterTable, ParameterValue
from domain.alerts.application import AlertsApp
from rules.alerting import reconcile
from rules.assessment import judged_on
from rules.findings import Judge


@dataclass(frozen=True)
class RecordedObservation:
    """One observation of a household and the day (China time) it was recorded."""

    household: str
    recorded_on: date
    observation: dict[str, Any]


@dataclass(frozen=True)
class RecordedValue:
    """One administrator-set parameter value and the day it was recorded."""

    recorded_on: date
    value: ParameterValue


@dataclass
class RecordedHistory:
    """What the households log holds, in log order, with recorded days."""

    observations: list[RecordedObservation] = field(default_factory=list)
    parameter_values: list[RecordedValue] = field(default_factory=list)

    @property
    def events(self) -> int:
        return len(self.observations) + len(self.parameter_values)


@dataclass(frozen=True)
class Raised:
    """An alert (one episode of one slot) raised on a day; `before_window` when it was
    already open when the window began (raised on or before the day before it)."""

    household: str
    rule: str
    slot: str
    resident: str | None
    on: date
    before_window: bool = False


@dataclass
class ReplayStats:
    days: int = 0
    evaluations: int = 0
    failures: int = 0


class ParametersByDay:
    """The parameter table as it stood on a replay day: the base, the values administrators had
    recorded by then, and the back-test's own values as if set before the window (dated values like
    any other: one with the same name, region and date replaces a recorded one)."""

    def __init__(self, base: ParameterTable, recorded: Sequence[RecordedValue],
                 overrides: Sequence[ParameterValue]) -> None:
        self.base = base
        self.recorded = sorted(recorded, key=lambda r: r.recorded_on)
        self.overrides = list(overrides)
        self.day: date | None = None
        self._tables: dict[int, ParameterTable] = {}

    def __call__(self) -> ParameterTable:
        known = sum(1 for r in self.recorded if self.day is None or r.recorded_on <= self.day)
        if known not in self._tables:
            values = [r.value for r in self.recorded[:known]] + self.overrides
            self._tables[known] = self.base.with_values(values)
        return self._tables[known]


ProgressCallback = Callable[[date], None]


class Replay:
    """Judges the recorded history day by day into a scratch alerts application."""

    def __init__(self, judge: Judge, parameters: ParametersByDay, scratch: AlertsApp) -> None:
        self.judge = judge
        self.parameters = parameters
        self.scratch = scratch
        self.stats = ReplayStats()

    def run(self, history: RecordedHistory, start: date, end: date,
            progress: ProgressCallback | None = None) -> list[Raised]:
        """Every alert the rules would have raised from the warm-up day to `end`, in order."""
        pending = sorted(history.observations, key=lambda r: r.recorded_on)
        known: dict[str, list[dict[str, Any]]] = {}
        raised: list[Raised] = []
        index = 0
        for day in _days(start - timedelta(days=1), end):
            while index < len(pending) and pending[index].recorded_on <= day:
                known.setdefault(pending[index].household, []).append(pending[index].observation)
                index += 1
            raised += self._judge_day(known, day, before_window=day < start)
            if day >= start:
                self.stats.days += 1
                if progress is not None:
                    progress(day)
        return raised

    def _judge_day(self, known: dict[str, list[dict[str, Any]]], day: date, before_window: bool) -> list[Raised]:
        self.parameters.day = day
        households = [(h, obs, judged_on(obs, day)) for h, obs in sorted(known.items())]
        raised: list[Raised] = []
        changed: list[Any] = []
        for (household, _, on), judgement in zip(households, self.judge.judgements(households)):
            self.stats.evaluations += 1
            self.stats.failures += len(judgement.failures)
            book, changes = reconcile(self.scratch, household, judgement.findings, on, ["backtest"],
                                      judgement.failures)
            if changes:
                changed += [book, *changes.raised, *changes.cleared]
            raised += [Raised(a.household, a.rule, a.slot, a.resident, day, before_window) for a in changes.raised]
        if changed:
            self.scratch.save(*changed)
        return raised


def _days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def recorded_day(timestamp: datetime, zone: Any) -> date:
    """The calendar day (in `zone`) on which an event was recorded."""
    return timestamp.astimezone(zone).date()
