"""Missed coverage (MISSED.*): meets a programme's conditions but is not enrolled."""

from __future__ import annotations

from rules.rule import Rule

# ruff: noqa: E712  (durable_rules expressions compare with == True / == False)

MISSED_DIBAO = Rule(
    id="MISSED.DIBAO", version=1, category="MISSED", subject="household", severity="high",
    title_zh="收入低于低保标准但未纳入低保", title_en="Income below the dibao standard, not enrolled in dibao",
    condition=lambda m: (m.pc_income < m.std) & (m.assets_ok == True) & (m.enrolled_dibao == False)
    & (m.all_members_tekun == False),
    reads=("pc_income", "std", "members", "assets_ok", "assets_reported", "enrolled_dibao"),
    parameters=("dibao.standard_monthly.<hukou>", "dibao.asset_limit_months"),
)

MISSED_DIBAO_SINGLE_MEMBER = Rule(
    id="MISSED.DIBAO_SINGLE_MEMBER", version=1, category="MISSED", subject="resident", severity="high",
    title_zh="重残重病人员可单人保未纳入", title_en="Severely disabled or ill member could get dibao alone",
    condition=lambda m: (m.member == True) & (m.pc_income >= m.std) & (m.pc_income < m.edge_line)
    & (m.severe_disability_or_illness == True) & (m.enrolled_dibao_any == False),
    reads=("pc_income", "std", "edge_line", "disability_category", "disability_grade", "severe_disability_or_illness"),
    parameters=("dibao.standard_monthly.<hukou>", "edge.multiplier"),
    choices=("'Between std and edge_line' is std ≤ pc_income < edge_line, as for MISSED.LOW_INCOME_EDGE.",
             "A disability counts whether or not it is certified; a serious illness is any report with serious=true."),
)

MISSED_TEKUN = Rule(
    id="MISSED.TEKUN", version=1, category="MISSED", subject="resident", severity="high",
    title_zh="符合特困供养条件未纳入", title_en="Meets the extreme-poverty support conditions, not enrolled",
    condition=lambda m: (m.member == True) & (m.no_labour == True) & (m.pc_income < m.std) & (m.assets_ok == True)
    & (m.has_capable_supporter == False) & (m.enrolled_tekun == False),
    reads=("age", "no_labour", "pc_income", "std", "assets_ok", "has_capable_supporter"),
    parameters=("dibao.standard_monthly.<hukou>", "dibao.asset_limit_months"),
)

MISSED_LOW_INCOME_EDGE = Rule(
    id="MISSED.LOW_INCOME_EDGE", version=1, category="MISSED", subject="household", severity="medium",
    title_zh="符合低保边缘家庭条件未认定", title_en="Low-income edge household not recognised",
    condition=lambda m: (m.pc_income >= m.std) & (m.pc_income < m.edge_line) & (m.assets_ok == True)
    & (m.enrolled_dibao == False) & (m.enrolled_low_income_edge == False),
    reads=("pc_income", "std", "edge_line", "assets_ok", "enrolled_low_income_edge"),
    parameters=("dibao.standard_monthly.<hukou>", "edge.multiplier", "dibao.asset_limit_months"),
)

MISSED_RIGID_EXPENDITURE = Rule(
    id="MISSED.RIGID_EXPENDITURE", version=1, category="MISSED", subject="household", severity="medium",
    title_zh="刚性支出困难家庭未认定", title_en="Rigid-expenditure hardship household not recognised",
    condition=lambda m: (m.rigid_expenses_12m > m.rigid_expense_limit)
    & (m.pc_income_annual < m.prev_year_pc_disposable_income)
    & (m.enrolled_dibao == False) & (m.all_members_tekun == False) & (m.enrolled_low_income_edge == False)
    & (m.enrolled_rigid_expenditure == False),
    reads=("rigid_expenses_12m", "income_12m", "rigid_expense_limit", "pc_income_annual",
           "prev_year_pc_disposable_income"),
    parameters=("rigid.expense_ratio", "rigid.prev_year_pc_disposable_income"),
    choices=("Income over the 12 months sums, for each month, the latest income report not after it (months "
             "before the first report take the first report).",
             "'Enrolled in tekun' for this household rule means every living member is on tekun."),
)

MISSED_DISABILITY_LIVING_SUBSIDY = Rule(
    id="MISSED.DISABILITY_LIVING_SUBSIDY", version=1, category="MISSED", subject="resident", severity="medium",
    title_zh="困难残疾人未领生活补贴", title_en="Disabled person in a dibao household without the living subsidy",
    condition=lambda m: (m.member == True) & (m.disability_certified == True) & (m.living_subsidy_household == True)
    & (m.enrolled_disability_living_subsidy == False),
    reads=("disability_category", "disability_grade", "disability_certified", "living_subsidy_household"),
    parameters=("disability.living_subsidy_low_income",),
    choices=("A member on dibao alone (单人保) qualifies like a member of a dibao household.",),
)

MISSED_DISABILITY_CARE_SUBSIDY = Rule(
    id="MISSED.DISABILITY_CARE_SUBSIDY", version=1, category="MISSED", subject="resident", severity="medium",
    title_zh="重度残疾人未领护理补贴", title_en="Severely disabled person without the care subsidy",
    condition=lambda m: (m.member == True) & (m.care_subsidy_grade == True)
    & (m.enrolled_disability_care_subsidy == False),
    reads=("disability_category", "disability_grade", "disability_certified"),
    parameters=("disability.care_extra_mental_grades",),
)

MISSED_ELDERLY_ALLOWANCE = Rule(
    id="MISSED.ELDERLY_ALLOWANCE", version=1, category="MISSED", subject="resident", severity="low",
    title_zh="高龄老人未领高龄津贴", title_en="Old person without the old-age allowance",
    condition=lambda m: (m.member == True) & (m.age >= m.elderly_allowance_min_age)
    & ((m.local_hukou == True) | (m.hukou_requirement == False)) & (m.enrolled_elderly_allowance == False),
    reads=("age", "elderly_allowance_min_age", "local_hukou"),
    parameters=("elderly_allowance.min_age", "elderly_allowance.requires_local_hukou"),
)

MISSED_ORPHAN = Rule(
    id="MISSED.ORPHAN", version=1, category="MISSED", subject="resident", severity="critical",
    title_zh="孤儿未领基本生活费", title_en="Orphan without the orphan allowance",
    condition=lambda m: (m.member == True) & (m.age < m.child_age_limit) & (m.father_absent == True)
    & (m.mother_absent == True) & (m.enrolled_orphan_allowance == False),
    reads=("age", "father_status", "mother_status", "father_absent", "mother_absent"),
    parameters=("child.age_limit", "child.missing_months"),
)

MISSED_DEFACTO_CHILD = Rule(
    id="MISSED.DEFACTO_CHILD", version=1, category="MISSED", subject="resident", severity="critical",
    title_zh="事实无人抚养儿童未纳入保障", title_en="De-facto unsupported child not covered",
    condition=lambda m: (m.member == True) & (m.age < m.child_age_limit)
    & (((m.father_severe == True) & (m.mother_severe == True))
       | ((m.father_absent == True) & (m.mother_severe == True))
       | ((m.father_severe == True) & (m.mother_absent == True)))
    & (m.enrolled_defacto_child_allowance == False) & (m.enrolled_orphan_allowance == False),
    reads=("age", "father_status", "mother_status", "father_absent", "father_severe", "mother_absent",
           "mother_severe"),
    parameters=("child.age_limit", "child.missing_months"),
    choices=("A parent missing for less than child.missing_months is neither absent nor severe.",),
)

MISSED_POVERTY_MONITORING = Rule(
    id="MISSED.POVERTY_MONITORING", version=1, category="MISSED", subject="household", severity="medium",
    title_zh="农村返贫风险户未纳入监测", title_en="Rural household at risk of poverty not monitored",
    condition=lambda m: (m.hukou == "rural") & (m.enrolled_poverty_monitoring == False)
    & (((m.pc_income_annual < m.poverty_line_annual) & (m.rural_risk_12m == True)) | (m.recent_emergency == True)),
    reads=("pc_income_annual", "poverty_line_annual", "rural_risk_12m", "recent_emergency"),
    parameters=("poverty_monitoring.line_annual", "emergency.window_days"),
    choices=("An emergency within the window counts even if temporary assistance was given.",),
)

MISSED_RULES = (MISSED_DIBAO, MISSED_DIBAO_SINGLE_MEMBER, MISSED_TEKUN, MISSED_LOW_INCOME_EDGE,
                MISSED_RIGID_EXPENDITURE, MISSED_DISABILITY_LIVING_SUBSIDY, MISSED_DISABILITY_CARE_SUBSIDY,
                MISSED_ELDERLY_ALLOWANCE, MISSED_ORPHAN, MISSED_DEFACTO_CHILD, MISSED_POVERTY_MONITORING)
