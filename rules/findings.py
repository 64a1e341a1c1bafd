"""Judge one household: derive its facts, run the catalog, explain what held."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from domain.facts.derived import HouseholdFacts, Subject, derive
from domain.households.state import HouseholdState, fold
from domain.policy.parameters import ParameterTable
from rules.engine import Match, RuleEngine
from rules.engine_process import EngineProcess
from rules.explanation import explain
from rules.rule import Rule

Engine = RuleEngine | EngineProcess
T = TypeVar("T")
DERIVATION = "*"


@dataclass(frozen=True)
class Finding:
    """A rule that holds for one subject of a household, with its explanation."""

    household: str
    region: str
    rule: Rule
    subject: Subject
    severity: str
    facts: HouseholdFacts = field(repr=False, compare=False)  # what the explanation is written from
    grid: str = ""  # the household's grid: its alerts know where a verification visit goes

    @cached_property
    def explanation(self) -> dict[str, Any]:
        """Written when first read (an alert raised, a page): most findings of a re-judged household hold
        for a slot already open, and an explanation lists every observation behind the subject, which
        grows with its history (a quarter of a round at 1,000 observations, when every one was written)."""
        return explain(self.rule, self.subject, self.facts)

    @property
    def slot(self) -> str:
        """One open alert per (household, rule, subject): the slot within the household."""
        return f"{self.rule.id}|{self.subject.kind}:{self.subject.key}"


@dataclass(frozen=True)
class Failure:
    """A rule (or, as rule `*`, the derivation of the household's facts) that raised."""

    household: str
    rule: str
    error: str


@dataclass
class Judgement:
    """What held for one household, and what could not be judged (left as it was)."""

    household: str
    findings: list[Finding]
    failures: list[Failure]
    next_change: date | None = None  # when time alone could change these findings (None: never, or failed)
    region: str = ""  # the household's region as judged (what a parameter change is matched against)
    reads: frozenset[str] | None = None  # the parameter names the judgement looked up (None: not known)

    @property
    def failed_rules(self) -> set[str]:
        return {failure.rule for failure in self.failures}


def _failure(household: str, rule: str, error: Exception) -> Failure:
    return Failure(household, rule, f"{type(error).__name__}: {error}"[:500])


def needs(rule: Rule, name: str) -> bool:
    """Whether the rule reads parameter `name` (its templates name a part like `<hukou>`)."""
    return any(re.fullmatch(re.sub(r"<[^>]+>", "[^.]+", re.escape(t)), name)
               for t in rule.parameters)


def unjudgeable(rules: Iterable[Rule], household: HouseholdFacts) -> list[Failure]:
    """Rules that need a parameter whose value in force is unusable: not judged, their alerts kept."""
    unusable = household.parameters.unusable
    return [
        Failure(household.household, rule.id,
                f"parameter {name} = {value.value!r} in force from {value.effective_from} is unusable: {value.reason}")
        for rule in rules
        for name, value in sorted(unusable.items())
        if needs(rule, name)
    ]


def engine_facts(household: HouseholdFacts) -> list[dict[str, Any]]:
    """Subject facts as the engine sees them: flat, with a unique id and their kind."""
    return [
        dict(s.facts, id=f"{household.household}|{s.kind}:{s.key}", subject=s.kind)
        for s in household.subjects
    ]


PIPELINE_CHUNK = 50


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _folded(observations: list[dict[str, Any]], on: date) -> HouseholdState | Exception:
    """The fold, or what it raised (reported as the household's failure by `judge_folded`)."""
    try:
        return fold(observations, on)
    except Exception as error:  # noqa: BLE001 - one household must not stop the others
        return error


class Judge:
    """Evaluates households against a catalog with one engine."""

    def __init__(
        self, rules: Sequence[Rule], engine: Engine, parameters: ParameterTable | Callable[[], ParameterTable]
    ) -> None:
        self.rules = {rule.id: rule for rule in rules}
        self.engine = engine
        self._parameters = parameters

    @property
    def parameters(self) -> ParameterTable:
        """The values in force now (administrators may add values while the worker runs)."""
        return self._parameters() if callable(self._parameters) else self._parameters

    def facts(self, observations: list[dict[str, Any]], on: date, table: ParameterTable | None = None) -> HouseholdFacts:
        return derive(fold(observations, on), on, table or self.parameters)

    def judge(self, observations: list[dict[str, Any]], on: date) -> list[Finding]:
        return self.judge_many([(observations, on)])[0]

    def judge_many(self, households: Sequence[tuple[list[dict[str, Any]], date]]) -> list[list[Finding]]:
        """Findings only; a failure raises (tests and benchmarks want to know)."""
        judgements = self.judgements([(str(i), obs, on) for i, (obs, on) in enumerate(households)])
        for judgement in judgements:
            if judgement.failures:
                raise RuntimeError(f"evaluation failed: {judgement.failures}")
        return [j.findings for j in judgements]

    def judgements(self, households: Sequence[tuple[str, list[dict[str, Any]], date]]) -> list[Judgement]:
        """Evaluate households from their observations (folded here); see `judge_folded`."""
        return self.judge_folded([(household, _folded(obs, on), on) for household, obs, on in households])

    def judge_folded(self, households: Iterable[tuple[str, HouseholdState | Exception, date]]) -> list[Judgement]:
        """Evaluate folded households in engine batches (facts never join across subjects), in the
        order given. Pipelined: a chunk's facts go to the engine as soon as they are derived, and
        the previous chunk's matches are collected while the engine works on them, so that folding
        and deriving (here, lazily, if `households` is a generator) overlap the engine's matching.
        A household whose fold raised (given as the exception), whose facts cannot be derived, or
        a rule that raises, is reported as a failure, never raised."""
        table = self.parameters
        judged: list[Judgement] = []
        pending: tuple[list[HouseholdFacts | Failure], bool] = ([], False)
        for chunk in _chunks(households, PIPELINE_CHUNK):
            derived = [self._derived(household, state, on, table) for household, state, on in chunk]
            submitted = self._submit(derived)
            judged += self._collect(*pending)
            pending = derived, submitted
        return judged + self._collect(*pending)

    @staticmethod
    def _derived(household: str, state: HouseholdState | Exception, on: date,
                 table: ParameterTable) -> HouseholdFacts | Failure:
        if isinstance(state, Exception):
            return _failure(household, DERIVATION, state)
        try:
            return derive(state, on, table)
        except Exception as error:  # noqa: BLE001 - one household must not stop the others
            return _failure(household, DERIVATION, error)

    def _submit(self, derived: list[HouseholdFacts | Failure]) -> bool:
        """Send the chunk's facts to the engine; False (nothing sent) when no household of it can be judged."""
        facts = [fact for d in derived if isinstance(d, HouseholdFacts) for fact in engine_facts(d)]
        if facts:
            self.engine.submit(facts)
        return bool(facts)

    def _collect(self, derived: list[HouseholdFacts | Failure], submitted: bool) -> list[Judgement]:
        """The chunk's judgements, in its order (its matches collected when `_submit` sent any)."""
        matches = self.engine.collect() if submitted else []
        return [self._judgement(d, matches) if isinstance(d, HouseholdFacts) else Judgement(d.household, [], [d])
                for d in derived]

    def _judgement(self, household: HouseholdFacts, matches: list[Match]) -> Judgement:
        by_id = {f"{household.household}|{s.kind}:{s.key}": s for s in household.subjects}
        failures = unjudgeable(self.rules.values(), household)
        failed = {failure.rule for failure in failures}
        found = []
        for match in matches:
            subject = by_id.get(match.fact_id)
            if subject is None or match.rule_id in failed:
                continue
            rule = self.rules[match.rule_id]
            try:
                found.append(self._finding(rule, subject, household))
            except Exception as error:  # noqa: BLE001 - a failing rule leaves its alerts as they are
                failures.append(_failure(household.household, rule.id, error))
        return Judgement(household.household, sorted(found, key=lambda f: f.slot), failures, household.next_change,
                         household.region, household.reads)

    @staticmethod
    def _finding(rule: Rule, subject: Subject, household: HouseholdFacts) -> Finding:
        return Finding(
            household=household.household,
            region=household.region,
            rule=rule,
            subject=subject,
            severity=rule.severity_of(subject.facts),
            facts=household,
            grid=household.grid,
        )
