"""Derived facts about one resident, as of the date judged.

Household values a person-level rule compares against (the household's
per-capita income, the standard, assets) are copied onto the resident's fact,
because the engine matches one fact at a time.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.derived_facts import Parameters, Subject, _known, add_months, age_on, enrolled, no_labour
from domain.household_state import HouseholdState, ResidentState

COPIED_FROM_HOUSEHOLD = ("pc_income", "std", "edge_line", "assets_ok", "local_hukou", "has_adult_member")
RESIDENT_PROGRAMMES = (
    "tekun", "disability_living_subsidy", "disability_care_subsidy", "elderly_allowance",
    "orphan_allowance", "defacto_child_allowance", "elderly_visiting",
)
SEVERE_PARENT = ("severely_disabled", "seriously_ill", "imprisoned", "detained", "guardianship_revoked", "deported")


def resident_subject(
    state: HouseholdState, person: ResidentState, on: date, params: Parameters, household: dict[str, Any]
) -> Subject:
    member = person.is_member_on(on)
    facts: dict[str, Any] = {"member": member, "age": age_on(person.birth_date, on), "relation": person.relation}
    if member:
        facts.update({k: household.get(k) for k in COPIED_FROM_HOUSEHOLD})
        facts.update(_enrolments(state, person, on))
        facts.update(_limits(params))
        facts.update(_capacity(person, on))
        facts.update(_disability(person, facts["enrolled_dibao_any"], household, params))
        facts.update(_elderly(state, person, on, params))
        facts.update(_parents(person, on, params))
        facts.update(_school(person))
        facts.update(_age_out(state, person, on, params))
    else:
        facts["deceased_still_covered"] = deceased_still_covered(state, person, on)
    return Subject("resident", person.resident, person.resident, _known(facts), list(person.evidence))


def _enrolments(state: HouseholdState, person: ResidentState, on: date) -> dict[str, Any]:
    facts = {f"enrolled_{p}": enrolled(state, p, person.resident, on) for p in RESIDENT_PROGRAMMES}
    facts["enrolled_dibao_any"] = enrolled(state, "dibao", None, on) or enrolled(state, "dibao", person.resident, on)
    facts["household_enrolled_dibao"] = enrolled(state, "dibao", None, on)
    facts["household_enrolled_low_income_edge"] = enrolled(state, "low_income_edge", None, on)
    return facts


def _limits(params: Parameters) -> dict[str, Any]:
    ages = params.get("school.compulsory_ages") or [None, None]
    return {
        "child_age_limit": params.get("child.age_limit"),
        "elderly_allowance_min_age": params.get("elderly_allowance.min_age"),
        "hukou_requirement": params.get("elderly_allowance.requires_local_hukou"),
        "visiting_min_age": params.get("visiting.min_age"),
        "school_min_age": ages[0],
        "school_max_age": ages[-1],
    }


def _capacity(person: ResidentState, on: date) -> dict[str, Any]:
    return {"no_labour": no_labour(person, on), "has_capable_supporter": person.has_capable_supporter}


def _disability(
    person: ResidentState, on_dibao: bool, household: dict[str, Any], params: Parameters
) -> dict[str, Any]:
    disability, illness = person.disability, person.illness
    severe = bool(illness and illness.get("serious"))
    facts: dict[str, Any] = {}
    if disability:
        grade, category = disability["grade"], disability["category"]
        severe = severe or grade <= 2 or (category in ("intellectual", "mental") and grade == 3)
        extra = params.get("disability.care_extra_mental_grades") or []
        facts.update(
            disability_category=category,
            disability_grade=grade,
            disability_certified=disability["certified"],
            care_subsidy_grade=disability["certified"]
            and (grade <= 2 or (category in ("intellectual", "mental") and grade in extra)),
            living_subsidy_household=on_dibao or _low_income_counts(household, params),
        )
    facts["severe_disability_or_illness"] = severe if (disability or illness) else None
    return facts


def _low_income_counts(household: dict[str, Any], params: Parameters) -> bool:
    """On low-income edge, where `disability.living_subsidy_low_income` lets that qualify."""
    return bool(household.get("enrolled_low_income_edge")) and bool(params.get("disability.living_subsidy_low_income"))


def _elderly(state: HouseholdState, person: ResidentState, on: date, params: Parameters) -> dict[str, Any]:
    """Risk signs for visiting care, and days since the last visit."""
    living = person.living or {}
    disability = person.disability or {}
    signs = [living.get(k) for k in ("lives_alone", "empty_nest", "left_behind", "special_family")]
    signs += [person.care_level in ("partial", "full"), bool(disability) and disability["grade"] <= 2]
    high_risk = (age_on(person.birth_date, on) >= 80 and living.get("lives_alone") is True) or person.care_level == "full"
    last_visit = max([v for v in state.visits if v <= on], default=state.registered_on)
    interval = params.get("visiting.high_risk_interval_days" if high_risk else "visiting.interval_days")
    return {
        "elderly_risk": True if any(s is True for s in signs) else None,
        "lives_alone": living.get("lives_alone"),
        "days_since_visit": (on - last_visit).days,
        "visit_interval_days": interval,
    }


def _parent_flags(parent: dict[str, Any] | None, observed: date, on: date, months: int | None) -> tuple[Any, Any]:
    """(absent_parent, severe_parent) for one parent's reported status."""
    if not parent or parent.get("status") in (None, "unknown"):
        return None, None
    status = parent["status"]
    if status == "missing":
        since = date.fromisoformat(parent["since"]) if parent.get("since") else observed
        absent = months is not None and add_months(since, months) <= on
        return absent, False
    return status == "dead", status in SEVERE_PARENT


def _parents(person: ResidentState, on: date, params: Parameters) -> dict[str, Any]:
    if person.parents is None or person.parents_observed_on is None:
        return {}
    months = params.get("child.missing_months")
    father = _parent_flags(person.parents.get("father"), person.parents_observed_on, on, months)
    mother = _parent_flags(person.parents.get("mother"), person.parents_observed_on, on, months)
    return {
        "father_absent": father[0], "father_severe": father[1],
        "mother_absent": mother[0], "mother_severe": mother[1],
        "father_status": (person.parents.get("father") or {}).get("status"),
        "mother_status": (person.parents.get("mother") or {}).get("status"),
    }


def _school(person: ResidentState) -> dict[str, Any]:
    school = person.school or {}
    return {
        "school_status": school.get("status"),
        "in_full_time_school": school.get("status") == "enrolled" and school.get("full_time") is True,
    }


def _age_out(state: HouseholdState, person: ResidentState, on: date, params: Parameters) -> dict[str, Any]:
    """Enrolled as a minor in a child or tekun programme, and the 18th birthday is near or past."""
    adult_on = add_months(person.birth_date, 12 * 18)
    minors = [
        c for c in state.coverages
        if c.resident == person.resident and c.programme in ("orphan_allowance", "defacto_child_allowance", "tekun")
        and c.is_active_on(on) and c.start < adult_on
    ]
    if not minors:
        return {}
    notice = params.get("age_out.notice_days")
    return {"age_out_due": notice is not None and (adult_on - on).days <= notice, "adult_on": adult_on.isoformat()}


def deceased_still_covered(state: HouseholdState, person: ResidentState, on: date) -> bool | None:
    """Died more than a calendar month ago and still covered (or counted without a review since)."""
    if person.died_on is None or add_months(person.died_on, 1) >= on:
        return None
    own = any(c.resident == person.resident and c.is_active_on(on) for c in state.coverages)
    counted = any(
        c.resident is None and c.is_active_on(on) and c.start <= person.died_on
        and not any(person.died_on <= r <= on for r in c.reviews)
        for c in state.coverages
    )
    return own or counted
