"""A synthetic district: seeded, reproducible observation envelopes for demos and benchmarks.

Assumptions (rough shapes of a Chinese county district, not statistics):
- household size 1–6, many one- and two-person elderly households; ~25% of residents
  60+, ~6% 80+ (measured on seed 2026); urban streets and rural townships mixed 60/40;
- monthly income per person log-normal, median 2.4× the dibao standard (σ 0.6), so
  ~6% of households fall below the standard and ~14% between 1× and 1.5× (measured on seed 2026);
- ~75% of households below the standard are already on dibao (so some are missed);
  enrolled households get payments for recent months (a few with gaps) and some reviews;
- ~6% of residents have a disability assessment, ~3% a serious illness; elderly people get
  living-arrangement and care reports; ~85% of 80+ get the old-age allowance;
- rare events: urgent hardship, emergencies, orphans and de-facto unsupported children,
  school dropouts, late applications.
Every resident's ID number is valid (region prefix, birth date, sex digit, check digit).
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Iterator

from stdnum.cn import ric

NAMESPACE = uuid.UUID("0d7e9a7c-3f1b-4c52-9a0e-5b6f1c2d3e4f")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
STANDARD = {"urban": 770, "rural": 630}


@dataclass
class _Writer:
    """Builds one household's envelopes with deterministic ids and times."""

    seed: int
    household: str
    registered: datetime
    informant: str
    out: list[dict[str, Any]] = field(default_factory=list)

    def emit(self, at: datetime, kind: str, data: dict[str, Any], resident: str | None = None) -> None:
        n = len(self.out)
        envelope = {
            "observation_id": str(uuid.uuid5(NAMESPACE, f"{self.seed}:{self.household}:{n}")),
            "informant": self.informant,
            "observed_at": at.isoformat(),
            "kind": kind,
            "household": self.household,
            "data": data,
        }
        if resident:
            envelope["resident"] = resident
        self.out.append(envelope)


def _id_number(rng: random.Random, county: str, born: date, sex: str) -> str:
    sequence = rng.randrange(0, 50) * 2 + (1 if sex == "M" else 0)
    body = f"{county}{born:%Y%m%d}{rng.randrange(0, 10)}{sequence:02d}"[:17]
    return body + ric.calc_check_digit(body + "0")  # the function ignores the last character


def _birth(rng: random.Random, as_of: date, age: int) -> date:
    return as_of - timedelta(days=age * 365 + rng.randrange(0, 360) + age // 4)


def _elderly_age(rng: random.Random) -> int:
    """60 to 98, most in their sixties (few are 80 or older)."""
    return int(rng.triangular(60, 99, 60))


def _ages(rng: random.Random) -> list[int]:
    """Ages of one household's members: elderly couples, families, people alone."""
    shape = rng.random()
    if shape < 0.22:
        return [_elderly_age(rng)] + ([_elderly_age(rng)] if rng.random() < 0.5 else [])
    if shape < 0.32:
        return [rng.randint(25, 59)]
    adults = [rng.randint(25, 58) for _ in range(rng.choice((1, 2, 2, 2)))]
    children = [rng.randint(0, 17) for _ in range(rng.choice((0, 1, 1, 2, 3)))]
    grandparents = [_elderly_age(rng) for _ in range(rng.choice((0, 0, 0, 1, 2)))]
    return adults + children + grandparents


def _members(rng: random.Random, hid: str, county: str, as_of: date, registered: date) -> list[dict[str, Any]]:
    members = []
    for i, age in enumerate(_ages(rng)):
        sex = rng.choice("FM")
        born = min(_birth(rng, as_of, age), registered - timedelta(days=rng.randrange(1, 200)))
        relation = "head" if i == 0 else ("child" if age < 18 else rng.choice(("spouse", "parent", "sibling")))
        member = {"resident": f"{hid}-{i + 1}", "name": rng.choice(SURNAMES) + "某" * rng.randint(1, 2),
                  "sex": sex, "birth_date": born.isoformat(), "relation": relation}
        if rng.random() < 0.9:
            member["id_number"] = _id_number(rng, county, born, sex)
        members.append(member)
    return members


def _income(rng: random.Random, hukou: str, size: int) -> float:
    per_person = STANDARD[hukou] * math.exp(rng.gauss(math.log(2.4), 0.6))
    return round(per_person * size, 2)


def iter_district(
    *, seed: int = 2026, households: int = 3000, county: str = "500103", as_of: date = date(2025, 11, 30)
) -> Iterator[dict[str, Any]]:
    """Envelopes household by household (each household's in observed_at order)."""
    rng = random.Random(seed)
    for n in range(households):
        yield from _household(rng, seed, n, county, as_of)


def generate_district(
    *, seed: int = 2026, households: int = 3000, county: str = "500103", as_of: date = date(2025, 11, 30)
) -> list[dict[str, Any]]:
    """Observation envelopes in observed_at order, ready to POST to /api/v1/observations."""
    envelopes = list(iter_district(seed=seed, households=households, county=county, as_of=as_of))
    return sorted(envelopes, key=lambda e: e["observed_at"])


def _household(rng: random.Random, seed: int, n: int, county: str, as_of: date) -> list[dict[str, Any]]:
    street, community = rng.randrange(1, 7), rng.randrange(1, 9)
    region = f"{county}{street:03d}{community:03d}"
    hukou = "urban" if street <= 4 else "rural"
    hid = f"H-{county}-{n:06d}"
    registered = datetime(as_of.year, as_of.month, as_of.day, 9, tzinfo=_CN) - timedelta(
        days=rng.randrange(30, 720), minutes=rng.randrange(0, 480)
    )
    w = _Writer(seed, hid, registered, f"grid-{region}-{rng.randrange(1, 4)}")
    members = _members(rng, hid, county, as_of, registered.date())
    w.emit(registered, "household.registered", {
        "region": region, "grid": f"{region}-{rng.randrange(1, 6):02d}", "address": f"第{street}街道第{community}社区{n}号",
        "hukou": hukou, "local_hukou": rng.random() > 0.05, "members": members})
    _economy(rng, w, hukou, len(members), as_of)
    for member in members:
        _person(rng, w, member, as_of)
    _events(rng, w, members, as_of)
    return w.out


_CN = datetime.fromisoformat("2025-01-01T00:00:00+08:00").tzinfo


def _later(rng: random.Random, w: _Writer, as_of: date, max_days: int = 60) -> datetime:
    """A time after registration and not after as_of."""
    end = datetime(as_of.year, as_of.month, as_of.day, 18, tzinfo=_CN)
    span = max(1, min(max_days, int((end - w.registered).total_seconds() // 86400)))
    return min(end, w.registered + timedelta(days=rng.randrange(0, span), minutes=rng.randrange(10, 600)))


def _economy(rng: random.Random, w: _Writer, hukou: str, size: int, as_of: date) -> None:
    income = _income(rng, hukou, size)
    at = _later(rng, w, as_of, 20)
    w.emit(at, "household.income_reported", {
        "monthly_income": income, "period": _month_before(at.date()),
        "income_type": rng.choice(("stable", "irregular")), "source": rng.choice(("declared", "verified"))})
    if rng.random() < 0.4:
        w.emit(_later(rng, w, as_of, 40), "household.assets_reported", {
            "financial_assets": round(rng.expovariate(1 / 20000), 2), "motor_vehicles": int(rng.random() < 0.15),
            "extra_properties": int(rng.random() < 0.05)})
    poor = income / size < STANDARD[hukou]
    if poor and rng.random() < 0.75:
        _enrolment(rng, w, "dibao", None, as_of, amount=round(STANDARD[hukou] * size - income, 2))


def _month_before(day: date) -> str:
    first = day.replace(day=1) - timedelta(days=1)
    return f"{first:%Y-%m}"


def _enrolment(rng: random.Random, w: _Writer, programme: str, resident: str | None, as_of: date,
               amount: float | None = None) -> None:
    at = _later(rng, w, as_of, 90)
    data: dict[str, Any] = {"programme": programme, "start": at.date().isoformat()}
    if amount is not None and amount > 0:
        data["monthly_amount"] = amount
    w.emit(at, "coverage.enrolled", data, resident)
    if rng.random() < 0.4:
        review = min(at + timedelta(days=rng.randrange(150, 400)), _end(as_of))
        w.emit(review, "coverage.reviewed", {"programme": programme, "date": review.date().isoformat(),
                                             "outcome": "continue"}, resident)
    if amount is not None and rng.random() < 0.92:
        for month in _recent_months(at.date(), as_of):
            paid_at = _end(as_of) if month >= f"{as_of:%Y-%m}" else _first_of_next(month)
            w.emit(min(paid_at, _end(as_of)), "coverage.paid", {"programme": programme, "period": month,
                                                                 "amount": amount}, resident)


def _end(as_of: date) -> datetime:
    return datetime(as_of.year, as_of.month, as_of.day, 18, tzinfo=_CN)


def _first_of_next(month: str) -> datetime:
    year, mon = map(int, month.split("-"))
    year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return datetime(year, mon, 5, 10, tzinfo=_CN)


def _recent_months(start: date, as_of: date) -> list[str]:
    """The last three complete months since the start."""
    months, day = [], as_of.replace(day=1) - timedelta(days=1)
    while len(months) < 3 and day >= start.replace(day=1):
        months.append(f"{day:%Y-%m}")
        day = day.replace(day=1) - timedelta(days=1)
    return sorted(months)


def _person(rng: random.Random, w: _Writer, member: dict[str, Any], as_of: date) -> None:
    rid, age = member["resident"], _age(member["birth_date"], as_of)
    if rng.random() < 0.06:
        w.emit(_later(rng, w, as_of), "resident.disability_assessed", {
            "category": rng.choice(("physical", "physical", "visual", "hearing", "intellectual", "mental")),
            "grade": rng.choice((1, 2, 2, 3, 3, 4, 4)), "certified": rng.random() < 0.8}, rid)
    if rng.random() < 0.03:
        at = _later(rng, w, as_of)
        w.emit(at, "resident.illness_reported", {"condition": "慢性病", "serious": rng.random() < 0.5,
                                                  "hospitalized": rng.random() < 0.3, "date": at.date().isoformat()}, rid)
    if age >= 60:
        _elderly(rng, w, rid, age, as_of)
    if 6 <= age <= 15 and rng.random() < 0.3:
        w.emit(_later(rng, w, as_of), "resident.school_status_reported", {
            "status": "dropped_out" if rng.random() < 0.02 else "enrolled", "full_time": True}, rid)
    if age < 18 and rng.random() < 0.01:
        w.emit(_later(rng, w, as_of), "resident.parent_status_reported", {
            "father": {"status": rng.choice(("dead", "imprisoned", "severely_disabled", "present"))},
            "mother": {"status": rng.choice(("dead", "missing", "present")), "since": "2023-01-01"}}, rid)


def _age(birth: str, as_of: date) -> int:
    born = date.fromisoformat(birth)
    return as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))


def _elderly(rng: random.Random, w: _Writer, rid: str, age: int, as_of: date) -> None:
    if rng.random() < 0.5:
        w.emit(_later(rng, w, as_of), "resident.living_arrangement_reported", {
            "lives_alone": rng.random() < 0.2, "empty_nest": rng.random() < 0.3, "left_behind": rng.random() < 0.1,
            "special_family": rng.random() < 0.02}, rid)
    if rng.random() < 0.2:
        w.emit(_later(rng, w, as_of), "resident.care_dependency_assessed",
               {"level": rng.choice(("independent", "independent", "partial", "full"))}, rid)
    if rng.random() < 0.3:
        w.emit(_later(rng, w, as_of), "resident.labour_capacity_assessed",
               {"capacity": rng.choice(("partial", "none"))}, rid)
    if age >= 80 and rng.random() < 0.85:
        _enrolment(rng, w, "elderly_allowance", rid, as_of)


def _events(rng: random.Random, w: _Writer, members: list[dict[str, Any]], as_of: date) -> None:
    if rng.random() < 0.01:
        w.emit(_later(rng, w, as_of), "household.hardship_reported", {
            "signal": rng.choice(("no_food", "no_heating", "no_caregiver", "medical_emergency")),
            "urgency": rng.choice(("immediate", "soon", "watch"))})
    if rng.random() < 0.01:
        at = _later(rng, w, as_of)
        w.emit(at, "household.emergency_reported", {"kind": rng.choice(("fire", "flood", "sudden_illness")),
                                                     "date": at.date().isoformat(), "loss": rng.randrange(1000, 50000)})
    if rng.random() < 0.02:
        at = _later(rng, w, as_of)
        w.emit(at, "application.submitted", {"application": f"A-{w.household}", "programme": "dibao",
                                              "date": at.date().isoformat()})
    if rng.random() < 0.3:
        w.emit(_later(rng, w, as_of, 400), "household.visited", {"purpose": "routine"})
