"""A catalog with one rule that raises for three-member households (fault tests only).

`TEST.RAISES_FOR_THREE` holds where MISSED.DIBAO holds, and its severity function raises
for a household of three: the worker must record the failure and judge everything else.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rules.catalog import CATALOG as REAL_CATALOG
from rules.catalog import MISSED_DIBAO


def raises_for_three(facts: dict[str, Any]) -> str:
    if facts.get("members") == 3:
        raise ZeroDivisionError("a rule bug that only three-member households hit")
    return "high"


RAISING = replace(MISSED_DIBAO, id="TEST.RAISES_FOR_THREE", severity_for=raises_for_three)
CATALOG = (*REAL_CATALOG, RAISING)
