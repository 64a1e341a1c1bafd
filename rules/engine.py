"""durable_rules behind one small interface, used in the pattern DESIGN.md found safe.

One host and one ruleset per catalog, every engine call on one dedicated
thread, one household batch at a time: assert a complete snapshot of facts
(each with an explicit unique `id`), collect what fired, retract the same
batch in a `finally`. Sessions are never deleted, and a catch-all rule keeps
unmatched facts from raising. Nothing outside this module imports durable.
"""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Sequence

from durable.lang import get_host, m, ruleset, when_all

from rules.rule import Rule

_ruleset_numbers = itertools.count(1)


@dataclass(frozen=True)
class Match:
    """A rule that held for one fact (by the fact's id)."""

    rule_id: str
    fact_id: str


class RuleEngine:
    """Evaluates a batch of subject facts against a catalog of rules."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="durable-rules")
        self._fired: list[Match] = []
        self._ids = itertools.count(1)
        self.name = f"qianshao_{next(_ruleset_numbers)}"
        self._host = self._thread.submit(self._define, list(rules)).result()

    def _define(self, rules: list[Rule]) -> Any:
        with ruleset(self.name):
            for rule in rules:
                when_all((m.subject == rule.subject) & rule.condition(m))(self._collector(rule.id))
            when_all(+m.subject)(lambda c: None)
        return get_host()

    def _collector(self, rule_id: str) -> Any:
        def fired(c: Any) -> None:
            self._fired.append(Match(rule_id, c.m.id))

        return fired

    def evaluate(self, facts: Sequence[dict[str, Any]]) -> list[Match]:
        """Rules that hold for each fact; facts must carry `subject` (their kind) and an `id`."""
        if not facts:
            return []
        return self._thread.submit(self._evaluate, list(facts)).result()

    def _evaluate(self, facts: list[dict[str, Any]]) -> list[Match]:
        batch = [dict(fact, id=f"{fact['id']}#{next(self._ids)}") for fact in facts]
        self._fired = []
        self._host.assert_facts(self.name, batch)
        try:
            return [Match(match.rule_id, match.fact_id.rsplit("#", 1)[0]) for match in self._fired]
        finally:
            self._host.retract_facts(self.name, batch)

    def close(self) -> None:
        self._thread.shutdown(wait=True)
