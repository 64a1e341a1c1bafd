"""The vocabulary as data (RULES.md § Vocabulary): each kind's field table, its checks across fields, the
members it names, and which subject the envelope's `household` and `resident` name."""

from __future__ import annotations

from typing import Any, Callable

from domain import vocabulary as v
from domain.households import intake_limits as limits
from domain.households.observations.checks import (boolean, id_matches_birth, id_number, identifier, int_range,
                                                   money, one_of, region_code, text)
from domain.households.observations.composites import list_of, object_of, residents_seen
from domain.households.observations.dates import event_date, past_date, period, scheduled_date
from domain.households.observations.problems import Problem
from domain.households.observations.shapes import Check, Spec

_NAME, _GRID, _ADDRESS = text(limits.MAX_NAME), text(limits.MAX_GRID), text(limits.MAX_ADDRESS)
_CONDITION, _NOTE = text(limits.MAX_CONDITION), text(limits.MAX_NOTE)

PERSON = (
    Spec("name", _NAME),
    Spec("id_number", id_number, required=False),
    Spec("sex", one_of(v.SEX)),
    Spec("birth_date", event_date),
    Spec("relation", one_of(v.RELATIONS)),
)
MEMBER = object_of((Spec("resident", identifier), *PERSON), after=id_matches_birth, title="Member",
                 note="`resident` is the new member's id, not in use yet")
PARENT = object_of((Spec("status", one_of(v.PARENT_STATUSES)), Spec("since", event_date, required=False)),
                 title="ParentStatus")
PROGRAMME = Spec("programme", one_of(v.PROGRAMMES))

DATA_FIELDS: dict[str, tuple[Spec, ...]] = {
    "household.registered": (
        Spec("region", region_code), Spec("grid", _GRID), Spec("address", _ADDRESS),
        Spec("hukou", one_of(v.HUKOU)), Spec("local_hukou", boolean, required=False, default=True),
        Spec("members", list_of(MEMBER, most=limits.MAX_MEMBERS, noun=("members", "人"), non_empty=True,
                                 key="resident")),
    ),
    "resident.joined": (*PERSON, Spec("reason", one_of(v.JOIN_REASONS))),
    "resident.left": (Spec("reason", one_of(v.LEAVE_REASONS)), Spec("date", past_date)),
    "resident.died": (Spec("date", event_date),),
    "household.income_reported": (
        Spec("monthly_income", money), Spec("period", period),
        Spec("income_type", one_of(v.INCOME_TYPES)), Spec("source", one_of(v.INCOME_SOURCES)),
    ),
    "household.assets_reported": (
        Spec("financial_assets", money), Spec("motor_vehicles", int_range(0, limits.MAX_COUNT)),
        Spec("extra_properties", int_range(0, limits.MAX_COUNT)),
    ),
    "household.expense_reported": (
        Spec("kind", one_of(v.EXPENSE_KINDS)), Spec("amount", money), Spec("date", event_date),
    ),
    "household.emergency_reported": (
        Spec("kind", one_of(v.EMERGENCY_KINDS)), Spec("date", event_date),
        Spec("loss", money, required=False), Spec("resident", identifier, required=False),
    ),
    "household.hardship_reported": (
        Spec("signal", one_of(v.HARDSHIP_SIGNALS)), Spec("urgency", one_of(v.URGENCIES)),
        Spec("resident", identifier, required=False), Spec("note", _NOTE, required=False),
    ),
    "household.rural_risk_reported": (Spec("risk", one_of(v.RURAL_RISKS)), Spec("date", event_date)),
    "household.visited": (
        Spec("purpose", one_of(v.VISIT_PURPOSES)), Spec("residents_seen", residents_seen, required=False),
        Spec("note", _NOTE, required=False),
    ),
    "resident.disability_assessed": (
        Spec("category", one_of(v.DISABILITY_CATEGORIES)), Spec("grade", int_range(1, 4)), Spec("certified", boolean),
    ),
    "resident.illness_reported": (
        Spec("condition", _CONDITION), Spec("serious", boolean), Spec("hospitalized", boolean), Spec("date", past_date),
    ),
    "resident.labour_capacity_assessed": (Spec("capacity", one_of(v.CAPACITIES)),),
    "resident.employment_changed": (Spec("status", one_of(v.EMPLOYMENT)), Spec("date", event_date)),
    "resident.care_dependency_assessed": (Spec("level", one_of(v.CARE_LEVELS)),),
    "resident.living_arrangement_reported": (
        Spec("lives_alone", boolean), Spec("empty_nest", boolean), Spec("left_behind", boolean), Spec("special_family", boolean),
    ),
    "resident.parent_status_reported": (Spec("father", PARENT), Spec("mother", PARENT)),
    "resident.school_status_reported": (Spec("status", one_of(v.SCHOOL_STATUSES)), Spec("full_time", boolean)),
    "resident.supporter_reported": (Spec("has_capable_supporter", boolean),),
    "coverage.enrolled": (
        PROGRAMME, Spec("start", scheduled_date), Spec("monthly_amount", money, required=False),
        Spec("review_interval_months", int_range(1, 60), required=False),
    ),
    "coverage.reviewed": (PROGRAMME, Spec("date", event_date), Spec("outcome", one_of(v.REVIEW_OUTCOMES))),
    "coverage.paid": (PROGRAMME, Spec("period", period), Spec("amount", money)),
    "coverage.suspended": (PROGRAMME, Spec("date", event_date), Spec("reason", _NOTE)),
    "coverage.resumed": (PROGRAMME, Spec("date", event_date)),
    "coverage.terminated": (
        PROGRAMME, Spec("date", event_date), Spec("reason", one_of(v.TERMINATION_REASONS)),
        Spec("grace_until", scheduled_date, required=False),
    ),
    "application.submitted": (Spec("application", identifier), PROGRAMME, Spec("date", event_date)),
    "application.decided": (
        Spec("application", identifier), Spec("date", event_date), Spec("decision", one_of(v.DECISIONS)),
        Spec("reason", _NOTE, required=False),
    ),
    "clock.tick": (Spec("date", event_date),),
}
# Checks across fields of one kind's data.
DATA_AFTER: dict[str, Callable[[dict[str, Any]], list[Problem]]] = {"resident.joined": id_matches_birth}
# Kinds whose data names members of the household: the field (an id, or a list of ids).
MEMBER_REFERENCES: dict[str, str] = {
    "household.emergency_reported": "resident",
    "household.hardship_reported": "resident",
    "household.visited": "residents_seen",
}

SUBJECT_ID: Check = identifier  # how the envelope's `household` and `resident` are checked when given
# Envelope `household` / `resident` by subject: required, optional or absent (null or blank).
SUBJECT_RULES: dict[str, tuple[str, str]] = {
    v.HOUSEHOLD: ("required", "absent"),
    v.RESIDENT: ("required", "required"),
    v.HOUSEHOLD_OR_RESIDENT: ("required", "optional"),
    v.NO_SUBJECT: ("absent", "absent"),
}
