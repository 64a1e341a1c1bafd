"""What a rule is: a stable id, a version, a subject, a severity and a condition.

Conditions are written in durable_rules' expression language over one subject
fact (see `domain.facts.derived`), so they read like RULES.md. A rule module
never calls the engine itself; `rules.engine` compiles the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

Condition = Callable[[Any], Any]


@dataclass(frozen=True)
class Rule:
    """One entry of the rule catalog (RULES.md)."""

    id: str
    version: int
    category: str
    subject: str
    severity: str
    title_zh: str
    title_en: str
    condition: Condition
    reads: tuple[str, ...]
    parameters: tuple[str, ...] = ()
    severity_for: Callable[[dict[str, Any]], str] | None = None
    choices: tuple[str, ...] = field(default=())

    def severity_of(self, facts: dict[str, Any]) -> str:
        """The severity for these facts (some rules escalate, e.g. alone and 80+)."""
        return self.severity_for(facts) if self.severity_for else self.severity
