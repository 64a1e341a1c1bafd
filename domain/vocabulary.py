"""The intake vocabulary of RULES.md § Vocabulary: kinds, enumerations, programmes."""

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

PROGRAMME_NAMES: dict[str, tuple[str, str]] = {
    "dibao": ("最低生活保障", "minimum living guarantee"),
    "tekun": ("特困人员救助供养", "extreme-poverty support"),
    "low_income_edge": ("低保边缘家庭", "low-income edge household"),
    "rigid_expenditure": ("刚性支出困难家庭", "rigid-expenditure hardship household"),
    "temporary_assistance": ("临时救助", "temporary assistance"),
    "disability_living_subsidy": ("困难残疾人生活补贴", "living subsidy for disabled people in hardship"),
    "disability_care_subsidy": ("重度残疾人护理补贴", "care subsidy for severely disabled people"),
    "elderly_allowance": ("高龄津贴", "old-age allowance"),
    "orphan_allowance": ("孤儿基本生活费", "orphan allowance"),
    "defacto_child_allowance": ("事实无人抚养儿童基本生活补贴", "allowance for de-facto unsupported children"),
    "elderly_visiting": ("特殊困难老年人探访关爱", "visiting care for elderly people in difficulty"),
    "poverty_monitoring": ("防止返贫监测对象", "return-to-poverty monitoring"),
}
PROGRAMMES = tuple(PROGRAMME_NAMES)
RESIDENT_LEVEL_PROGRAMMES = frozenset({
    "tekun", "disability_living_subsidy", "disability_care_subsidy", "elderly_allowance",
    "orphan_allowance", "defacto_child_allowance", "elderly_visiting",
})
HOUSEHOLD_LEVEL_PROGRAMMES = frozenset({
    "low_income_edge", "rigid_expenditure", "temporary_assistance", "poverty_monitoring",
})

# What each kind is about: the household, one resident, either, or nothing (the clock).
SUBJECTS: dict[str, str] = {
    "household.registered": "household",
    "resident.joined": "resident",
    "resident.left": "resident",
    "resident.died": "resident",
    "household.income_reported": "household",
    "household.assets_reported": "household",
    "household.expense_reported": "household",
    "household.emergency_reported": "household",
    "household.hardship_reported": "household",
    "household.rural_risk_reported": "household",
    "household.visited": "household",
    "resident.disability_assessed": "resident",
    "resident.illness_reported": "resident",
    "resident.labour_capacity_assessed": "resident",
    "resident.employment_changed": "resident",
    "resident.care_dependency_assessed": "resident",
    "resident.living_arrangement_reported": "resident",
    "resident.parent_status_reported": "resident",
    "resident.school_status_reported": "resident",
    "resident.supporter_reported": "resident",
    "coverage.enrolled": "household_or_resident",
    "coverage.reviewed": "household_or_resident",
    "coverage.paid": "household_or_resident",
    "coverage.suspended": "household_or_resident",
    "coverage.terminated": "household_or_resident",
    "application.submitted": "household_or_resident",
    "application.decided": "household_or_resident",
    "clock.tick": "none",
}
OBSERVATION_KINDS = tuple(SUBJECTS)
