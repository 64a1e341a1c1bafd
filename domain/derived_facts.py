"""Derived facts (RULES.md § Derived facts): what the rules read, as of a date.

A household's state is turned into flat *subject facts* — one for the
household, one per resident, coverage episode and application — holding only
known values. A fact that was never reported is left out rather than set to
False, so a rule that needs it does not hold ("unknown is not false").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta

from domain.household_state import (
    ApplicationState,
    CoverageState,
    HouseholdState,
    ResidentState,
    observed_on,
)
from domain.parameters import ParameterTable, Resolved

HOUSEHOLD_PROGRAMMES = (
    "dibao",
    "low_income_edge",
    "rigid_expenditure",
    "temporary_assistance",
    "poverty_monitoring",
)


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
    return relativedelta(on, birth_date).years


def add_months(day: date, months: int) -> date:
    return day + relativedelta(months=months)


def derive(state: HouseholdState, on: date, table: ParameterTable) -> HouseholdFacts:
    """Every subject of the household with its derived facts on `on`."""
    params = Parameters(table, state.region, on)
    household = _household_facts(state, on, params)
    subjects = [household]
    subjects += [_resident_facts(state, r, on, params, household.facts) for r in state.residents.values()]
    subjects += [_coverage_facts(state, c, on, params) for c in state.coverages]
    subjects += [_application_facts(a, on) for a in state.applications.values()]
    return HouseholdFacts(state.household, state.region, on, subjects, params)


def enrolled(state: HouseholdState, programme: str, resident: str | None, on: date) -> bool:
    """RULES.md `enrolled(X)`: an active coverage of X for the household or that resident."""
    return any(
        c.programme == programme and c.resident == resident and c.is_active_on(on)
        for c in state.coverages
    )


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


def _known(facts: dict[str, Any]) -> dict[str, Any]:
    """Drop unknown values so that conditions on them do not hold."""
    return {k: v for k, v in facts.items() if v is not None}


def _household_facts(state: HouseholdState, on: date, params: Parameters) -> Subject:
    members = state.members_on(on)
    std = params.get(f"dibao.standard_monthly.{state.hukou}")
    multiplier = params.get("edge.multiplier")
    income = state.latest_income()
    facts: dict[str, Any] = {
        "members": len(members),
        "hukou": state.hukou,
        "local_hukou": state.local_hukou,
        "pc_income": pc_income(state, on),
        "income_type": income["income_type"] if income else None,
        "std": std,
        "edge_line": round(std * multiplier, 2) if std is not None and multiplier is not None else None,
        "assets_ok": assets_ok(state, std, len(members), params),
        "assets_reported": state.assets is not None,
        "all_members_tekun": bool(members) and all(enrolled(state, "tekun", m.resident, on) for m in members),
        "urgent_hardship_unmet": _urgent_hardship_unmet(state, on),
    }
    for programme in HOUSEHOLD_PROGRAMMES:
        facts[f"enrolled_{programme}"] = enrolled(state, programme, None, on)
    return Subject("household", state.household, None, _known(facts), list(state.evidence))


def _helped_since(state: HouseholdState, since: date, on: date) -> bool:
    """A temporary-assistance enrolment or application dated on or after `since`."""
    enrolments = any(
        c.programme == "temporary_assistance" and since <= c.start <= on for c in state.coverages
    )
    applications = any(
        a.programme == "temporary_assistance" and since <= a.submitted_on <= on
        for a in state.applications.values()
    )
    return enrolments or applications


def _urgent_hardship_unmet(state: HouseholdState, on: date) -> bool:
    """An `immediate` hardship report with no temporary assistance since it."""
    return any(
        h["urgency"] == "immediate" and not _helped_since(state, observed_on(h), on)
        for h in state.hardships
    )


def _resident_facts(
    state: HouseholdState, person: ResidentState, on: date, params: Parameters, household: dict[str, Any]
) -> Subject:
    facts: dict[str, Any] = {
        "member": person.is_member_on(on),
        "age": age_on(person.birth_date, on),
        "relation": person.relation,
    }
    return Subject("resident", person.resident, person.resident, _known(facts), list(person.evidence))


def review_interval_months(state: HouseholdState, coverage: CoverageState, params: Parameters) -> int | None:
    """Explicit interval, else dibao's by income type, else the default."""
    if coverage.review_interval_months:
        return coverage.review_interval_months
    if coverage.programme == "dibao":
        income = state.latest_income()
        income_type = income["income_type"] if income else "stable"
        return params.get(f"dibao.review_months.{income_type}")
    return params.get("review.default_months")


def _coverage_facts(state: HouseholdState, coverage: CoverageState, on: date, params: Parameters) -> Subject:
    active_untouched = coverage.is_active_on(on) and not coverage.is_terminated_on(on)
    facts: dict[str, Any] = {
        "programme": coverage.programme,
        "start": coverage.start.isoformat(),
        "active": coverage.is_active_on(on),
        "terminated": coverage.is_terminated_on(on),
    }
    if active_untouched:
        interval = review_interval_months(state, coverage, params)
        last = coverage.last_review_on(on)
        if interval is not None:
            due = add_months(last, interval)
            facts.update(
                review_interval_months=interval,
                last_review=last.isoformat(),
                review_due=due.isoformat(),
                review_overdue_days=(on - due).days,
            )
    return Subject("coverage", coverage.key, coverage.resident, _known(facts), list(coverage.evidence))


def _application_facts(application: ApplicationState, on: date) -> Subject:
    facts: dict[str, Any] = {
        "programme": application.programme,
        "submitted_on": application.submitted_on.isoformat(),
        "decided": application.decided_on is not None and application.decided_on <= on,
    }
    return Subject(
        "application", application.application, application.resident, _known(facts), list(application.evidence)
    )
