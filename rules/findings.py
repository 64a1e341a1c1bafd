"""Judge one household: derive its facts, run the catalog, explain what held."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Sequence

from domain.derived_facts import HouseholdFacts, Subject, derive
from domain.household_state import fold
from domain.parameters import ParameterTable
from rules.engine import Match, RuleEngine
from rules.engine_process import EngineProcess

Engine = RuleEngine | EngineProcess
from rules.explanation import explain
from rules.rule import Rule


@dataclass(frozen=True)
class Finding:
    """A rule that holds for one subject of a household, with its explanation."""

    household: str
    region: str
    rule: Rule
    subject: Subject
    severity: str
    explanation: dict[str, Any]

    @property
    def slot(self) -> str:
        """One open alert per (household, rule, subject): the slot within the household."""
        return f"{self.rule.id}|{self.subject.kind}:{self.subject.key}"


def engine_facts(household: HouseholdFacts) -> list[dict[str, Any]]:
    """Subject facts as the engine sees them: flat, with a unique id and their kind."""
    return [
        dict(s.facts, id=f"{household.household}|{s.kind}:{s.key}", subject=s.kind)
        for s in household.subjects
    ]


PIPELINE_CHUNK = 50


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
        """Evaluate households in engine batches (facts never join across subjects); while the
        engine matches one batch, the next one's facts are derived."""
        table = self.parameters
        chunks = [households[i : i + PIPELINE_CHUNK] for i in range(0, len(households), PIPELINE_CHUNK)]
        results: list[list[Finding]] = []
        previous: list[HouseholdFacts] | None = None
        for chunk in chunks:
            derived = [self.facts(obs, on, table) for obs, on in chunk]
            self.engine.submit([fact for hh in derived for fact in engine_facts(hh)])
            if previous is not None:
                results += self._collect(previous)
            previous = derived
        if previous is not None:
            results += self._collect(previous)
        return results

    def _collect(self, derived: list[HouseholdFacts]) -> list[list[Finding]]:
        matches = self.engine.collect()
        return [self._findings(hh, matches) for hh in derived]

    def _findings(self, household: HouseholdFacts, matches: list[Match]) -> list[Finding]:
        by_id = {f"{household.household}|{s.kind}:{s.key}": s for s in household.subjects}
        found = []
        for match in matches:
            subject = by_id.get(match.fact_id)
            if subject is None:
                continue
            rule = self.rules[match.rule_id]
            found.append(
                Finding(
                    household=household.household,
                    region=household.region,
                    rule=rule,
                    subject=subject,
                    severity=rule.severity_of(subject.facts),
                    explanation=explain(rule, subject, household),
                )
            )
        return sorted(found, key=lambda f: f.slot)
