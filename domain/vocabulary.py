"""The intake vocabulary of RULES.md § Vocabulary: kinds, their subjects, enumerations, programmes.

Plain constants, so the validator, the rules, the synthetic generator and the pages all
spell every value the same way. Enumerations are tuples (ordered, for messages that list
the allowed values); programme levels are frozensets (for membership tests).
"""

from __future__ import annotations

HUKOU = ("urban", "rural")
SEX = ("F", "M")
RELATIONS = ("head", "spouse", "child", "parent", "grandchild", "sibling", "other")
JOIN_REASONS = ("birth", "marriage", "moved_in", "other")
LEAVE_REASONS = ("moved_out", "marriage", "other")
INCOME_TYPES = ("stable", "irregular")
INCOME_SOURCES = ("declared", "verified")
EXPENSE_KINDS = ("medical", "education", "rehabilitation")
EMERGENCY_KINDS = (
    "fire", "flood", "explosion", "traffic_accident", "drowning", "injury",
    "sudden_illness", "breadwinner_lost", "disaster", "other",
)
HARDSHIP_SIGNALS = ("no_food", "no_heating", "unsafe_housing", "no_caregiver", "medical_emergency", "other")
URGENCIES = ("immediate", "soon", "watch")
RURAL_RISKS = ("unsafe_housing", "no_safe_water", "serious_illness", "schooling_cost", "disaster", "accident")
VISIT_PURPOSES = ("routine", "elderly_care", "verification")
DISABILITY_CATEGORIES = ("physical", "visual", "hearing", "speech", "intellectual", "mental", "multiple")
CAPACITIES = ("full", "partial", "none")
EMPLOYMENT = ("employed", "unemployed", "retired")
CARE_LEVELS = ("independent", "partial", "full")
PARENT_STATUSES = (
    "present", "dead", "missing", "imprisoned", "detained", "severely_disabled",
    "seriously_ill", "guardianship_revoked", "deported", "unknown",
)
SCHOOL_STATUSES = ("enrolled", "dropped_out", "not_enrolled")
REVIEW_OUTCOMES = ("continue", "adjust", "exit")
TERMINATION_REASONS = ("income_above_standard", "died", "moved_away", "aged_out", "other")
DECISIONS = ("approved", "rejected")
# The departments whose data is imported (`qianshao import`): an observation's optional `source`.
DEPARTMENTS = ("public_security", "medical_insurance", "disabled_federation", "education", "human_resources",
               "civil_affairs")

PROGRAMMES = (  # in the order of RULES.md § Programmes; their names: domain.labels
    "dibao", "tekun", "low_income_edge", "rigid_expenditure", "temporary_assistance", "disability_living_subsidy",
    "disability_care_subsidy", "elderly_allowance", "orphan_allowance", "defacto_child_allowance",
    "elderly_visiting", "poverty_monitoring",
)
# Granted to one person: a coverage or application of these names its `resident`.
RESIDENT_LEVEL_PROGRAMMES = frozenset({
    "tekun", "disability_living_subsidy", "disability_care_subsidy", "elderly_allowance",
    "orphan_allowance", "defacto_child_allowance", "elderly_visiting",
})
# Granted to the whole household: naming a resident is a mistake.
HOUSEHOLD_LEVEL_PROGRAMMES = frozenset({
    "low_income_edge", "rigid_expenditure", "temporary_assistance", "poverty_monitoring",
})
# Either: dibao is normally the household's, but one member may be covered alone (单人保).
EITHER_LEVEL_PROGRAMMES = frozenset(PROGRAMMES) - RESIDENT_LEVEL_PROGRAMMES - HOUSEHOLD_LEVEL_PROGRAMMES

# What an observation is about, which decides the envelope's `household` / `resident`.
HOUSEHOLD = "household"  # `household` required, no `resident`
RESIDENT = "resident"  # both required; the resident is a member of the household
HOUSEHOLD_OR_RESIDENT = "household_or_resident"  # `household` required, `resident` optional
NO_SUBJECT = "none"  # neither (the clock)

SUBJECTS: dict[str, str] = {
    "household.registered": HOUSEHOLD,
    "resident.joined": RESIDENT,
    "resident.left": RESIDENT,
    "resident.died": RESIDENT,
    "household.income_reported": HOUSEHOLD,
    "household.assets_reported": HOUSEHOLD,
    "household.expense_reported": HOUSEHOLD,
    "household.emergency_reported": HOUSEHOLD,
    "household.hardship_reported": HOUSEHOLD,
    "household.rural_risk_reported": HOUSEHOLD,
    "household.visited": HOUSEHOLD,
    "resident.disability_assessed": RESIDENT,
    "resident.illness_reported": RESIDENT,
    "resident.labour_capacity_assessed": RESIDENT,
    "resident.employment_changed": RESIDENT,
    "resident.care_dependency_assessed": RESIDENT,
    "resident.living_arrangement_reported": RESIDENT,
    "resident.parent_status_reported": RESIDENT,
    "resident.school_status_reported": RESIDENT,
    "resident.supporter_reported": RESIDENT,
    "coverage.enrolled": HOUSEHOLD_OR_RESIDENT,
    "coverage.reviewed": HOUSEHOLD_OR_RESIDENT,
    "coverage.paid": HOUSEHOLD_OR_RESIDENT,
    "coverage.suspended": HOUSEHOLD_OR_RESIDENT,
    "coverage.resumed": HOUSEHOLD_OR_RESIDENT,
    "coverage.terminated": HOUSEHOLD_OR_RESIDENT,
    "application.submitted": HOUSEHOLD_OR_RESIDENT,
    "application.decided": HOUSEHOLD_OR_RESIDENT,
    "clock.tick": NO_SUBJECT,
}
OBSERVATION_KINDS = tuple(SUBJECTS)
