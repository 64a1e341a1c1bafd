"""durable_rules behind one small interface, used in the pattern DESIGN.md found safe.

One host and one ruleset per catalog, every engine call on one dedicated
thread, one household batch at a time: assert a complete snapshot of facts
(each with an explicit unique `id`), collect what fired, retract the same
batch in a `finally`. Sessions are never deleted, and a catch-all rule keeps
unmatched facts from raising. Nothing outside this module imports durable.
"""

from __future__ import annotations

import itertools
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence

import durable_rules_engine

from durable.lang import cap, get_host, m, ruleset, when_all
from durable.lang import value as Expression

from rules.rule import Rule

_ruleset_numbers = itertools.count(1)
# The catch-all rule (an unmatched fact raises MessageNotHandledException) takes facts
# in groups: one action per group instead of one per fact made the engine ~2.5x faster.
CATCH_ALL_CAP = 1000


@dataclass(frozen=True)
class Match:
    """A rule that held for one fact (by the fact's id)."""

    rule_id: str
    fact_id: str


def _silence_background_dispatch(compiled: Any) -> None:
    """Keep the host's timer threads away from this ruleset.

    The host polls every ruleset from daemon timer threads (`dispatch`,
    `dispatch_timers`). Those threads can take pending actions of a batch that
    `assert_facts` is still running in our thread, so matches were lost at random
    (216 of 3,232 in one measured run). We use no engine timers, so both polls
    become no-ops for our ruleset and all actions run in the engine thread.
    """
    compiled.dispatch = lambda: None
    compiled.dispatch_timers = lambda: 0


def _field_names(definition: Any) -> set[str]:
    """Fact fields a durable_rules condition definition refers to (keys and `$m` references)."""
    if isinstance(definition, list):
        return set().union(*(_field_names(item) for item in definition)) if definition else set()
    if not isinstance(definition, dict):
        return set()
    names: set[str] = set()
    for key, value in definition.items():
        if key == "$m" and isinstance(value, str):
            names.add(value)
        elif not key.startswith("$"):
            names.add(key)
        names |= _field_names(value)
    return names


COMPARISONS = ("$lt", "$lte", "$gt", "$gte", "$eq", "$neq")


def guard_references(expression: Any) -> Any:
    """Make a comparison with another field of the fact fail when that field is absent.

    durable_rules holds `m.a < m.b`, `m.a <= m.b` and `m.a > m.b` when `b` is
    missing (measured with 2.0.28), which would make an unknown standard or limit
    look like a met condition. Each comparison whose right side is a field gets
    `& +m.<field>` (the field exists), so unknown stays not true on both sides.
    """
    if not isinstance(expression, Expression):
        return expression
    op, left, right = expression._op, expression._left, expression._right
    if op in ("$and", "$or"):
        return Expression(expression._type, guard_references(left), op, guard_references(right), expression.alias)
    if op in COMPARISONS and isinstance(right, Expression) and right._op is None and right._left:
        return expression & Expression(expression._type, right._left, "$ex", None, expression.alias)
    return expression


def referenced_fields(rules: Sequence[Rule]) -> frozenset[str]:
    """Every field any rule reads; the engine is only sent these (JSON is the engine's cost)."""
    return frozenset({"id", "subject"}.union(*(_field_names(rule.condition(m).define()) for rule in rules)))


def trimmed_facts(facts: Iterable[dict[str, Any]], fields: frozenset[str], ids: Iterator[int]) -> list[dict[str, Any]]:
    """Facts as the engine is sent them: only the fields some rule reads, each id made unique
    (`<id>#<n>`: a fact asserted again before its retraction must not be taken for the old one)."""
    return [{**{k: v for k, v in fact.items() if k in fields}, "id": f"{fact['id']}#{next(ids)}"} for fact in facts]


def _run(rules: Any, call: Callable[[Any, str], Any], payload: str) -> None:
    """What durable's `Host.assert_facts` / `retract_facts` do, for facts encoded by the caller (the
    library would encode them again on each call; durable_rules is pinned, these internals with it)."""
    errors: list[BaseException] = []
    rules.do_actions(rules._handle_result(call(rules._handle, payload), payload),
                     lambda error, state: errors.append(error) if error else None)
    if errors:
        raise errors[0]


class RuleEngine:
    """Evaluates a batch of subject facts against a catalog of rules."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.fields = referenced_fields(rules)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="durable-rules")
        self._fired: list[Match] = []
        self._ids = itertools.count(1)
        self._queued: list[list[dict[str, Any]]] = []
        self.name = f"qianshao_{next(_ruleset_numbers)}"
        self._host = self._thread.submit(self._define, list(rules)).result()

    def _define(self, rules: list[Rule]) -> Any:
        with ruleset(self.name):
            for rule in rules:
                condition = guard_references(rule.condition(m))
                when_all((m.subject == rule.subject) & condition)(self._collector(rule.id))
            when_all(cap(CATCH_ALL_CAP), +m.subject)(lambda c: None)
        host = get_host()
        _silence_background_dispatch(host.get_ruleset(self.name))
        return host

    def _collector(self, rule_id: str) -> Any:
        def fired(c: Any) -> None:
            self._fired.append(Match(rule_id, c.m.id))

        return fired

    def evaluate(self, facts: Sequence[dict[str, Any]]) -> list[Match]:
        """Rules that hold for each fact; facts must carry `subject` (their kind) and an `id`."""
        return self.evaluate_trimmed(trimmed_facts(facts, self.fields, self._ids))

    def evaluate_trimmed(self, facts: list[dict[str, Any]]) -> list[Match]:
        """`evaluate` for facts already trimmed and given unique ids (`trimmed_facts`). They are
        encoded once, and the same text asserted and retracted (JSON is the engine's cost)."""
        if not facts:
            return []
        return self._thread.submit(self._evaluate, json.dumps(facts, ensure_ascii=False)).result()

    def _evaluate(self, payload: str) -> list[Match]:
        rules = self._host.get_ruleset(self.name)
        self._fired = []
        _run(rules, durable_rules_engine.assert_facts, payload)
        try:
            # A condition with `|` fires once per disjunct that holds: report each (rule, fact) once.
            return list(dict.fromkeys(Match(match.rule_id, match.fact_id.rsplit("#", 1)[0]) for match in self._fired))
        finally:
            _run(rules, durable_rules_engine.retract_facts, payload)

    def submit(self, facts: Sequence[dict[str, Any]]) -> None:
        """Queue a batch (evaluated at `collect`, in this process); see EngineProcess."""
        self._queued.append(list(facts))

    def collect(self) -> list[Match]:
        return self.evaluate(self._queued.pop(0))

    def close(self) -> None:
        self._thread.shutdown(wait=True)
