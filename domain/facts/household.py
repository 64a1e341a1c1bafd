"""Derived facts about the household as a whole (RULES.md: members, pc_income, std, assets_ok …).

Conditions the engine cannot express over one fact — "any report in the last
12 months", "no help dated on or after it" — are reduced here to booleans;
everything else stays a plain value the rule compares.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.dates import add_months, age_on, months_back
from domain.exact import per, product, total
from domain.facts.context import Context, Subject, known
from domain.households.state import HouseholdState, observed_on
from domain.vocabulary import HOUSEHOLD_LEVEL_PROGRAMMES

HOUSEHOLD_PROGRAMMES = tuple(sorted(HOUSEHOLD_LEVEL_PROGRAMMES | {"dibao"}))
GRAVE_EMERGENCIES = ("breadwinner_lost", "sudden_illness")
ADULT_AGE = 18


def household_subject(ctx: Context) -> Subject:
    """The household's subject fact; residents and coverages copy what they compare against."""
    state, members = ctx.state, ctx.members
    facts: dict[str, Any] = {
        "members": len(members),
        "hukou": state.hukou,
        "local_hukou": state.local_hukou,
        **income_facts(ctx),
        **{f"enrolled_{programme}": ctx.enrolled(programme) for programme in HOUSEHOLD_PROGRAMMES},
        "all_members_tekun": bool(members) and all(ctx.enrolled("tekun", m.resident) for m in members),
        "has_adult_member": any(age_on(m.birth_date, ctx.on) >= ADULT_AGE for m in members),
        "urgent_hardship_unmet": urgent_hardship_unmet(state),
        **emergency_facts(ctx),
        **rigid_facts(ctx),
        **rural_facts(ctx),
    }
    return Subject("household", state.household, None, known(facts), list(state.evidence))


def pc_income(state: HouseholdState, members: int) -> float | None:
    """Latest reported monthly income over the living current members; None when unreported.

    Not rounded: rounding to the fen could lift 769.996 to the standard of 770.
    """
    income = state.latest_income()
    if income is None or members == 0:
        return None
    return per(income["monthly_income"], members)


def assets_ok(assets: dict[str, Any] | None, std: float | None, members: int, limit_months: float | None) -> bool | None:
    """RULES.md `assets_ok`. No report counts as OK: proactive discovery errs towards looking."""
    if assets is None:
        return True
    if std is None or limit_months is None:
        return None
    return bool(
        assets["financial_assets"] <= product(limit_months, std, members)
        and assets["motor_vehicles"] == 0
        and assets["extra_properties"] == 0
    )


def income_facts(ctx: Context) -> dict[str, Any]:
    """Per-capita income against the dibao standard and the edge line, and the asset test."""
    state, params, members = ctx.state, ctx.params, len(ctx.members)
    std = params.get(f"dibao.standard_monthly.{state.hukou}")
    multiplier = params.get("edge.multiplier")
    per_capita = pc_income(state, members)
    latest = state.latest_income()
    limit_months = params.get("dibao.asset_limit_months") if state.assets is not None else None
    return {
        "monthly_income": latest["monthly_income"] if latest else None,
        "income_period": latest["period"] if latest else None,
        "income_type": latest["income_type"] if latest else None,
        "pc_income": per_capita,
        "pc_income_annual": per(latest["monthly_income"], members, 12) if per_capita is not None and latest else None,
        "std": std,
        "edge_line": product(std, multiplier) if std is not None and multiplier is not None else None,
        "assets_ok": assets_ok(state.assets, std, members, limit_months),
        "assets_reported": state.assets is not None,
    }


def helped_since(state: HouseholdState, since: date, programme: str = "temporary_assistance") -> bool:
    """An enrolment in, or application for, `programme` dated on or after `since`."""
    return any(c.programme == programme and c.start >= since for c in state.coverages) or any(
        a.programme == programme and a.submitted_on >= since for a in state.applications.values()
    )


def urgent_hardship_unmet(state: HouseholdState) -> bool:
    """An `immediate` hardship report with no temporary assistance enrolment or application since its report."""
    return any(
        h["urgency"] == "immediate" and not helped_since(state, observed_on(h))
        for h in state.hardships
    )


def emergency_facts(ctx: Context) -> dict[str, Any]:
    """Emergencies within `emergency.window_days` (inclusive), and those nobody has helped with yet."""
    if not ctx.state.emergencies:
        return {}
    window = ctx.params.get("emergency.window_days")
    if window is None:
        return {}
    earliest = ctx.on - timedelta(days=window)
    recent = [e for e in ctx.state.emergencies if earliest <= date.fromisoformat(e["date"]) <= ctx.on]
    unhelped = [e for e in recent if not helped_since(ctx.state, date.fromisoformat(e["date"]))]
    latest = max(unhelped or recent, key=lambda e: e["date"], default=None)
    return {
        "recent_emergency": bool(recent),
        "emergency_unhelped": bool(unhelped),
        "emergency_unhelped_grave": any(e["kind"] in GRAVE_EMERGENCIES for e in unhelped),
        "emergency_kind": latest["kind"] if latest else None,
        "emergency_date": latest["date"] if latest else None,
    }


def income_over_months(state: HouseholdState, months: list[str]) -> float | None:
    """Household income summed over the months (`monthly_incomes`)."""
    amounts = monthly_incomes(state, months)
    return None if amounts is None else total(amounts)


def monthly_incomes(state: HouseholdState, months: list[str]) -> list[Any] | None:
    """Each month's household income (months in order): the latest report for the latest period not
    after it; months before the first reported period take that period's latest report (a corrected
    figure for the first period replaces the first one sent). None when nothing was reported."""
    ordered = state.incomes_by_period()
    if not ordered:
        return None
    first_period = ordered[0]["period"]
    index = max(i for i, report in enumerate(ordered) if report["period"] == first_period)
    amounts = []
    for month in months:
        while index + 1 < len(ordered) and ordered[index + 1]["period"] <= month:
            index += 1
        amounts.append(ordered[index]["monthly_income"])
    return amounts


def rigid_facts(ctx: Context) -> dict[str, Any]:
    """Out-of-pocket expenses (in (date judged − 12 months, date judged]) against income over the
    12 calendar months ending with the month judged (刚性支出), and the status's validity."""
    state, on, params = ctx.state, ctx.on, ctx.params
    if not state.expenses:
        return {}
    start = add_months(on, -12)
    spent = total([e["amount"] for e in state.expenses if start < date.fromisoformat(e["date"]) <= on])
    if not spent:
        return {}
    ratio = params.get("rigid.expense_ratio")
    income = income_over_months(state, months_back(on, 12, include_current=True))
    return {
        "rigid_expenses_12m": spent,
        "income_12m": income,
        # Unrounded (RULES.md): 0.6 × 29,487.96 = 17,692.776, so 17,692.78 exceeds it.
        "rigid_expense_limit": product(ratio, income) if ratio is not None and income is not None else None,
        "prev_year_pc_disposable_income": params.get("rigid.prev_year_pc_disposable_income"),
        **rigid_status(ctx),
    }


def rigid_status(ctx: Context) -> dict[str, Any]:
    """Whether the current rigid-expenditure status is older than `rigid.valid_months` (from its
    start or, when re-confirmed by a review, from the last review)."""
    coverage = ctx.state.coverage_of("rigid_expenditure", None)
    if coverage is None or not coverage.is_active_on(ctx.on) or coverage.is_terminated_on(ctx.on):
        return {}
    valid = ctx.params.get("rigid.valid_months")
    confirmed = coverage.last_review_on(ctx.on)
    expires = add_months(confirmed, valid) if valid is not None else None
    return {
        "rigid_confirmed_on": confirmed.isoformat(),
        "rigid_valid_until": expires.isoformat() if expires else None,
        "rigid_status_expired": expires < ctx.on if expires else None,
    }


def rural_facts(ctx: Context) -> dict[str, Any]:
    """The monitoring line and whether a rural risk was reported in the last 12 months (rural households)."""
    if ctx.state.hukou != "rural":
        return {}
    start = add_months(ctx.on, -12) if ctx.state.rural_risks else ctx.on
    return {
        "poverty_line_annual": ctx.params.get("poverty_monitoring.line_annual"),
        "rural_risk_12m": any(start < date.fromisoformat(r["date"]) <= ctx.on for r in ctx.state.rural_risks),
    }
