"""Coverage that must change because a person's life did: a child turning 18, a death.

Coverage terminated with a grace period is left out of the age-out: the
transition has been made. It is not left out after a death: RULES.md counts it
as active, and a grace period is no reason to keep paying someone who has died.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.dates import add_months, birthday
from domain.facts.context import Context
from domain.facts.household import ADULT_AGE
from domain.households.state import CoverageState, ResidentState

CHILD_PROGRAMMES = ("orphan_allowance", "defacto_child_allowance", "tekun")


def running(coverage: CoverageState, on: date) -> bool:
    """Active and not terminated: started, and no termination (grace periods excluded)."""
    return coverage.start <= on and not coverage.is_terminated_on(on)


def age_out_facts(ctx: Context, person: ResidentState) -> dict[str, Any]:
    """Coverage of a child programme (or tekun) started before the 18th birthday, and how near it is."""
    adult_on = birthday(person.birth_date, ADULT_AGE)
    as_minor = sorted(
        c.programme for c in ctx.state.coverages
        if c.resident == person.resident and c.programme in CHILD_PROGRAMMES
        and running(c, ctx.on) and c.start < adult_on
    )
    if not as_minor:
        return {}
    return {
        "enrolled_as_minor": True,
        "minor_programmes": as_minor,
        "adult_on": adult_on.isoformat(),
        "days_to_adulthood": (adult_on - ctx.on).days,
        "age_out_notice_days": ctx.params.get("age_out.notice_days"),
    }


def _counted_in(coverage: CoverageState, died_on: date, on: date) -> bool:
    """A household coverage active (grace included) since before the death and not reviewed since
    (the review would recount)."""
    if coverage.resident is not None or not coverage.is_active_on(on) or coverage.start > died_on:
        return False
    return not any(died_on <= review <= on for review in coverage.reviews)


def deceased_facts(ctx: Context, person: ResidentState) -> dict[str, Any]:
    """LAPSED.DECEASED_STILL_COVERED: dead more than one calendar month and still covered or counted."""
    died_on = person.died_on
    if died_on is None or add_months(died_on, 1) >= ctx.on:
        return {}
    own = [c.programme for c in ctx.state.coverages if c.resident == person.resident and c.is_active_on(ctx.on)]
    counted = [c.programme for c in ctx.state.coverages if _counted_in(c, died_on, ctx.on)]
    return {
        "died_on": died_on.isoformat(),
        "covered_after_death": sorted(own + counted),
        "deceased_still_covered": bool(own or counted),
    }
