"""Derived facts (RULES.md § Derived facts): what the rules read, as of a date.

A household's state is turned into flat *subject facts* — one for the
household, one per resident, coverage episode and application — holding only
known values. A fact that was never reported is left out rather than set to
False, so a rule that needs it does not hold ("unknown is not false").
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from domain.household_state import HouseholdState, ResidentState, observed_on
from domain.parameters import ParameterTable, Resolved

HOUSEHOLD_PROGRAMMES = ("dibao", "low_income_edge", "rigid_expenditure", "temporary_assistance", "poverty_monitoring")
GRAVE_EMERGENCIES = ("breadwinner_lost", "sudden_illness")


@dataclass
class Subject:
    """One thing a rule can be about, with the facts known about it."""

    kind: str
    key: str
    resident: str | None
    facts: dict[str, Any]
    evidence: list[str] = field(default_factory=list)


@dataclass
class Parameters:
    """Parameter look-ups for one household and date, remembering what was used."""

    table: ParameterTable
    region: str
    on: date
    used: dict[str, Resolved] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)

    def get(self, name: str) -> Any:
        """The value in force, or None (and recorded as missing) when unknown."""
        resolved = self.table.lookup(name, self.region, self.on)
        if resolved is None:
            self.missing.add(name)
            return None
        self.used[name] = resolved
        return resolved.value


@dataclass
class HouseholdFacts:
    """All subjects of one household as of one date, and the parameters behind them."""

    household: str
    region: str
    on: date
    subjects: list[Subject]
    parameters: Parameters


def age_on(birth_date: date, on: date) -> int:
    """Completed years of age on `on`."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's last day (Jan 31 + 1 = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, monthrange(year, month + 1)[1]))


def derive(state: HouseholdState, on: date, table: ParameterTable) -> HouseholdFacts:
    """Every subject of the household with its derived facts on `on`."""
    from domain.coverage_facts import application_subject, coverage_subject
    from domain.person_facts import resident_subject

    params = Parameters(table, state.region, on)
    household = household_subject(state, on, params)
    subjects = [household]
    subjects += [resident_subject(state, r, on, params, household.facts) for r in state.residents.values()]
    subjects += [coverage_subject(state, c, on, params, household.facts) for c in state.coverages]
    subjects += [application_subject(a, on, params) for a in state.applications.values()]
    return HouseholdFacts(state.household, state.region, on, subjects, params)


def enrolled(state: HouseholdState, programme: str, resident: str | None, on: date) -> bool:
    """RULES.md `enrolled(X)`: an active coverage of X for the household or that resident."""
    return (programme, resident) in state.active_on(on)


def pc_income(state: HouseholdState, on: date) -> float | None:
    """Latest monthly income divided by living current members; None if unreported."""
    income, members = state.latest_income(), len(state.members_on(on))
    if income is None or members == 0:
        return None
    return round(income["monthly_income"] / members, 2)


def assets_ok(state: HouseholdState, std: float | None, members: int, params: Parameters) -> bool | None:
    """No report counts as OK (proactive discovery errs towards looking)."""
    if state.assets is None:
        return True
    limit_months = params.get("dibao.asset_limit_months")
    if std is None or limit_months is None:
        return None
    return (
        state.assets["financial_assets"] <= limit_months * std * members
        and state.assets["motor_vehicles"] == 0
        and state.assets["extra_properties"] == 0
    )


def no_labour(person: ResidentState, on: date) -> bool:
    """RULES.md `no_labour`: too old, too young, assessed unable, or severely disabled."""
    age = age_on(person.birth_date, on)
    return age >= 60 or age < 16 or person.capacity == "none" or _disabling(person.disability)


def _disabling(disability: dict[str, Any] | None) -> bool:
    if not disability:
        return False
    category, grade = disability["category"], disability["grade"]
    return (
        (category in ("intellectual", "mental") and grade <= 3)
        or (category == "physical" and grade <= 2)
        or (category == "visual" and grade == 1)
    )


def helped_since(state: HouseholdState, since: date, on: date, programmes: tuple[str, ...]) -> bool:
    """An enrolment in, or application for, one of `programmes` dated on or after `since`."""
    enrolments = any(c.programme in programmes and since <= c.start <= on for c in state.coverages)
    applications = any(
        a.programme in programmes and since <= a.submitted_on <= on for a in state.applications.values()
    )
    return enrolments or applications


def _known(facts: dict[str, Any]) -> dict[str, Any]:
    """Drop unknown values so that conditions on them do not hold."""
    return {k: v for k, v in facts.items() if v is not None}


def household_subject(state: HouseholdState, on: date, params: Parameters) -> Subject:
    members = state.members_on(on)
    std = params.get(f"dibao.standard_monthly.{state.hukou}")
    multiplier = params.get("edge.multiplier")
    income = state.latest_income()
    per_capita = pc_income(state, on)
    facts: dict[str, Any] = {
        "members": len(members),
        "hukou": state.hukou,
        "local_hukou": state.local_hukou,
        "pc_income": per_capita,
        "pc_income_annual": round(per_capita * 12, 2) if per_capita is not None else None,
        "income_type": income["income_type"] if income else None,
        "std": std,
        "edge_line": round(std * multiplier, 2) if std is not None and multiplier is not None else None,
        "assets_ok": assets_ok(state, std, len(members), params),
        "assets_reported": state.assets is not None,
        "all_members_tekun": bool(members) and all(enrolled(state, "tekun", m.resident, on) for m in members),
        "has_adult_member": any(age_on(m.birth_date, on) >= 18 for m in members),
        "urgent_hardship_unmet": _urgent_hardship_unmet(state, on),
        **_emergency_facts(state, on, params),
        **_rigid_facts(state, on, params),
        **_rural_facts(state, on, params),
    }
    for programme in HOUSEHOLD_PROGRAMMES:
        facts[f"enrolled_{programme}"] = enrolled(state, programme, None, on)
    return Subject("household", state.household, None, _known(facts), list(state.evidence))


def _urgent_hardship_unmet(state: HouseholdState, on: date) -> bool:
    """An `immediate` hardship report with no temporary assistance since it."""
    return any(
        h["urgency"] == "immediate" and not helped_since(state, observed_on(h), on, ("temporary_assistance",))
        for h in state.hardships
    )


def _emergency_facts(state: HouseholdState, on: date, params: Parameters) -> dict[str, Any]:
    """Recent emergencies (within emergency.window_days) that nobody has helped with yet."""
    window = params.get("emergency.window_days") if state.emergencies else None
    if window is None:
        return {}
    recent = [e for e in state.emergencies if on - timedelta(days=window) <= date.fromisoformat(e["date"]) <= on]
    unhelped = [
        e for e in recent
        if not helped_since(state, date.fromisoformat(e["date"]), on, ("temporary_assistance",))
    ]
    return {
        "recent_emergency": bool(recent),
        "emergency_unhelped": bool(unhelped),
        "emergency_unhelped_grave": any(e["kind"] in GRAVE_EMERGENCIES for e in unhelped),
    }


def income_over_months(state: HouseholdState, months: list[str]) -> float | None:
    """Household income summed over the months: each month's latest report not after it
    (months before the first report take the first report)."""
    if not state.incomes:
        return None
    ordered = sorted(state.incomes, key=lambda i: (i["period"], i["observed_at"]))
    total = 0.0
    for month in months:
        in_force = [i for i in ordered if i["period"] <= month] or ordered[:1]
        total += in_force[-1]["monthly_income"]
    return round(total, 2)


def last_twelve_months(on: date) -> list[str]:
    return [f"{add_months(on, -k):%Y-%m}" for k in range(11, -1, -1)]


def _rigid_facts(state: HouseholdState, on: date, params: Parameters) -> dict[str, Any]:
    """Out-of-pocket expenses against income over the last 12 months (刚性支出)."""
    start = add_months(on, -12)
    expenses = [e for e in state.expenses if start < date.fromisoformat(e["date"]) <= on]
    if not expenses:
        return {}
    ratio = params.get("rigid.expense_ratio")
    income = income_over_months(state, last_twelve_months(on))
    facts: dict[str, Any] = {
        "rigid_expenses_12m": round(sum(e["amount"] for e in expenses), 2),
        "income_12m": income,
        "rigid_expense_limit": round(ratio * income, 2) if ratio is not None and income is not None else None,
        "prev_year_pc_disposable_income": params.get("rigid.prev_year_pc_disposable_income"),
    }
    valid = params.get("rigid.valid_months")
    coverage = state.coverage_of("rigid_expenditure", None)
    if coverage is not None and valid is not None and coverage.is_active_on(on):
        facts["rigid_status_expired"] = add_months(coverage.start, valid) < on
    return facts


def _rural_facts(state: HouseholdState, on: date, params: Parameters) -> dict[str, Any]:
    if state.hukou != "rural":
        return {}
    start = add_months(on, -12)
    return {
        "poverty_line_annual": params.get("poverty_monitoring.line_annual"),
        "rural_risk_12m": any(start < date.fromisoformat(r["date"]) <= on for r in state.rural_risks),
    }
