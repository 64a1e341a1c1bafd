"""Elderly people in special difficulty (特殊困难老年人): risk signs and how long since a visit.

The risk signs are kept as separate facts so the rule reads like RULES.md
(lives alone / empty nest / left behind / special family / care dependency /
disability grade 1–2); only the visit interval is chosen here, because it
depends on a combination (80+ and alone, or fully dependent).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.facts.context import Context
from domain.households.state import HouseholdState, ResidentState

LIVING_SIGNS = ("lives_alone", "empty_nest", "left_behind", "special_family")
HIGH_RISK_AGE = 80


def is_high_risk(age: int, person: ResidentState) -> bool:
    """RULES.md LATE.ELDERLY_VISIT: aged 80+ and living alone, or fully care-dependent."""
    alone = (person.living or {}).get("lives_alone") is True
    return (age >= HIGH_RISK_AGE and alone) or person.care_level == "full"


def last_visit(state: HouseholdState, person: ResidentState, on: date) -> date:
    """The last `household.visited` that saw the resident (a visit naming nobody counts for all),
    else the registration, which is made on a visit (or the day a later member joined).

    Visits are in the order they happened, so the latest is found from the end (usually at once:
    a scan of every visit made a long history's evaluation slower)."""
    seen = next((v.on for v in reversed(state.visits) if v.on <= on and v.saw(person.resident)), None)
    return max([state.registered_on, person.since, *([seen] if seen else [])])


def elderly_facts(ctx: Context, person: ResidentState, age: int, min_age: int | None) -> dict[str, Any]:
    """Risk signs for everyone; visit timing only for those the visiting rules can be about."""
    facts: dict[str, Any] = {"care_level": person.care_level}
    if person.living:
        facts.update((sign, person.living.get(sign)) for sign in LIVING_SIGNS)
    rostered = ctx.enrolled("elderly_visiting", person.resident)
    if rostered or (min_age is not None and age >= min_age):
        high_risk = is_high_risk(age, person)
        interval = "visiting.high_risk_interval_days" if high_risk else "visiting.interval_days"
        visited = last_visit(ctx.state, person, ctx.on)
        facts.update(
            high_risk_elderly=high_risk,
            last_visit=visited.isoformat(),
            days_since_visit=(ctx.on - visited).days,
            visit_interval_days=ctx.params.get(interval),
        )
    return facts
