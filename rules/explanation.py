"""Explanations a caseworker can act on, in Chinese and English.

An explanation records the rule id and version, the facts that matched (with
labels in both languages), the parameter values used with their region and
effective date, and the observation ids that made the facts true.
"""

from __future__ import annotations

from typing import Any

from domain.facts.derived import HouseholdFacts, Subject
from domain.privacy import Sight, shown_facts
from rules.rule import Rule

FACT_LABELS: dict[str, tuple[str, str]] = {
    "pc_income": ("家庭人均月收入(元)", "per-capita monthly income (CNY)"),
    "pc_income_annual": ("家庭人均年收入(元)", "per-capita annual income (CNY)"),
    "std": ("低保标准(元/人·月)", "dibao standard (CNY per person per month)"),
    "edge_line": ("低保边缘线(元/人·月)", "low-income edge line (CNY per person per month)"),
    "members": ("共同生活成员数", "living members"),
    "assets_ok": ("财产符合条件", "assets within limits"),
    "assets_reported": ("已申报财产", "assets reported"),
    "enrolled_dibao": ("已纳入低保", "enrolled in dibao"),
    "enrolled_low_income_edge": ("已认定低保边缘", "recognised as low-income edge"),
    "enrolled_temporary_assistance": ("已获临时救助", "receives temporary assistance"),
    "enrolled_elderly_visiting": ("已纳入探访关爱", "on the visiting roster"),
    "urgent_hardship_unmet": ("紧急困难未获救助", "immediate hardship without assistance"),
    "emergency_unhelped": ("近期突发事件未获救助", "recent emergency without assistance"),
    "emergency_unhelped_grave": ("事件为主要劳动力丧失或突发重病", "breadwinner lost or sudden illness"),
    "recent_emergency": ("近期发生突发事件", "recent emergency"),
    "rural_risk_12m": ("近12个月有返贫风险报告", "rural risk reported in the last 12 months"),
    "poverty_line_annual": ("监测标准(元/人·年)", "monitoring line (CNY per person per year)"),
    "rigid_expenses_12m": ("近12个月刚性支出(元)", "out-of-pocket expenses, last 12 months (CNY)"),
    "income_12m": ("近12个月家庭收入(元)", "household income, last 12 months (CNY)"),
    "rigid_expense_limit": ("支出认定线(元)", "expense threshold (CNY)"),
    "prev_year_pc_disposable_income": ("上年人均可支配收入(元)", "previous year's per-capita disposable income"),
    "rigid_status_expired": ("刚性支出认定已过期", "rigid-expenditure status expired"),
    "programme": ("救助项目", "programme"),
    "start": ("起始日期", "start date"),
    "last_review": ("最近复核日期", "last review"),
    "review_interval_months": ("复核周期(月)", "review interval (months)"),
    "review_due": ("应复核日期", "review due"),
    "review_overdue_days": ("逾期天数", "days overdue"),
    "monthly_amount": ("月救助金额(元)", "monthly amount (CNY)"),
    "unpaid_months": ("未发放月份", "months not paid"),
    "payment_gap_months": ("中断认定月数", "months of gap that count"),
    "terminated_on": ("停保日期", "terminated on"),
    "termination_reason": ("停保原因", "termination reason"),
    "age": ("年龄", "age"),
    "adult_on": ("满十八周岁日期", "18th birthday"),
    "in_full_time_school": ("全日制在校", "in full-time school"),
    "child_age_limit": ("未成年年龄线", "child age limit"),
    "has_adult_member": ("有成年家庭成员", "has an adult household member"),
    "school_status": ("就学状态", "school status"),
    "school_min_age": ("义务教育起始年龄", "compulsory school from age"),
    "school_max_age": ("义务教育截止年龄", "compulsory school to age"),
    "lives_alone": ("独居", "lives alone"),
    "days_since_visit": ("距上次探访天数", "days since last visit"),
    "visit_interval_days": ("探访周期(天)", "visit interval (days)"),
    "no_labour": ("无劳动能力", "unable to work"),
    "has_capable_supporter": ("有法定赡养抚养扶养能力人", "has a capable legal supporter"),
    "disability_category": ("残疾类别", "disability category"),
    "disability_grade": ("残疾等级", "disability grade"),
    "disability_certified": ("持残疾人证", "holds a disability certificate"),
    "elderly_allowance_min_age": ("高龄津贴起始年龄", "old-age allowance from age"),
    "local_hukou": ("本地户籍", "local hukou"),
    "father_status": ("父亲情况", "father's status"),
    "mother_status": ("母亲情况", "mother's status"),
    "father_absent": ("父亲死亡或失踪", "father dead or missing"),
    "mother_absent": ("母亲死亡或失踪", "mother dead or missing"),
    "father_severe": ("父亲重残重病服刑等", "father severely disabled, ill, imprisoned …"),
    "mother_severe": ("母亲重残重病服刑等", "mother severely disabled, ill, imprisoned …"),
    "deceased_still_covered": ("已故仍在保", "deceased but still covered"),
    "submitted_on": ("申请日期", "submitted on"),
    "elapsed_days": ("已用天数", "days taken"),
    "limit_days": ("时限(天)", "time limit (days)"),
    "day_unit": ("计日方式", "day unit"),
    "decided": ("已作出决定", "decided"),
    "member": ("现为家庭成员", "current member"),
    "relation": ("与户主关系", "relation to the head"),
    "hukou": ("户籍类型", "hukou type"),
    "monthly_income": ("家庭月收入(元)", "household monthly income (CNY)"),
    "income_period": ("收入所属月份", "income period"),
    "income_type": ("收入类型", "income type"),
    "all_members_tekun": ("全部成员均为特困人员", "every member on tekun"),
    "enrolled_rigid_expenditure": ("已认定刚性支出困难家庭", "recognised as rigid-expenditure household"),
    "enrolled_poverty_monitoring": ("已纳入防止返贫监测", "under return-to-poverty monitoring"),
    "enrolled_tekun": ("已纳入特困供养", "on extreme-poverty support"),
    "enrolled_disability_living_subsidy": ("已领困难残疾人生活补贴", "receives the disability living subsidy"),
    "enrolled_disability_care_subsidy": ("已领重度残疾人护理补贴", "receives the disability care subsidy"),
    "enrolled_elderly_allowance": ("已领高龄津贴", "receives the old-age allowance"),
    "enrolled_orphan_allowance": ("已领孤儿基本生活费", "receives the orphan allowance"),
    "enrolled_defacto_child_allowance": ("已领事实无人抚养儿童补贴", "receives the de-facto child allowance"),
    "household_enrolled_dibao": ("家庭已纳入低保", "household on dibao"),
    "household_enrolled_low_income_edge": ("家庭已认定低保边缘", "household recognised as low-income edge"),
    "living_subsidy_low_income": ("低保边缘家庭可享生活补贴", "low-income edge households qualify"),
    "emergency_kind": ("突发事件类型", "kind of emergency"),
    "emergency_date": ("突发事件日期", "date of the emergency"),
    "serious_illness": ("患重特大疾病", "serious illness"),
    "intellectual_or_mental": ("智力或精神残疾", "intellectual or mental disability"),
    "care_extra_grade": ("属本地护理补贴扩展等级", "a locally added care-subsidy grade"),
    "requires_local_hukou": ("要求本地户籍", "local hukou required"),
    "empty_nest": ("空巢", "empty nest"),
    "left_behind": ("留守", "left behind"),
    "special_family": ("计生特殊家庭", "special family (计生特殊家庭)"),
    "care_level": ("失能程度", "care dependency"),
    "visiting_min_age": ("探访关爱起始年龄", "visiting care from age"),
    "high_risk_elderly": ("高龄独居或完全失能", "80+ living alone, or fully dependent"),
    "last_visit": ("最近探访日期", "last visit"),
    "active": ("保障有效", "coverage active"),
    "terminated": ("已停保", "terminated"),
    "in_grace": ("处于渐退期", "in its grace period"),
    "holder_member": ("保障对象仍为家庭成员", "covered person still a member"),
    "suspended": ("已暂停", "suspended"),
    "suspended_on": ("最近暂停日期", "latest suspension on"),
    "resumed_on": ("恢复发放日期", "resumed on"),
    "applicant_died": ("申请人已去世", "the applicant has died"),
    "complete_months_old": ("已满整月数", "complete months since the start"),
    "paid_in_last_gap_months": ("近期月份有发放记录", "paid in the months checked"),
    "re_enrolled_since_exit": ("停保后已重新纳入救助", "enrolled again since the termination"),
    "enrolled_as_minor": ("未成年时纳入保障", "enrolled as a minor"),
    "minor_programmes": ("未成年时纳入的项目", "programmes entered as a minor"),
    "days_to_adulthood": ("距满十八周岁天数", "days until the 18th birthday"),
    "age_out_notice_days": ("提前提示天数", "notice days"),
    "rigid_confirmed_on": ("刚性支出认定(复核)日期", "rigid-expenditure status confirmed on"),
    "rigid_valid_until": ("认定有效期至", "status valid until"),
    "died_on": ("死亡日期", "date of death"),
    "covered_after_death": ("死亡后仍在享受的项目", "coverage still running after death"),
}


def label(name: str) -> tuple[str, str]:
    return FACT_LABELS.get(name, (name, name.replace("_", " ")))


def _parameters_used(rule: Rule, household: HouseholdFacts) -> dict[str, Any]:
    used = household.parameters.used
    wanted = [p.replace("<hukou>", "") for p in rule.parameters]
    return {
        name: resolved.to_json()
        for name, resolved in sorted(used.items())
        if any(name == w or (w.endswith(".") and name.startswith(w)) for w in wanted)
    }


def explain(rule: Rule, subject: Subject, household: HouseholdFacts) -> dict[str, Any]:
    """The full, self-contained reason an alert was raised."""
    facts = {name: subject.facts.get(name) for name in rule.reads if name in subject.facts}
    return {
        "rule": rule.id,
        "rule_version": rule.version,
        "title": {"zh": rule.title_zh, "en": rule.title_en},
        "text": _text(rule.title_zh, rule.title_en, facts),
        "judged_on": household.on.isoformat(),
        "facts": facts,
        "parameters": _parameters_used(rule, household),
        "missing_parameters": sorted(household.parameters.missing),
        "event_ids": list(dict.fromkeys(subject.evidence)),
    }


def _text(title_zh: str, title_en: str, facts: dict[str, Any]) -> dict[str, str]:
    zh = "；".join(f"{label(k)[0]}：{_show(v, 'zh')}" for k, v in facts.items())
    en = "; ".join(f"{label(k)[1]}: {_show(v, 'en')}" for k, v in facts.items())
    return {"zh": f"{title_zh}。{zh}", "en": f"{title_en}. {en}"}


def shown_explanation(explanation: dict[str, Any] | None, sight: Sight) -> dict[str, Any] | None:
    """The explanation as `sight` may see it: facts that move on the birthday withheld, its text
    written again from the facts left (domain/privacy.py says why)."""
    if not explanation or sight.birth == "date" or not isinstance(explanation.get("facts"), dict):
        return explanation
    facts = shown_facts(explanation["facts"], sight)
    if facts == explanation["facts"]:
        return explanation
    title = explanation.get("title") or {}
    return {**explanation, "facts": facts, "text": _text(title.get("zh", ""), title.get("en", ""), facts)}


def shown_alert(alert: dict[str, Any], sight: Sight) -> dict[str, Any]:
    """An alert (a queue row as JSON) with its explanation as `sight` may see it."""
    return {**alert, "explanation": shown_explanation(alert.get("explanation"), sight)}


def _show(value: Any, language: str) -> str:
    if isinstance(value, bool):
        return {("zh", True): "是", ("zh", False): "否", ("en", True): "yes", ("en", False): "no"}[(language, value)]
    if isinstance(value, list):
        return ("、" if language == "zh" else ", ").join(map(str, value))
    if isinstance(value, float):
        return _amount(value)
    return str(value)


def _amount(value: float) -> str:
    """Two places as for money, more when the value is finer (a limit of 17692.776 is not 17692.78)."""
    if round(value, 2) == value:
        return f"{value:.2f}"
    return f"{value:.4f}".rstrip("0")
