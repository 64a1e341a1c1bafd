"""Derived facts about one resident, as of the date judged.

Household values a person-level rule compares against (per-capita income, the
standard, assets, the household's enrolments) are copied onto the resident's
fact, because the engine matches one fact at a time. A resident who died or
left is no longer a member: their fact says only that (and, for the dead,
whether coverage outlived them), so no other rule can hold for them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.dates import age_on
from domain.facts.elderly import elderly_facts
from domain.facts.context import Context, Parameters, Subject, known
from domain.households.state import ResidentState
from domain.facts.parents import parent_facts
from domain.facts.transitions import age_out_facts, deceased_facts
from domain.vocabulary import RESIDENT_LEVEL_PROGRAMMES

RESIDENT_PROGRAMMES = tuple(sorted(RESIDENT_LEVEL_PROGRAMMES | {"dibao"}))
ENROLMENT_KEYS = tuple((f"enrolled_{programme}", programme) for programme in RESIDENT_PROGRAMMES)
COPIED_FROM_HOUSEHOLD = ("pc_income", "std", "edge_line", "assets_ok", "hukou", "local_hukou", "has_adult_member")
COPIED_ENROLMENTS = ("dibao", "low_income_edge")
# RULES.md `no_labour`: disabilities that take away the capacity to work, by category: worst grade that counts.
DISABLING_GRADES = {"intellectual": 3, "mental": 3, "physical": 2, "visual": 1}
MENTAL = ("intellectual", "mental")


def no_labour(person: ResidentState, on: date) -> bool:
    """RULES.md `no_labour`: aged 60+ or under 16, assessed unable to work, or severely disabled."""
    age = age_on(person.birth_date, on)
    return age >= 60 or age < 16 or person.capacity == "none" or disabling(person.disability)


def disabling(disability: dict[str, Any] | None) -> bool:
    """Intellectual/mental grade 1–3, physical grade 1–2, visual grade 1."""
    if not disability:
        return False
    return bool(disability["grade"] <= DISABLING_GRADES.get(disability["category"], 0))


def limits(params: Parameters) -> dict[str, Any]:
    """Parameters person rules compare against, looked up once per household."""
    school_ages = params.get("school.compulsory_ages") or [None, None]
    return {
        "child_age_limit": params.get("child.age_limit"),
        "school_min_age": school_ages[0],
        "school_max_age": school_ages[-1],
        "visiting_min_age": params.get("visiting.min_age"),
        "elderly_allowance_min_age": params.get("elderly_allowance.min_age"),
        "requires_local_hukou": params.get("elderly_allowance.requires_local_hukou"),
        "living_subsidy_low_income": params.get("disability.living_subsidy_low_income"),
    }


def resident_subjects(ctx: Context) -> list[Subject]:
    """One subject per resident ever registered in the household."""
    shared = {key: ctx.household.get(key) for key in COPIED_FROM_HOUSEHOLD}
    shared.update({f"household_enrolled_{p}": ctx.enrolled(p) for p in COPIED_ENROLMENTS})
    shared.update(limits(ctx.params))
    shared = known(shared)
    return [resident_subject(ctx, person, shared) for person in ctx.state.residents.values()]


def resident_subject(ctx: Context, person: ResidentState, shared: dict[str, Any]) -> Subject:
    """A member's facts: the household's values, then the person's own (unknown ones left out)."""
    rid, evidence = person.resident, [*person.evidence, *ctx.state.evidence]
    if not person.is_member_on(ctx.on):
        return Subject("resident", rid, rid, known({"member": False, **deceased_facts(ctx, person)}), evidence)
    age = age_on(person.birth_date, ctx.on)
    facts = dict(shared, member=True, age=age, relation=person.relation, no_labour=no_labour(person, ctx.on))
    facts.update((key, (programme, rid) in ctx.active) for key, programme in ENROLMENT_KEYS)
    personal = {
        "has_capable_supporter": person.has_capable_supporter,
        **disability_facts(person, ctx.params),
        **elderly_facts(ctx, person, age, shared.get("visiting_min_age")),
        **parent_facts(person, ctx.on, ctx.params.get("child.missing_months") if person.parents else None),
        **school_facts(person),
        **age_out_facts(ctx, person),
    }
    facts.update(known(personal))
    return Subject("resident", rid, rid, facts, evidence)


def disability_facts(person: ResidentState, params: Parameters) -> dict[str, Any]:
    """The assessed disability (category, grade, certificate) and whether any condition's latest
    illness report says serious (RULES.md `serious illness`)."""
    disability = person.disability
    facts: dict[str, Any] = {"serious_illness": person.seriously_ill}
    if disability:
        category, grade = disability["category"], disability["grade"]
        extra = params.get("disability.care_extra_mental_grades") or []
        facts.update(
            disability_category=category,
            disability_grade=grade,
            disability_certified=disability["certified"],
            intellectual_or_mental=category in MENTAL,
            care_extra_grade=category in MENTAL and grade in extra,
        )
    return facts


def school_facts(person: ResidentState) -> dict[str, Any]:
    """School status as reported; with no report the person is taken as not in full-time school."""
    school = person.school or {}
    return {
        "school_status": school.get("status"),
        "in_full_time_school": school.get("status") == "enrolled" and school.get("full_time") is True,
    }
