"""Every policy parameter declared once (RULES.md § Parameters): its type and range, its national default
and its Chinese and English label.

The checks (`check`), the shipped defaults (`domain.policy.parameters`) and the rules in plain words
(`rules.plain_language`) are all read from `DECLARED`, so a parameter is added or changed in one row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.labels import PROGRAMME_NAMES, VALUE_LABELS
from domain.policy.parameter_types import (AGE, AGE_RANGE, DAYS, FLAG, GRADES, MONEY, MONTHS, MULTIPLIER, RATIO,
                                           WORKING_DAYS, ParameterType, Problem, shown)


@dataclass(frozen=True)
class Declared:
    """One parameter: what values it takes, its national default (None: each region must set it), its label."""

    name: str
    type: ParameterType
    default: Any
    zh: str
    en: str


# Handling limits in working days, by programme (poverty monitoring counts calendar days).
WORKING_DAY_LIMITS = {
    "dibao": 30,
    "tekun": 25,
    "temporary_assistance": 15,
    "disability_living_subsidy": 30,
    "disability_care_subsidy": 30,
    "orphan_allowance": 33,
    "defacto_child_allowance": 33,
    "low_income_edge": 30,
    "elderly_allowance": 20,
}
WORKING_DAY_PROGRAMMES = tuple(WORKING_DAY_LIMITS)
# Acknowledgement limits by severity: calendar days for critical (domain.alerts.sla), working days otherwise.
SLA_ACK = {"critical": (DAYS, 1), "high": (WORKING_DAYS, 3), "medium": (WORKING_DAYS, 7), "low": (WORKING_DAYS, 15)}



def _application_limit(programme: str) -> tuple[str, str]:
    zh, en = PROGRAMME_NAMES[programme]
    return f"{zh}申请办理时限(工作日)", f"{en} decision limit (working days)"


DECLARED: tuple[Declared, ...] = (
    Declared("dibao.standard_monthly.urban", MONEY, None,
             "城市低保标准(元/人·月)", "urban dibao standard (CNY per person per month)"),
    Declared("dibao.standard_monthly.rural", MONEY, None,
             "农村低保标准(元/人·月)", "rural dibao standard (CNY per person per month)"),
    Declared("tekun.standard_monthly", MONEY, None,
             "特困供养标准(元/人·月)", "extreme-poverty support standard (CNY per month)"),
    Declared("rigid.prev_year_pc_disposable_income", MONEY, None,
             "上年人均可支配收入(元)", "previous year's per-capita disposable income"),
    Declared("dibao.asset_limit_months", MONTHS, 24, "财产限额(相当于低保标准的月数)", "asset limit (months of the standard)"),
    Declared("dibao.review_months.stable", MONTHS, 12,
             "收入稳定家庭低保复核周期(月)", "dibao review interval, stable income (months)"),
    Declared("dibao.review_months.irregular", MONTHS, 6,
             "收入不稳定家庭低保复核周期(月)", "dibao review interval, irregular income (months)"),
    Declared("review.default_months", MONTHS, 12, "其他救助复核周期(月)", "review interval of other programmes (months)"),
    Declared("edge.multiplier", MULTIPLIER, 1.5, "低保边缘线倍数", "low-income edge multiplier"),
    Declared("rigid.expense_ratio", RATIO, 0.6, "刚性支出占收入比例", "rigid expenses as a share of income"),
    Declared("rigid.valid_months", MONTHS, 12, "刚性支出认定有效期(月)", "rigid-expenditure status valid for (months)"),
    Declared("disability.living_subsidy_low_income", FLAG, False,
             "低保边缘家庭可享残疾人生活补贴", "edge households get the living subsidy"),
    Declared("disability.care_extra_mental_grades", GRADES, [],
             "护理补贴扩展的智力/精神残疾等级", "added intellectual/mental care grades"),
    Declared("elderly_allowance.min_age", AGE, 80, "高龄津贴起始年龄", "old-age allowance from age"),
    Declared("elderly_allowance.requires_local_hukou", FLAG, True,
             "高龄津贴要求本地户籍", "old-age allowance needs local hukou"),
    Declared("child.age_limit", AGE, 18, "未成年年龄线", "child age limit"),
    Declared("child.missing_months", MONTHS, 6, "父母失联认定月数", "months before a parent counts as missing"),
    Declared("school.compulsory_ages", AGE_RANGE, [6, 15], "义务教育年龄", "compulsory-school ages"),
    Declared("visiting.min_age", AGE, 60, "探访关爱起始年龄", "visiting care from age"),
    Declared("visiting.interval_days", DAYS, 30, "探访周期(天)", "visit interval (days)"),
    Declared("visiting.high_risk_interval_days", DAYS, 7, "高风险老人探访周期(天)", "visit interval, high risk (days)"),
    Declared("emergency.window_days", DAYS, 30, "突发事件追溯天数", "emergency window (days)"),
    Declared("poverty_monitoring.line_annual", MONEY, 8050,
             "防止返贫监测标准(元/人·年)", "monitoring line (CNY per person per year)"),
    Declared("poverty_monitoring.limit_days", DAYS, 15, "监测对象认定时限(天)", "monitoring decision limit (days)"),
    Declared("payment.gap_months", MONTHS, 2, "发放中断认定月数", "months without payment that count"),
    Declared("age_out.notice_days", DAYS, 30, "满 18 周岁提前提示天数", "notice days before the 18th birthday"),
    *(Declared(f"sla.ack.{level}", kind, days, f"{VALUE_LABELS[level][0]}预警签收时限",
               f"acknowledgement limit, {level}") for level, (kind, days) in SLA_ACK.items()),
    Declared("alert.snooze_days", DAYS, 90, "不符合条件后暂停提醒天数", "days an alert sleeps after 'not eligible'"),
    *(Declared(f"application.limit_working_days.{programme}", WORKING_DAYS, days, *_application_limit(programme))
      for programme, days in WORKING_DAY_LIMITS.items()),
)

DECLARATIONS: dict[str, Declared] = {d.name: d for d in DECLARED}
PARAMETER_TYPES: dict[str, ParameterType] = {d.name: d.type for d in DECLARED}
# A rule may look up the application limit of any programme; one with no declaration is never set, but an
# explanation still names it among the missing parameters, so it has a label too.
LABELS: dict[str, tuple[str, str]] = {
    **{d.name: (d.zh, d.en) for d in DECLARED},
    **{f"application.limit_working_days.{p}": _application_limit(p) for p in PROGRAMME_NAMES if p not in WORKING_DAY_LIMITS},
}


def check(name: str, value: Any) -> list[Problem]:
    """What is wrong with `value` for parameter `name`; empty when a rule can use it."""
    kind = PARAMETER_TYPES.get(name)
    if kind is None:
        return [Problem("name", f"unknown parameter {shown(name)} (see RULES.md § Parameters)",
                        f"未知参数 {shown(name)}（见 RULES.md § Parameters）")]
    if not kind.accepts(value):
        return [Problem("value", f"{name} must be {kind.expected} (got {shown(value)})",
                        f"{name} {kind.expected_zh}（收到 {shown(value)}）")]
    return []


def usable(name: str, value: Any) -> bool:
    """Whether a rule may compute with the value (it has the declared type and range)."""
    return not check(name, value)
