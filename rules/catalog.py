"""The rule catalog: every rule of RULES.md, assembled from its category modules.

Each condition receives durable_rules' `m` and reads one subject fact. Facts
that were never reported are absent, and a comparison with an absent field
does not hold — RULES.md's "unknown is not false" falls out of the engine.
"""

from __future__ import annotations

from rules.lapsed import LAPSED_REVIEW_OVERDUE, LAPSED_RULES
from rules.late import LATE_RULES
from rules.missed import MISSED_DIBAO, MISSED_RULES
from rules.need import NEED_RULES, NEED_URGENT_HARDSHIP
from rules.rule import Rule

CATALOG: tuple[Rule, ...] = (*NEED_RULES, *MISSED_RULES, *LAPSED_RULES, *LATE_RULES)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in CATALOG}

__all__ = ["CATALOG", "RULES_BY_ID", "MISSED_DIBAO", "NEED_URGENT_HARDSHIP", "LAPSED_REVIEW_OVERDUE"]
