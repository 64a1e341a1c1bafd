"""Equity report: are some groups found less often, resolved differently or later?

For each dimension (hukou, sex, age band, disability, community) and each of its groups:
how many residents it has and its share of the population, the share of its residents with
an open or past alert of each category, the share with an alert resolved as `enrolled`, and
the median calendar days from raising to resolution of the alerts concerning its residents.
A resident-level alert concerns that resident; a household-level one (MISSED.DIBAO …) every
resident of the household. Residents are everyone the households store ever recorded in the
region (the deceased and those who left too: past alerts concern them), folded as of today.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Iterable

from domain.households.state import HouseholdState, ResidentState, fold
from projections.household_reads import HouseholdReads
from projections.report_cache import ReportCache

CATEGORIES = ("NEED", "MISSED", "LAPSED", "LATE")
DIMENSIONS = ("hukou", "sex", "age_band", "disability", "community")
AGE_BANDS = ((0, "0-17"), (18, "18-59"), (60, "60-79"), (80, "80+"))
ObservationsOf = Callable[[str], list[dict[str, Any]]]


@dataclass
class Person:
    """One resident with the groups they belong to."""

    household: str
    resident: str
    groups: dict[str, str]


@dataclass
class Tally:
    """What one group adds up to."""

    residents: set[str] = field(default_factory=set)
    by_category: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    enrolled: set[str] = field(default_factory=set)
    alerted: set[str] = field(default_factory=set)
    resolution_days: dict[str, int] = field(default_factory=dict)  # alert id -> days raised to resolved


def age_band(resident: ResidentState, today: date) -> str:
    on = min(d for d in (today, resident.died_on) if d is not None)
    born = resident.birth_date
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next((label for low, label in reversed(AGE_BANDS) if age >= low), AGE_BANDS[0][1])  # born after `on`


def people_of(state: HouseholdState, today: date) -> list[Person]:
    return [Person(state.household, r.resident,
                   {"hukou": state.hukou, "sex": r.sex or "unknown", "age_band": age_band(r, today),
                    "disability": "disabled" if r.disability else "none", "community": state.region[:12]})
            for r in state.residents.values()]


PeopleIn = Callable[[str], list["Person"]]


def people_in(observations: list[dict[str, Any]], today: date) -> list[Person]:
    """The residents of one household's observations as of `today` ([] for a household never registered)."""
    return people_of(fold(observations, today), today) if observations else []


def population(households: Iterable[str], residents_of: PeopleIn) -> list[Person]:
    return [person for household in households for person in residents_of(household)]


def _concerned(alert: dict[str, Any], members: dict[str, list[str]]) -> list[str]:
    residents = members.get(alert["household"], [])
    return [alert["resident"]] if alert["resident"] in residents else residents


def tally(people: list[Person], alerts: Iterable[dict[str, Any]]) -> dict[str, dict[str, Tally]]:
    """Per dimension and group, the residents, who had which alerts and how they were resolved."""
    groups = {(p.household, p.resident): p.groups for p in people}
    members: dict[str, list[str]] = defaultdict(list)
    tallies: dict[str, dict[str, Tally]] = {d: defaultdict(Tally) for d in DIMENSIONS}
    for p in people:
        members[p.household].append(p.resident)
        for dimension in DIMENSIONS:
            tallies[dimension][p.groups[dimension]].residents.add(p.resident)
    for alert in alerts:
        for resident in _concerned(alert, members):
            for dimension, group in groups[(alert["household"], resident)].items():
                _count(tallies[dimension][group], alert, resident)
    return tallies


def _count(t: Tally, alert: dict[str, Any], resident: str) -> None:
    t.alerted.add(resident)
    t.by_category[alert["category"]].add(resident)
    if alert["close_reason"] == "enrolled":
        t.enrolled.add(resident)
    if alert["resolved_on"]:
        t.resolution_days[alert["alert_id"]] = (date.fromisoformat(alert["resolved_on"])
                                                - date.fromisoformat(alert["raised_on"])).days


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def report(tallies: dict[str, dict[str, Tally]], total: int) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for dimension, groups in tallies.items():
        out[dimension] = [
            {"group": group, "residents": len(t.residents), "population_share": _share(len(t.residents), total),
             "with_alert": {c: _share(len(t.by_category.get(c, ())), len(t.residents)) for c in CATEGORIES},
             "any_alert": _share(len(t.alerted), len(t.residents)),
             "resolved_enrolled": _share(len(t.enrolled), len(t.alerted)),
             "median_days_to_resolution": (float(statistics.median(t.resolution_days.values()))
                                           if t.resolution_days else None)}
            for group, t in sorted(groups.items())]
    return out


def equity(views: Any, region_prefix: str, observations_of: ObservationsOf, today: date,
           residents_of: PeopleIn | None = None) -> dict[str, Any]:
    """The equity report for the households under `region_prefix` ("" for everywhere); `residents_of`
    gives a household's residents as of `today` when they are kept elsewhere (`equity_report`)."""
    households = [r["household"] for r in views.query("SELECT household FROM households WHERE region LIKE ?"
                                                      " ORDER BY household", (f"{region_prefix}%",))]
    people = population(households, residents_of or (lambda household: people_in(observations_of(household), today)))
    alerts = views.query("SELECT alert_id, household, resident, category, raised_on, close_reason,"
                         " CASE WHEN close_reason IS NOT NULL AND close_reason != 'condition_cleared'"
                         " THEN closed_on END AS resolved_on FROM alerts WHERE region LIKE ?", (f"{region_prefix}%",))
    known = {p.household for p in people}
    return {"residents": len(people),
            "groups": report(tally(people, [a for a in alerts if a["household"] in known]), len(people))}


def equity_report(reports: ReportCache, views: Any, region_prefix: str, today: date) -> dict[str, Any]:
    """The equity report kept until a view or the households store moves on, each household's residents
    kept until it changes (a report computed again refolds only the households written since)."""
    def compute(reads: HouseholdReads) -> dict[str, Any]:
        def residents_of(household: str) -> list[Person]:
            return reads.derived(household, ("residents", today), lambda observations: people_in(observations, today))
        return equity(views, region_prefix, reads.observations_of, today, residents_of)

    return reports.get("equity", (region_prefix, today), compute)
