"""Derived facts (RULES.md § Derived facts): what the rules read, as of a date.

A household's state is turned into flat *subject facts* — one for the
household, one per resident, coverage episode and application — holding only
known values. A fact that was never reported is left out rather than set to
False, so a rule that needs it does not hold ("unknown is not false").

Each kind of subject has its own module; this one assembles them. The
household comes first because resident and coverage facts copy the household
values they compare against (the engine matches one fact at a time).
"""

from __future__ import annotations

from datetime import date

from domain.facts.applications import application_subject
from domain.facts.coverage import coverage_subject
from domain.facts.context import HouseholdFacts, Parameters, Subject, context
from domain.facts.household import household_subject
from domain.facts.next_change import next_change
from domain.households.state import HouseholdState
from domain.policy.parameters import ParameterTable
from domain.facts.person import resident_subjects

__all__ = ["HouseholdFacts", "Parameters", "Subject", "derive"]


def derive(state: HouseholdState, on: date, table: ParameterTable) -> HouseholdFacts:
    """Every subject of the household with its derived facts on `on`."""
    ctx = context(state, on, table)
    household = household_subject(ctx)
    ctx.household = household.facts
    subjects = [household, *resident_subjects(ctx)]
    subjects += [coverage_subject(ctx, c) for c in state.coverages]
    subjects += [application_subject(ctx, a) for a in state.applications.values()]
    read = ctx.params.names
    changes = next_change(state, on, table, read)
    return HouseholdFacts(state.household, state.region, on, subjects, ctx.params, state.grid, changes,
                          frozenset(read))
