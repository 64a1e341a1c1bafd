"""The synthetic district: reproducible, in the intake vocabulary, internally consistent, plausible.

The demo and the benchmarks send these envelopes through the real intake, so every one must be
accepted; the rules must find a plausible mix of cases, so the distributions are checked against
the bands the generator's docstring promises.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterator

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

from domain.households import intake_limits as limits
from domain import vocabulary as v
from domain.households.observations.envelope import parse_observation
from domain.households.observations.problems import InvalidObservation
from api.cli.demo.synthetic import (MOST_ASSETS, MOST_EXPENSE, MOST_LOSS, MOST_MULTIPLE, STANDARD, district,
                             generate_district, iter_district)

CST = timezone(timedelta(hours=8))
AS_OF = date(2025, 11, 30)
COUNTY = "500103"
ENVELOPE_KEYS = {"observation_id", "informant", "observed_at", "kind", "household", "data"}
COVERAGE_FOLLOW_UPS = ("coverage.reviewed", "coverage.paid", "coverage.suspended", "coverage.terminated")


@pytest.fixture(scope="module")
def envelopes() -> list[dict[str, Any]]:
    return generate_district(seed=2026, households=3000, county=COUNTY, as_of=AS_OF)


@pytest.fixture(scope="module")
def by_household(envelopes: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Each household's envelopes in the order they were generated (iter form: observed_at order)."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for envelope in iter_district(seed=2026, households=3000, county=COUNTY, as_of=AS_OF):
        grouped[envelope["household"]].append(envelope)
    return grouped


@pytest.fixture(scope="module")
def census(by_household: dict[str, list[dict[str, Any]]]) -> "Census":
    return Census(by_household)


# --- reproducibility ------------------------------------------------------------------------------


def test_same_seed_gives_identical_output() -> None:
    assert generate_district(seed=5, households=150) == generate_district(seed=5, households=150)


def test_different_seed_gives_different_output() -> None:
    first, second = generate_district(seed=5, households=150), generate_district(seed=6, households=150)
    assert first != second
    assert {e["observation_id"] for e in first}.isdisjoint(e["observation_id"] for e in second)


def test_a_smaller_district_is_a_prefix_of_a_larger_one() -> None:
    """Households depend only on their number, so benchmarks of different sizes share households."""
    small = list(iter_district(seed=9, households=40))
    large = list(iter_district(seed=9, households=120))
    assert large[: len(small)] == small


def test_shares_together_are_the_whole_district_household_for_household() -> None:
    """Loaders given a share each load the same district as one loader: every household once, unchanged."""
    whole = list(iter_district(seed=9, households=50))
    shares = [list(iter_district(seed=9, households=50, share=(k, 3))) for k in range(3)]
    assert sum(map(len, shares)) == len(whole)
    by_household: dict[str, list[dict[str, Any]]] = {}
    for envelope in whole:
        by_household.setdefault(envelope["household"], []).append(envelope)
    for share in shares:
        for household in {e["household"] for e in share}:
            assert [e for e in share if e["household"] == household] == by_household.pop(household)
    assert by_household == {}


def test_generate_district_is_iter_district_sorted_by_observed_at(envelopes: list[dict[str, Any]]) -> None:
    streamed = list(iter_district(seed=2026, households=3000, county=COUNTY, as_of=AS_OF))
    assert len(streamed) == len(envelopes)
    assert [e["observed_at"] for e in envelopes] == sorted(e["observed_at"] for e in envelopes)
    assert sorted(e["observation_id"] for e in streamed) == sorted(e["observation_id"] for e in envelopes)


def test_iter_district_yields_household_by_household() -> None:
    order = [e["household"] for e in iter_district(seed=3, households=200)]
    runs = [h for i, h in enumerate(order) if i == 0 or order[i - 1] != h]
    assert len(runs) == len(set(runs)) == 200


# --- envelopes ------------------------------------------------------------------------------------


def test_every_envelope_has_the_envelope_keys_and_a_known_kind(envelopes: list[dict[str, Any]]) -> None:
    for e in envelopes:
        assert ENVELOPE_KEYS <= e.keys() <= ENVELOPE_KEYS | {"resident"}, e
        assert e["kind"] in v.SUBJECTS, e
        subject = v.SUBJECTS[e["kind"]]
        assert ("resident" in e) == (subject == v.RESIDENT) or subject == v.HOUSEHOLD_OR_RESIDENT, e
        assert datetime.fromisoformat(e["observed_at"]).utcoffset() == timedelta(hours=8)
        assert e["informant"].startswith(("grid-", "caseworker-"))


def test_observation_ids_are_unique_uuid5(envelopes: list[dict[str, Any]]) -> None:
    ids = [e["observation_id"] for e in envelopes]
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(i).version == 5 for i in ids[:500])


def test_identifiers_and_regions_follow_the_county(by_household: dict[str, list[dict[str, Any]]]) -> None:
    codes = {c.code for c in district(COUNTY)}
    for hid, observations in by_household.items():
        assert hid.startswith(f"H-{COUNTY}-") and len(hid) == len("H-500103-000123")
        data = observations[0]["data"]
        assert data["region"] in codes and len(data["region"]) == 12
        assert data["grid"].startswith(data["region"] + "-")
        assert observations[0]["informant"].startswith(f"grid-{data['region']}-")
        assert all(m["resident"].startswith(hid + "-") for m in data["members"])


def test_district_needs_a_six_digit_county() -> None:
    with pytest.raises(ValueError):
        district("5001")
    assert {c.code[:6] for c in district("510502")} == {"510502"}


def test_observed_at_never_after_as_of(envelopes: list[dict[str, Any]]) -> None:
    midnight = datetime.combine(AS_OF, time(0, 0), CST)
    assert max(datetime.fromisoformat(e["observed_at"]) for e in envelopes) < midnight


# --- resident ID numbers --------------------------------------------------------------------------


def people(envelopes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for e in envelopes:
        if e["kind"] == "household.registered":
            yield from e["data"]["members"]
        elif e["kind"] == "resident.joined":
            yield e["data"]


def county_in_use_since(code: str) -> int:
    """The year stdnum's location database says the county code was first assigned."""
    counties = dict(prop for _, props in numdb.get("cn/loc").info(code) for prop in props.items())["county"]
    return min(int(c[1:].split("-")[0]) for c in counties.split(",") if c.startswith("["))


def test_id_numbers_are_valid_and_match_the_person(envelopes: list[dict[str, Any]]) -> None:
    """Check digit, birth date and sex digit always; stdnum's full validate whenever it can apply.

    `ric.validate` also looks the birth place up and refuses a county code for anyone born before
    that code existed (500103 渝中区 dates from 1997), like the intake validator explains; for those
    older residents everything else must still hold.
    """
    since, checked, full = county_in_use_since(COUNTY), 0, 0
    for person in people(envelopes):
        number = person.get("id_number")
        if number is None:
            continue
        checked += 1
        born = date.fromisoformat(person["birth_date"])
        assert len(number) == 18 and number[:6] == COUNTY
        assert number[-1] == ric.calc_check_digit(number)
        assert ric.get_birth_date(number) == born
        assert int(number[16]) % 2 == (1 if person["sex"] == "M" else 0)
        try:
            assert ric.validate(number) == number
            full += 1
        except InvalidComponent:
            assert born.year < since, number
    assert checked > 0.85 * sum(1 for _ in people(envelopes)) and full > 0.25 * checked


# --- ordering and consistency within each household ---------------------------------------------------


def data_dates(e: dict[str, Any]) -> Iterator[str]:
    """Every event date inside `data` (not `grace_until`, a date scheduled ahead)."""
    data = e["data"]
    for key in ("date", "start"):
        if key in data:
            yield data[key]
    if "birth_date" in data:
        yield data["birth_date"]
    for member in data.get("members", []):
        yield member["birth_date"]
    for parent in ("father", "mother"):
        if "since" in data.get(parent, {}):
            yield data[parent]["since"]


def referenced_residents(e: dict[str, Any]) -> list[str]:
    data = e["data"]
    named = [data["resident"]] if isinstance(data.get("resident"), str) else []
    return ([e["resident"]] if "resident" in e else []) + named + list(data.get("residents_seen", []))


def check_household(observations: list[dict[str, Any]]) -> None:
    """Registration first; times ordered; references to residents, coverages and applications valid."""
    registration, *rest = observations
    assert registration["kind"] == "household.registered"
    registered_at = datetime.fromisoformat(registration["observed_at"])
    members = {m["resident"] for m in registration["data"]["members"]}
    for member in registration["data"]["members"]:
        assert date.fromisoformat(member["birth_date"]) < registered_at.date()
    gone: set[str] = set()
    enrolled: dict[tuple[str, str | None], tuple[datetime, str]] = {}
    submitted: dict[str, str] = {}
    previous = registered_at
    for e in rest:
        at = datetime.fromisoformat(e["observed_at"])
        assert at > registered_at and at >= previous, e
        previous = at
        for day in data_dates(e):
            assert date.fromisoformat(day) <= at.date(), e
        if "period" in e["data"]:
            assert e["data"]["period"] <= f"{at:%Y-%m}", e
        check_references(e, at, members, gone, enrolled, submitted)


def check_references(e: dict[str, Any], at: datetime, members: set[str], gone: set[str],
                     enrolled: dict[tuple[str, str | None], tuple[datetime, str]], submitted: dict[str, str]) -> None:
    """Residents named while members; coverage follow-ups after their enrolment and not dated before
    its `start`; decisions after their application and not dated before it."""
    kind, data = e["kind"], e["data"]
    if kind == "resident.joined":
        assert e["resident"] not in members
        members.add(e["resident"])
        return
    for rid in referenced_residents(e):
        assert rid in members, e
        if not kind.startswith("coverage."):  # only coverage may still be wound down after a death
            assert rid not in gone, e
    if kind in ("resident.died", "resident.left"):
        gone.add(e["resident"])
    key = (data.get("programme", ""), e.get("resident"))
    if kind == "coverage.enrolled":
        enrolled[key] = (at, data["start"])
    elif kind in COVERAGE_FOLLOW_UPS:
        assert key in enrolled and enrolled[key][0] < at, e
        start = enrolled[key][1]
        assert (data["period"] >= start[:7]) if "period" in data else (data["date"] >= start), (start, e)
    elif kind == "application.submitted":
        submitted[data["application"]] = data["date"]
    elif kind == "application.decided":
        assert data["application"] in submitted and data["date"] >= submitted[data["application"]], e


def test_every_household_is_internally_consistent(by_household: dict[str, list[dict[str, Any]]]) -> None:
    for observations in by_household.values():
        check_household(observations)


def households_of(seed: int, as_of: date, households: int = 60, county: str | None = None
                  ) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    chosen = {"county": county} if county else {}
    for e in iter_district(seed=seed, households=households, as_of=as_of, **chosen):
        grouped[e["household"]].append(e)
    return grouped


def test_a_dibao_granted_after_a_death_is_not_reviewed_for_that_death() -> None:
    """Regression (found by a randomized run): seed 8253213, as_of 2030-10-03.

    In H-500103-000046 a member died on 2030-05-08 and the household's dibao was granted only in
    July (applied after the death). Winding the death down sent a dibao `coverage.reviewed` on
    2030-06-14, before that enrolment existed and before its start: the wind-down looked at the
    coverages the household holds at as_of, not at the ones it held when the member died.
    """
    seed, as_of, hid = 8253213, date(2030, 10, 3), "H-500103-000046"
    grouped = households_of(seed, as_of, county="500103")  # the county it was found in (draws follow the county)
    observations = grouped[hid]
    died = next(e["data"]["date"] for e in observations if e["kind"] == "resident.died")
    dibao = [e for e in observations if e["data"].get("programme") == "dibao" and "resident" not in e]
    kinds = [e["kind"] for e in dibao]
    applied, enrolment = dibao[kinds.index("application.submitted")], dibao[kinds.index("coverage.enrolled")]
    assert died < applied["data"]["date"] <= enrolment["data"]["start"]  # the case: granted after the death
    assert kinds.index("application.submitted") < kinds.index("coverage.enrolled") == 1  # nothing came before
    for e in dibao[2:]:
        assert e["kind"] in ("coverage.paid", "coverage.reviewed"), e
        assert e["data"].get("date", e["data"].get("period")) >= enrolment["data"]["start"][:7], e
    for observations in grouped.values():
        check_household(observations)


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**31), as_of=st.dates(date(2024, 1, 1), date(2030, 12, 31)))
@example(seed=8253213, as_of=date(2030, 10, 3))  # a dibao reviewed before it began (see the test above)
def test_any_seed_and_date_give_consistent_households(seed: int, as_of: date) -> None:
    grouped = households_of(seed, as_of)
    midnight = datetime.combine(as_of, time(0, 0), CST)
    for observations in grouped.values():
        check_household(observations)
        assert datetime.fromisoformat(observations[-1]["observed_at"]) < midnight


# --- distributions ----------------------------------------------------------------------------------


class Census:
    """The district as of as_of: living members, latest income, active coverage."""

    def __init__(self, by_household: dict[str, list[dict[str, Any]]]) -> None:
        self.households = len(by_household)
        self.births: dict[str, date] = {}
        self.hukou: dict[str, str] = {}
        self.local: dict[str, bool] = {}
        self.home: dict[str, str] = {}
        self.gone: set[str] = set()
        self.income: dict[str, float] = {}
        self.active: set[tuple[str, str, str | None]] = set()
        self.counts: Counter[str] = Counter()
        for hid, observations in by_household.items():
            for e in observations:
                self._apply(hid, e)

    def _apply(self, hid: str, e: dict[str, Any]) -> None:
        kind, data = e["kind"], e["data"]
        self.counts[kind] += 1
        if kind == "household.registered":
            self.hukou[hid], self.local[hid] = data["hukou"], data["local_hukou"]
            for m in data["members"]:
                self.births[m["resident"]], self.home[m["resident"]] = date.fromisoformat(m["birth_date"]), hid
        elif kind == "resident.joined":
            self.births[e["resident"]], self.home[e["resident"]] = date.fromisoformat(data["birth_date"]), hid
        elif kind in ("resident.died", "resident.left"):
            self.gone.add(e["resident"])
        elif kind == "household.income_reported":
            self.income[hid] = data["monthly_income"]
        elif kind == "coverage.enrolled":
            self.active.add((hid, data["programme"], e.get("resident")))
        elif kind == "coverage.terminated" and "grace_until" not in data:
            self.active.discard((hid, data["programme"], e.get("resident")))

    def living(self) -> list[str]:
        return [r for r in self.births if r not in self.gone]

    def age(self, rid: str) -> int:
        born = self.births[rid]
        return AS_OF.year - born.year - ((AS_OF.month, AS_OF.day) < (born.month, born.day))

    def multiples(self) -> dict[str, float]:
        """Per-capita income as a multiple of the standard, for households with income and members."""
        size = Counter(self.home[r] for r in self.living())
        return {h: income / size[h] / STANDARD[self.hukou[h]] for h, income in self.income.items() if size[h]}


def test_household_sizes_one_to_six(by_household: dict[str, list[dict[str, Any]]]) -> None:
    sizes = Counter(len(obs[0]["data"]["members"]) for obs in by_household.values())
    assert set(sizes) <= set(range(1, 7))
    assert sizes[1] + sizes[2] > 0.45 * sum(sizes.values())  # many small, often elderly, households


def test_age_structure(census: Census) -> None:
    ages = [census.age(r) for r in census.living()]
    share = lambda test: sum(1 for a in ages if test(a)) / len(ages)  # noqa: E731
    assert 0.17 <= share(lambda a: a >= 60) <= 0.25
    assert 0.025 <= share(lambda a: a >= 80) <= 0.055
    assert 0.14 <= share(lambda a: a < 18) <= 0.25


def test_income_below_and_near_the_standard(census: Census) -> None:
    multiples = census.multiples().values()
    below = sum(1 for m in multiples if m < 1) / census.households
    edge = sum(1 for m in multiples if 1 <= m < 1.5) / census.households
    assert 0.045 <= below <= 0.09
    assert 0.03 <= edge <= 0.075


def test_most_poor_households_are_already_covered(census: Census) -> None:
    poor = [h for h, m in census.multiples().items() if m < 1]
    covered = [h for h in poor if any(c[0] == h and c[1] in ("dibao", "tekun") for c in census.active)]
    assert 0.6 <= len(covered) / len(poor) <= 0.95  # so some are missed, but a minority


def test_most_local_80_plus_get_the_old_age_allowance(census: Census) -> None:
    eligible = [r for r in census.living() if census.age(r) >= 80 and census.local[census.home[r]]]
    paid = [r for r in eligible if (census.home[r], "elderly_allowance", r) in census.active]
    assert 0.75 <= len(paid) / len(eligible) < 1.0


def test_disability_and_rare_cases(census: Census, envelopes: list[dict[str, Any]]) -> None:
    assert 0.04 <= census.counts["resident.disability_assessed"] / len(census.births) <= 0.08
    grades = Counter(e["data"]["grade"] for e in envelopes if e["kind"] == "resident.disability_assessed")
    assert set(grades) == {1, 2, 3, 4}
    statuses = {e["data"][p]["status"] for e in envelopes if e["kind"] == "resident.parent_status_reported"
                for p in ("father", "mother")}
    assert {"dead", "missing", "present"} <= statuses and statuses & {"imprisoned", "severely_disabled"}
    assert any(e["data"]["status"] == "dropped_out" for e in envelopes if e["kind"] == "resident.school_status_reported")
    assert any(e["data"]["urgency"] == "immediate" for e in envelopes if e["kind"] == "household.hardship_reported")
    for kind in ("household.emergency_reported", "household.rural_risk_reported", "household.expense_reported",
                 "coverage.terminated", "coverage.reviewed", "coverage.suspended", "coverage.resumed", "resident.died", "resident.joined", "resident.left",
                 "resident.supporter_reported", "resident.care_dependency_assessed", "household.assets_reported"):
        assert census.counts[kind] > 0, kind
    assert census.counts["household.hardship_reported"] < 0.03 * census.households  # rare


# --- accepted by the intake validator ------------------------------------------------------------------


class LearningRegistry:
    """Knows households and residents as their registrations are parsed, like the event store would."""

    def __init__(self) -> None:
        self.households: dict[str, datetime] = {}
        self.residents: dict[str, str] = {}
        self.applications: set[tuple[str, str]] = set()

    def household_exists(self, household_id: str) -> bool:
        return household_id in self.households

    def resident_household(self, resident_id: str) -> str | None:
        return self.residents.get(resident_id)

    def registered_at(self, household_id: str) -> datetime | None:
        return self.households.get(household_id)

    def application_submitted(self, household_id: str, application: str) -> bool:
        return (household_id, application) in self.applications

    def learn(self, observation: Any) -> None:
        if observation.kind == "household.registered":
            self.households[observation.household] = observation.observed_at
            self.residents.update(dict.fromkeys((m["resident"] for m in observation.data["members"]),
                                                observation.household))
        elif observation.kind == "resident.joined":
            self.residents[observation.resident] = observation.household
        elif observation.kind == "application.submitted":
            self.applications.add((observation.household, observation.data["application"]))


def rejected_by_intake(envelopes: list[dict[str, Any]], as_of: date) -> list[tuple[str, str]]:
    """(kind, reasons) of every envelope intake refuses, its size bounds included, as of `as_of`."""
    registry, now = LearningRegistry(), datetime.combine(as_of, time(0, 0), CST)
    rejected = []
    for envelope in envelopes:
        try:
            registry.learn(parse_observation(envelope, registry, now=now))
        except InvalidObservation as error:
            rejected.append((envelope["kind"], str(error)))
    return rejected


def test_every_envelope_passes_the_intake_validator(envelopes: list[dict[str, Any]]) -> None:
    assert rejected_by_intake(envelopes, AS_OF) == []


@pytest.mark.parametrize("seed, as_of", [(1, date(2024, 1, 1)), (77, date(2026, 6, 30)), (8253213, date(2030, 10, 3)),
                                         (2**31, date(2028, 2, 29))])
def test_other_seeds_and_dates_stay_inside_the_intake_bounds(seed: int, as_of: date) -> None:
    assert rejected_by_intake(generate_district(seed=seed, households=400, as_of=as_of), as_of) == []


def test_the_caps_on_drawn_amounts_are_inside_the_intake_money_bound() -> None:
    """The largest income the generator can report: the cap on the multiple, 6 people, urban standard."""
    largest_income = MOST_MULTIPLE * max(STANDARD.values()) * 6
    assert max(MOST_ASSETS, MOST_LOSS, MOST_EXPENSE, largest_income) <= limits.MAX_MONEY
