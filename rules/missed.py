"""Missed coverage (MISSED.*): meets a programme's conditions but is not enrolled."""

from __future__ import annotations

from rules.rule import Rule

# durable_rules expressions compare with `== True` / `== False`; `is` is not an engine operator.
# ruff: noqa: E712

STD = "dibao.standard_monthly.<hukou>"


MISSED_DIBAO = Rule(
    id="MISSED.DIBAO", version=1, category="MISSED", subject="household", severity="high",
    title_zh="收入低于低保标准但未纳入低保", title_en="Income below the dibao standard, not enrolled in dibao",
    condition=lambda m: (m.pc_income < m.std) & (m.assets_ok == True) & (m.enrolled_dibao == False)
    & (m.all_members_tekun == False),
    reads=("monthly_income", "income_period", "members", "pc_income", "std", "assets_ok", "assets_reported",
           "enrolled_dibao", "all_members_tekun"),
    parameters=(STD, "dibao.asset_limit_months"),
    choices=("Only a household dibao coverage meets it: a member on dibao alone (单人保) does not cover the others.",),
)

MISSED_DIBAO_SINGLE_MEMBER = Rule(
    id="MISSED.DIBAO_SINGLE_MEMBER", version=2, category="MISSED", subject="resident", severity="high",
    title_zh="重残重病人员可单人保未纳入", title_en="Severely disabled or ill member could get dibao alone",
    condition=lambda m: (m.member == True) & (m.pc_income >= m.std) & (m.pc_income < m.edge_line)
    & ((m.disability_grade <= 2) | ((m.intellectual_or_mental == True) & (m.disability_grade == 3))
       | (m.serious_illness == True))
    & (m.household_enrolled_dibao == False) & (m.enrolled_dibao == False),
    reads=("pc_income", "std", "edge_line", "disability_category", "disability_grade", "serious_illness",
           "intellectual_or_mental", "household_enrolled_dibao", "enrolled_dibao"),
    parameters=(STD, "edge.multiplier"),
    choices=("'Between std and edge_line' is std ≤ pc_income < edge_line, as for MISSED.LOW_INCOME_EDGE.",
             ("A disability counts whether or not it is certified; a resident is seriously ill when the latest "
              "report of any condition says serious = true (a later report of one condition supersedes only that "
              "condition's earlier ones).")),
)

MISSED_TEKUN = Rule(
    id="MISSED.TEKUN", version=1, category="MISSED", subject="resident", severity="high",
    title_zh="符合特困供养条件未纳入", title_en="Meets the extreme-poverty support conditions, not enrolled",
    condition=lambda m: (m.member == True) & (m.no_labour == True) & (m.pc_income < m.std) & (m.assets_ok == True)
    & (m.has_capable_supporter == False) & (m.enrolled_tekun == False),
    reads=("age", "no_labour", "pc_income", "std", "assets_ok", "has_capable_supporter", "enrolled_tekun"),
    parameters=(STD, "dibao.asset_limit_months"),
    choices=("Being on dibao does not meet it: tekun is a separate, fuller programme.",),
)

MISSED_LOW_INCOME_EDGE = Rule(
    id="MISSED.LOW_INCOME_EDGE", version=1, category="MISSED", subject="household", severity="medium",
    title_zh="符合低保边缘家庭条件未认定", title_en="Low-income edge household not recognised",
    condition=lambda m: (m.pc_income >= m.std) & (m.pc_income < m.edge_line) & (m.assets_ok == True)
    & (m.enrolled_dibao == False) & (m.enrolled_low_income_edge == False),
    reads=("monthly_income", "income_period", "income_type", "pc_income", "std", "edge_line", "assets_ok",
           "enrolled_dibao", "enrolled_low_income_edge"),
    parameters=(STD, "edge.multiplier", "dibao.asset_limit_months"),
    choices=("A member on dibao alone (单人保) does not make the household enrolled in dibao: such a household is "
             "itself an edge case to recognise.",),
)

MISSED_RIGID_EXPENDITURE = Rule(
    id="MISSED.RIGID_EXPENDITURE", version=2, category="MISSED", subject="household", severity="medium",
    title_zh="刚性支出困难家庭未认定", title_en="Rigid-expenditure hardship household not recognised",
    condition=lambda m: (m.rigid_expenses_12m > m.rigid_expense_limit)
    & (m.pc_income_annual < m.prev_year_pc_disposable_income)
    & (m.enrolled_dibao == False) & (m.all_members_tekun == False) & (m.enrolled_low_income_edge == False)
    & (m.enrolled_rigid_expenditure == False),
    reads=("rigid_expenses_12m", "income_12m", "rigid_expense_limit", "pc_income_annual",
           "prev_year_pc_disposable_income", "enrolled_dibao", "all_members_tekun", "enrolled_low_income_edge",
           "enrolled_rigid_expenditure"),
    parameters=("rigid.expense_ratio", "rigid.prev_year_pc_disposable_income"),
    choices=(("Expenses are those dated in (date judged − 12 months, date judged]; income is summed over the 12 "
              "calendar months ending with the month judged, each month taking the latest report for the latest "
              "period not after it (months before the first reported period take that period's latest report)."),
             ("rigid.expense_ratio × income is compared unrounded (0.6 × 29,487.96 = 17,692.776, which 17,692.78 "
              "exceeds)."),
             "'Enrolled in tekun' for this household rule means every living member is on tekun."),
)

MISSED_DISABILITY_LIVING_SUBSIDY = Rule(
    id="MISSED.DISABILITY_LIVING_SUBSIDY", version=1, category="MISSED", subject="resident", severity="medium",
    title_zh="困难残疾人未领生活补贴", title_en="Disabled person in a dibao household without the living subsidy",
    condition=lambda m: (m.member == True) & (m.disability_certified == True)
    & ((m.household_enrolled_dibao == True) | (m.enrolled_dibao == True)
       | ((m.living_subsidy_low_income == True) & (m.household_enrolled_low_income_edge == True)))
    & (m.enrolled_disability_living_subsidy == False),
    reads=("disability_category", "disability_grade", "disability_certified", "household_enrolled_dibao",
           "enrolled_dibao", "household_enrolled_low_income_edge", "living_subsidy_low_income",
           "enrolled_disability_living_subsidy"),
    parameters=("disability.living_subsidy_low_income",),
    choices=("A member on dibao alone (单人保) qualifies like a member of a dibao household.",
             "Any certified grade qualifies (RULES.md sets no grade for the living subsidy)."),
)

MISSED_DISABILITY_CARE_SUBSIDY = Rule(
    id="MISSED.DISABILITY_CARE_SUBSIDY", version=1, category="MISSED", subject="resident", severity="medium",
    title_zh="重度残疾人未领护理补贴", title_en="Severely disabled person without the care subsidy",
    condition=lambda m: (m.member == True) & (m.disability_certified == True)
    & ((m.disability_grade <= 2) | (m.care_extra_grade == True))
    & (m.enrolled_disability_care_subsidy == False),
    reads=("disability_category", "disability_grade", "disability_certified", "care_extra_grade",
           "enrolled_disability_care_subsidy"),
    parameters=("disability.care_extra_mental_grades",),
    choices=("The certificate is required for the extra intellectual/mental grades too.",),
)

MISSED_ELDERLY_ALLOWANCE = Rule(
    id="MISSED.ELDERLY_ALLOWANCE", version=1, category="MISSED", subject="resident", severity="low",
    title_zh="高龄老人未领高龄津贴", title_en="Old person without the old-age allowance",
    condition=lambda m: (m.member == True) & (m.age >= m.elderly_allowance_min_age)
    & ((m.local_hukou == True) | (m.requires_local_hukou == False)) & (m.enrolled_elderly_allowance == False),
    reads=("age", "elderly_allowance_min_age", "local_hukou", "requires_local_hukou", "enrolled_elderly_allowance"),
    parameters=("elderly_allowance.min_age", "elderly_allowance.requires_local_hukou"),
    choices=("The age threshold is reached on the birthday itself.",),
)

MISSED_ORPHAN = Rule(
    id="MISSED.ORPHAN", version=1, category="MISSED", subject="resident", severity="critical",
    title_zh="孤儿未领基本生活费", title_en="Orphan without the orphan allowance",
    condition=lambda m: (m.member == True) & (m.age < m.child_age_limit) & (m.father_absent == True) & (m.mother_absent == True)
    & (m.enrolled_orphan_allowance == False),
    reads=("age", "child_age_limit", "father_status", "mother_status", "father_absent", "mother_absent",
           "enrolled_orphan_allowance"),
    parameters=("child.age_limit", "child.missing_months"),
    choices=("A parent whose status is 'unknown' or was never reported is not absent.",),
)

MISSED_DEFACTO_CHILD = Rule(
    id="MISSED.DEFACTO_CHILD", version=1, category="MISSED", subject="resident", severity="critical",
    title_zh="事实无人抚养儿童未纳入保障", title_en="De-facto unsupported child not covered",
    condition=lambda m: (m.member == True) & (m.age < m.child_age_limit)
    & (((m.father_severe == True) & (m.mother_severe == True))
       | ((m.father_absent == True) & (m.mother_severe == True))
       | ((m.father_severe == True) & (m.mother_absent == True)))
    & (m.enrolled_defacto_child_allowance == False) & (m.enrolled_orphan_allowance == False),
    reads=("age", "child_age_limit", "father_status", "mother_status", "father_absent", "father_severe",
           "mother_absent", "mother_severe", "enrolled_defacto_child_allowance", "enrolled_orphan_allowance"),
    parameters=("child.age_limit", "child.missing_months"),
    choices=(("A parent missing for less than child.missing_months is neither absent nor severe (so the child is "
              "not yet de-facto unsupported)."),),
)

MISSED_POVERTY_MONITORING = Rule(
    id="MISSED.POVERTY_MONITORING", version=1, category="MISSED", subject="household", severity="medium",
    title_zh="农村返贫风险户未纳入监测", title_en="Rural household at risk of poverty not monitored",
    condition=lambda m: (m.hukou == "rural") & (m.enrolled_poverty_monitoring == False)
    & (((m.pc_income_annual < m.poverty_line_annual) & (m.rural_risk_12m == True)) | (m.recent_emergency == True)),
    reads=("hukou", "pc_income_annual", "poverty_line_annual", "rural_risk_12m", "recent_emergency",
           "emergency_kind", "emergency_date", "enrolled_poverty_monitoring"),
    parameters=("poverty_monitoring.line_annual", "emergency.window_days"),
    choices=(("An emergency within the window counts even if temporary assistance was given (monitoring is a "
              "separate need)."),
             "A rural risk 'in the last 12 months' is one dated in the 12 months up to the date judged."),
)

MISSED_RULES = (MISSED_DIBAO, MISSED_DIBAO_SINGLE_MEMBER, MISSED_TEKUN, MISSED_LOW_INCOME_EDGE,
                MISSED_RIGID_EXPENDITURE, MISSED_DISABILITY_LIVING_SUBSIDY, MISSED_DISABILITY_CARE_SUBSIDY,
                MISSED_ELDERLY_ALLOWANCE, MISSED_ORPHAN, MISSED_DEFACTO_CHILD, MISSED_POVERTY_MONITORING)
