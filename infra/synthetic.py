"""A synthetic district: seeded, reproducible observation envelopes for `qianshao demo` and benchmarks.

Why synthetic: real assistance data is personal data; the demo and the benchmarks need a district
that *looks* real (the rule engine finds a plausible mix of alerts in it) and is identical on every
run with the same seed, so figures can be compared between runs.

Every household depends only on (seed, county, as_of, its number): a district of 200 households
is the first 200 of a district of 3,000, and `iter_district` streams any size in constant memory.
Envelopes use exactly the intake vocabulary (RULES.md § Vocabulary) and pass `parse_observation`.

Assumptions (rough shapes of a Chinese district, not statistics of any real one):

- Geography: five urban streets of five communities (居委会, codes 0xx) and three towns of six
  villages (村委会, codes 2xx) under the county; 3–4 grids per community. Urban streets are
  ~90% urban hukou, towns ~95% rural; ~93% of households have local hukou.
- Households of 1–6 people in typical shapes (elderly alone or as a couple, single adults, couples,
  nuclear families, single parents, three generations, grandparents with left-behind grandchildren,
  an elderly parent with an adult child, very rarely minors alone). ~20% of living residents are
  60 or older, ~4% 80 or older, ~18% children.
- Income: per-capita income as a multiple of the dibao standard (Chongqing from 2025-07-01:
  urban 770, rural 630 CNY a month; used whatever the county) from a two-part log-normal mixture:
  a "vulnerable" part around 1× (more likely for elderly, skip-generation, single-parent and
  severely disabled households) and a main part around 3.6–4.6×. Result: ~6–7% of households
  below the standard, ~5% between 1× and 1.5×. Every household under 1.5× and ~88% of the others
  report an income; some report twice (income fell, or rose and their dibao ended).
- Coverage: ~80% of eligible poor households are on dibao (imported from the assistance system
  with old start dates, or newly enrolled through an application), so a minority are missed;
  tekun for poor people unable to work without a capable supporter; low-income-edge status for about
  half the households between 1× and 1.5×; disability subsidies, old-age allowance (~90% of
  local 80+), the elderly visiting roster (~75% of elderly at risk), orphan / de-facto child
  allowances, return-to-poverty monitoring. Only the latest review of a coverage is sent, on time
  except for ~12% of dibao and ~5% of other coverages; payments are sent for the last three complete
  months (~4% with a gap). Some coverages end (income rose, death, a few wrongly while poor).
- People: ~6% of residents have a disability assessment (grades 1–4, the usual category mix,
  ~80% certified), ~2.5% an illness report (half serious); elderly people get living-arrangement,
  care-dependency, labour-capacity and supporter reports; school status for a third of children
  (~1.5% out of school); parent status for some grandchildren raised by grandparents, so orphans
  and de-facto unsupported children exist but are rare. Deaths (mostly 80+), people moving out,
  births and marriages happen after registration.
- Incidents: hardship reports (~1.2% of households, a third `immediate`), emergencies (~0.9%),
  rural risks (~7% of rural households), expenses (~5%), applications (some pending, a few late),
  routine and elderly-care visits (~85% of at-risk elderly visited on time).
- Time: households were registered 3–720 days before `as_of`; every observation is made after its
  household's registration and before `as_of` (the day before it, office hours, at the latest
  ~18:00 +08:00, so a demo with `as_of` = today is never "in the future"). Data dates are never after
  their observation; coverage `start` is never after the enrolment's observation.
- Money amounts other than the standards are assumed placeholders (tekun 1,001 = 1.3 × urban
  standard; disability subsidies 80–120; old-age allowance 100–500; child allowances 1,400).

Informants: grid reports come from `grid-<community>-<grid>`; coverage and application kinds
from `caseworker-<street>` (they come from caseworkers or the assistance system, not from grids).
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from operator import itemgetter
from typing import Any, Callable, Iterator

from stdnum.cn import ric

CST = timezone(timedelta(hours=8))
NAMESPACE = uuid.UUID("0d7e9a7c-3f1b-4c52-9a0e-5b6f1c2d3e4f")
STANDARD = {"urban": 770.0, "rural": 630.0}  # Chongqing dibao standard from 2025-07-01
EDGE_MULTIPLIER = 1.5
ASSET_LIMIT_MONTHS = 24
POVERTY_LINE_ANNUAL = 8050.0
TEKUN_MONTHLY = 1001.0
CHILD_ALLOWANCE = 1400.0
OFFICE_KINDS = ("coverage.", "application.")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢谭廖"
GIVEN = {"M": "伟强军杰勇涛明超刚平辉建国华志文斌波鹏林海福德成", "F": "芳娜敏静丽艳娟霞秀英玲桂兰萍燕红梅琳洁婷雪琴"}
URBAN_STREETS = ("解放碑街道", "朝天门街道", "大溪沟街道", "上清寺街道", "化龙桥街道")
TOWNS = ("青木镇", "石河镇", "白沙镇")
VILLAGES = ("高峰村", "石桥村", "新华村", "龙井村", "双河村", "桂花村")


@dataclass(frozen=True)
class Community:
    """A residents' committee (urban) or village (rural): the region code households carry."""

    code: str
    street: str
    name: str
    urban: bool
    grids: int


def district(county: str) -> tuple[Community, ...]:
    """Streets × communities under a 6-digit county code."""
    if len(county) != 6 or not county.isdigit():
        raise ValueError(f"county must be a 6-digit administrative code, not {county!r}")
    places = [(s, True, URBAN_STREETS[s - 1]) for s in range(1, 6)] + [(s, False, TOWNS[s - 6]) for s in range(6, 9)]
    out = []
    for number, urban, street_name in places:
        street = f"{county}{number:03d}"
        for c in range(1, 6 if urban else 7):
            name = f"{street_name}第{c}社区" if urban else f"{street_name}{VILLAGES[c - 1]}"
            out.append(Community(f"{street}{c if urban else 200 + c:03d}", street, name, urban, 4 if urban else 3))
    return tuple(out)


# --- the plan of one household ----------------------------------------------------------------


@dataclass
class _Person:
    """One resident and everything the generator decided about them."""

    rid: str
    name: str
    sex: str
    born: date
    relation: str
    id_number: str | None = None
    first: datetime = datetime.min.replace(tzinfo=CST)  # registered or joined: events only after
    last: datetime = datetime.max.replace(tzinfo=CST)  # events only before (death / leaving)
    joined: str | None = None  # reason, when the person joined after registration
    gone: str | None = None  # "died" / "moved_out" / "marriage"
    gone_at: datetime | None = None
    gone_on: date | None = None
    disability: tuple[str, int, bool] | None = None  # category, grade, certified
    illness: tuple[str, bool, bool] | None = None  # condition, serious, hospitalized
    capacity: str | None = None
    care: str | None = None
    living: dict[str, bool] | None = None
    supporter: bool | None = None
    school: tuple[str, bool] | None = None
    parents: dict[str, dict[str, str]] | None = None
    parent_case: str | None = None  # "orphan" / "defacto" / None
    employment: str | None = None

    def age(self, on: date) -> int:
        return on.year - self.born.year - ((on.month, on.day) < (self.born.month, self.born.day))

    def birthday(self, years: int) -> date:
        try:
            return self.born.replace(year=self.born.year + years)
        except ValueError:  # born on 29 February
            return self.born.replace(year=self.born.year + years, day=28)

    def alive_at(self, at: datetime) -> bool:
        return self.first < at < self.last

    @property
    def severe(self) -> bool:
        """Disability grade 1–2 (or intellectual/mental grade 3), or a serious illness."""
        d = self.disability
        return bool((d and (d[1] <= 2 or (d[0] in ("intellectual", "mental") and d[1] == 3)))
                    or (self.illness and self.illness[1]))


@dataclass
class _Coverage:
    programme: str
    person: _Person | None
    start: date
    enrolled_at: datetime
    terminated: bool = False


@dataclass
class _Household:
    hid: str
    community: Community
    grid: int
    hukou: str
    local: bool
    shape: str
    registered: datetime
    people: list[_Person]
    multiple: float | None = None  # per-capita income / standard, at as_of
    previous: float | None = None  # an earlier multiple, when the income changed
    income_type: str = "stable"
    assets: tuple[float, int, int] | None = None
    changed_at: datetime | None = None
    coverages: list[_Coverage] = field(default_factory=list)
    applications: int = 0

    @property
    def std(self) -> float:
        return STANDARD[self.hukou]

    def living(self) -> list[_Person]:
        """Members at as_of: not dead, not moved out."""
        return [p for p in self.people if p.gone is None]

    def on(self, programme: str, person: _Person | None = None) -> bool:
        return any(c.programme == programme and c.person is person and not c.terminated for c in self.coverages)


@dataclass(frozen=True)
class _Context:
    seed: int
    county: str
    as_of: date
    end: datetime  # the latest regular observation time
    communities: tuple[Community, ...]


# --- public interface ---------------------------------------------------------------------------


def iter_district(
    *, seed: int = 2026, households: int = 3000, county: str = "500103", as_of: date = date(2025, 11, 30)
) -> Iterator[dict[str, Any]]:
    """Envelopes household by household, each household's in observed_at order (constant memory)."""
    end = datetime.combine(as_of - timedelta(days=1), time(18, 0), CST)
    ctx = _Context(seed, county, as_of, end, district(county))
    for n in range(1, households + 1):
        yield from _household(ctx, n)


def generate_district(
    *, seed: int = 2026, households: int = 3000, county: str = "500103", as_of: date = date(2025, 11, 30)
) -> list[dict[str, Any]]:
    """Observation envelopes in observed_at order, ready to POST to /api/v1/observations."""
    envelopes = list(iter_district(seed=seed, households=households, county=county, as_of=as_of))
    envelopes.sort(key=itemgetter("observed_at"))  # stable: a household's ties keep their order
    return envelopes


def _household(ctx: _Context, n: int) -> list[dict[str, Any]]:
    rng = random.Random(f"{ctx.seed}:{ctx.county}:{ctx.as_of}:{n}")
    h = _plan(rng, ctx, n)
    log = _Log(rng, ctx, h)
    _register(log, h)
    _economy(rng, log, h)
    for person in h.people:
        _person_reports(rng, log, person)
    _support(rng, log, h)
    _incidents(rng, log, h)
    _rural_support(rng, log, h)
    _visits(rng, log, h)
    _departures(rng, log, h)
    return log.envelopes()


# --- the log: deterministic ids, times inside the household's window ---------------------------


class _Log:
    """One household's observations; sorted by time (then by emission) when turned into envelopes."""

    def __init__(self, rng: random.Random, ctx: _Context, h: _Household) -> None:
        self.rng, self.ctx, self.h = rng, ctx, h
        self.events: list[tuple[datetime, int, str, str | None, dict[str, Any]]] = []
        self.grid_informant = f"grid-{h.community.code}-{h.grid}"
        self.office = f"caseworker-{h.community.street}"

    def emit(self, at: datetime, kind: str, data: dict[str, Any], person: _Person | None = None) -> datetime:
        self.events.append((at, len(self.events), kind, person.rid if person else None, data))
        return at

    def between(self, lo: datetime, hi: datetime) -> datetime | None:
        """A time strictly after `lo`, not after `hi` nor the end; in office hours when possible."""
        hi = min(hi, self.ctx.end)
        minutes = int((hi - lo).total_seconds() // 60)
        if minutes < 1:
            return None
        at = lo + timedelta(minutes=self.rng.randint(1, minutes))
        if 8 <= at.hour < 18:
            return at
        moved = at.replace(hour=self.rng.randint(8, 17), minute=self.rng.randrange(60))
        return moved if lo < moved <= hi else at

    def soon(self, after: datetime, days: float, until: datetime | None = None) -> datetime | None:
        hi = after + timedelta(days=days)
        return self.between(after, min(hi, until) if until else hi)

    def on_day(self, day: date, after: datetime) -> datetime:
        """Office hours on `day`, or just after `after` when that is later (importing old history)."""
        at = datetime.combine(day, time(9, 0), CST) + timedelta(minutes=self.rng.randrange(480))
        return at if at > after else self.follow(after)

    def follow(self, after: datetime) -> datetime:
        """A few minutes later: the next record of one sitting (may pass the end by minutes)."""
        return after + timedelta(minutes=self.rng.randint(1, 15))

    def envelopes(self) -> list[dict[str, Any]]:
        self.events.sort(key=itemgetter(0, 1))
        prefix = f"{self.ctx.seed}:{self.ctx.as_of}:{self.h.hid}:"
        return [self._envelope(prefix, *event) for event in self.events]

    def _envelope(self, prefix: str, at: datetime, seq: int, kind: str, rid: str | None,
                  data: dict[str, Any]) -> dict[str, Any]:
        envelope: dict[str, Any] = {
            "observation_id": str(uuid.uuid5(NAMESPACE, f"{prefix}{seq}")),
            "informant": self.office if kind.startswith(OFFICE_KINDS) else self.grid_informant,
            "observed_at": at.isoformat(),
            "kind": kind,
            "household": self.h.hid,
        }
        if rid is not None:
            envelope["resident"] = rid
        envelope["data"] = data
        return envelope


# --- planning: who lives here, what they earn -----------------------------------------------------


def _plan(rng: random.Random, ctx: _Context, n: int) -> _Household:
    community = rng.choice(ctx.communities)
    hukou = ("urban" if rng.random() < 0.9 else "rural") if community.urban else ("rural" if rng.random() < 0.95 else "urban")
    days_ago = rng.randint(3, 365) if rng.random() < 0.6 else rng.randint(366, 720)
    registered = datetime.combine(ctx.as_of - timedelta(days=days_ago), time(8, 30), CST) + timedelta(
        minutes=rng.randrange(540))
    registered = min(registered, ctx.end - timedelta(days=1))
    shape, roster = _roster(rng, community.urban)
    hid = f"H-{ctx.county}-{n:06d}"
    h = _Household(hid, community, rng.randint(1, community.grids), hukou,
                   rng.random() < (0.9 if community.urban else 0.97), shape, registered, [])
    h.people = _people(rng, ctx, h, roster)
    _plan_changes(rng, ctx, h)
    for person in h.people:
        _attributes(rng, ctx.as_of, h, person)
    _plan_parents(rng, ctx, h)
    _plan_income(rng, h)
    _plan_supporters(rng, ctx.as_of, h)
    return h


def _elder(rng: random.Random) -> int:
    return min(60 + int(rng.expovariate(1 / 11.5)), 103)


def _children(rng: random.Random, parent_age: int, count: int, relation: str) -> list[tuple[int, str, str]]:
    ages = [parent_age - rng.randint(21, 38) for _ in range(count)]
    return [(age, relation, rng.choice("MF")) for age in ages if age >= 0]


def _couple(rng: random.Random, age: int) -> list[tuple[int, str, str]]:
    return [(age, "head", "M"), (max(20, age + rng.randint(-5, 3)), "spouse", "F")]


def _elders(rng: random.Random, base: int, count: int, relation: str) -> list[tuple[int, str, str]]:
    return [(max(58, base + rng.randint(-4, 6)), relation, sex) for sex in ("M", "F")[:count]]


SHAPES: dict[str, Callable[[random.Random], list[tuple[int, str, str]]]] = {
    "elderly_alone": lambda r: [(_elder(r), "head", "F" if r.random() < 0.62 else "M")],
    "elderly_couple": lambda r: _couple(r, _elder(r)),
    "single": lambda r: [(r.randint(20, 59), "head", r.choice("MF"))],
    "couple": lambda r: _couple(r, r.randint(22, 59)),
    "nuclear": lambda r: (lambda a: _couple(r, a) + _children(r, a, r.choice((1, 1, 1, 2, 2, 3)), "child"))(
        r.randint(25, 55)),
    "single_parent": lambda r: (lambda a: [(a, "head", "F" if r.random() < 0.7 else "M")]
                                + _children(r, a, r.choice((1, 1, 2)), "child"))(r.randint(25, 50)),
    "three_generations": lambda r: (lambda a: _couple(r, a) + _children(r, a, r.choice((1, 1, 2)), "child")
                                    + _elders(r, a + r.randint(24, 32), r.choice((1, 2)), "parent"))(r.randint(28, 52)),
    "skip_generation": lambda r: _elders(r, r.randint(56, 80), r.choice((1, 2, 2)), "head")[:1]
    + [(a, "spouse", "F") for a, _, _ in _elders(r, 60, r.choice((0, 1)), "spouse")]
    + [(r.randint(0, 16), "grandchild", r.choice("MF")) for _ in range(r.choice((1, 1, 2)))],
    "elder_with_child": lambda r: (lambda c: [(c, "head", r.choice("MF"))]
                                   + _elders(r, c + r.randint(24, 34), r.choice((1, 1, 2)), "parent"))(r.randint(30, 60)),
    "child_headed": lambda r: (lambda a: [(a, "head", r.choice("MF")), (r.randint(6, a - 2), "sibling", r.choice("MF"))])(
        r.randint(15, 17)),
}
SHAPE_NAMES = tuple(SHAPES)
URBAN_WEIGHTS = (12, 12, 11, 10, 28, 5, 14, 2, 6, 0.08)
RURAL_WEIGHTS = (13, 14, 6, 7, 21, 4, 18, 9, 8, 0.15)


def _roster(rng: random.Random, urban: bool) -> tuple[str, list[tuple[int, str, str]]]:
    """(shape, [(age at as_of, relation, sex)]), head first."""
    shape = rng.choices(SHAPE_NAMES, weights=URBAN_WEIGHTS if urban else RURAL_WEIGHTS)[0]
    return shape, SHAPES[shape](rng)


def _name(rng: random.Random, surname: str, sex: str) -> str:
    return surname + "".join(rng.choice(GIVEN[sex]) for _ in range(rng.choice((1, 2, 2))))


def _id_number(rng: random.Random, county: str, born: date, sex: str) -> str:
    """Valid GB 11643 number: county, birth date, order code (odd for men), check digit."""
    order = rng.randrange(500) * 2 + (1 if sex == "M" else 0)
    body = f"{county}{born:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")  # the last character is ignored


def _people(rng: random.Random, ctx: _Context, h: _Household, roster: list[tuple[int, str, str]]) -> list[_Person]:
    family = rng.choice(SURNAMES)
    people = []
    for index, (age, relation, sex) in enumerate(roster, start=1):
        born = ctx.as_of - timedelta(days=int((age + rng.random()) * 365.2425))
        born = min(born, h.registered.date() - timedelta(days=rng.randint(1, 90)))
        surname = family if relation in ("head", "child", "grandchild", "sibling") else rng.choice(SURNAMES)
        person = _Person(f"{h.hid}-{index}", _name(rng, surname, sex), sex, born, relation, first=h.registered,
                         last=ctx.end + timedelta(hours=6))
        if rng.random() < 0.93:
            person.id_number = _id_number(rng, ctx.county, born, sex)
        people.append(person)
    return people


def _plan_changes(rng: random.Random, ctx: _Context, h: _Household) -> None:
    """Births, marriages, deaths and people moving out after registration."""
    room = (ctx.end - h.registered).days
    if room > 60:
        _plan_birth(rng, ctx, h)
    for person in list(h.people):
        if room > 30 and person.joined is None:
            _plan_departure(rng, ctx, h, person)


def _plan_birth(rng: random.Random, ctx: _Context, h: _Household) -> None:
    mothers = [p for p in h.people if p.sex == "F" and 22 <= p.age(ctx.as_of) <= 40 and p.relation in ("head", "spouse")]
    if not mothers or rng.random() > 0.05:
        return
    born = h.registered.date() + timedelta(days=rng.randint(1, (ctx.end - h.registered).days - 20))
    sex = rng.choice("MF")
    baby = _Person(f"{h.hid}-{len(h.people) + 1}", _name(rng, h.people[0].name[0], sex), sex, born, "child",
                   joined="birth", last=ctx.end + timedelta(hours=6))
    baby.first = datetime.combine(born, time(9, 0), CST) + timedelta(days=rng.randint(3, 15), minutes=rng.randrange(480))
    baby.first = min(baby.first, ctx.end)
    if rng.random() < 0.5:
        baby.id_number = _id_number(rng, ctx.county, born, sex)
    h.people.append(baby)


def _plan_departure(rng: random.Random, ctx: _Context, h: _Household, person: _Person) -> None:
    age = person.age(ctx.as_of)
    death = 0.07 if age >= 80 else 0.015 if age >= 60 else 0.001
    leave = 0.03 if 18 <= age <= 40 and person.relation not in ("head",) and len(h.people) >= 3 else 0.0
    draw = rng.random()
    if draw >= death + leave:
        return
    person.gone = "died" if draw < death else rng.choice(("moved_out", "marriage"))
    day = h.registered.date() + timedelta(days=rng.randint(20, (ctx.end - h.registered).days - 3))
    person.gone_on = day
    person.last = datetime.combine(day, time(0, 0), CST)
    person.gone_at = min(datetime.combine(day, time(10, 0), CST) + timedelta(days=rng.randint(0, 12)), ctx.end)


def _attributes(rng: random.Random, as_of: date, h: _Household, p: _Person) -> None:
    """Disability, illness, capacity, care, living arrangement, school, employment."""
    age = p.age(as_of)
    _plan_disability(rng, p, age)
    if rng.random() < (0.05 if age >= 60 else 0.015):
        serious = rng.random() < 0.5
        condition = rng.choice(SERIOUS if serious else CHRONIC)
        p.illness = (condition, serious, rng.random() < (0.5 if serious else 0.15))
    if age >= 60:
        _plan_elderly(rng, h, p, age)
    elif age >= 18:
        _plan_adult(rng, p, age)
    elif 6 <= age:
        _plan_school(rng, age, p)


SERIOUS = ("恶性肿瘤", "尿毒症", "白血病", "脑卒中后遗症", "器官移植术后", "重症肌无力", "再生障碍性贫血")
CHRONIC = ("高血压", "糖尿病", "慢性支气管炎", "类风湿关节炎", "冠心病")
CATEGORIES = ("physical", "hearing", "multiple", "visual", "mental", "intellectual", "speech")
CATEGORY_WEIGHTS = (29, 24, 16, 14, 7, 7, 3)


def _plan_disability(rng: random.Random, p: _Person, age: int) -> None:
    chance = 0.17 if age >= 80 else 0.095 if age >= 60 else 0.045 if age >= 18 else 0.015
    if rng.random() < chance:
        category = rng.choices(CATEGORIES, weights=CATEGORY_WEIGHTS)[0]
        grade = rng.choices((1, 2, 3, 4), weights=(13, 22, 30, 35))[0]
        p.disability = (category, grade, rng.random() < 0.8)


def _plan_elderly(rng: random.Random, h: _Household, p: _Person, age: int) -> None:
    if rng.random() < 0.3:
        p.capacity = rng.choices(("partial", "none"), weights=(3, 7) if age >= 80 else (6, 4))[0]
    if rng.random() < 0.35 or (p.disability and p.disability[1] <= 2):
        weights = (55, 30, 15) if age >= 80 else (85, 11, 4)
        p.care = rng.choices(("independent", "partial", "full"), weights=weights)[0]
    elderly_only = all(q.age(h.registered.date()) >= 58 for q in h.people if q.joined is None)
    if rng.random() < (0.8 if elderly_only else 0.12):
        p.living = {
            "lives_alone": len([q for q in h.people if q.joined is None]) == 1,
            "empty_nest": elderly_only and rng.random() < 0.85,
            "left_behind": h.hukou == "rural" and rng.random() < (0.5 if h.shape == "skip_generation" else 0.3),
            "special_family": rng.random() < 0.015,
        }


def _plan_adult(rng: random.Random, p: _Person, age: int) -> None:
    if p.disability and p.disability[1] <= 2 and rng.random() < 0.7:
        p.capacity = "none"
    elif p.disability and rng.random() < 0.4:
        p.capacity = "partial"
    if rng.random() < 0.03:
        p.employment = rng.choice(("employed", "unemployed", "unemployed")) if age < 55 else "retired"


def _plan_school(rng: random.Random, age: int, p: _Person) -> None:
    if age <= 15 and rng.random() < 0.35:
        status = rng.choices(("enrolled", "dropped_out", "not_enrolled"), weights=(983, 12, 5))[0]
        p.school = (status, status == "enrolled")
    elif age >= 16 and rng.random() < 0.4:
        p.school = ("enrolled", True) if rng.random() < 0.75 else ("dropped_out", False)


# Parent situations: (weight, father, mother, case); "missing_long" is ≥ 6 months, "missing_new" less.
PARENT_CASES = (
    (50, "present", "present", None),
    (8, "dead", "dead", "orphan"),
    (6, "dead", "missing_long", "orphan"),
    (8, "imprisoned", "missing_long", "defacto"),
    (6, "dead", "severely_disabled", "defacto"),
    (4, "seriously_ill", "imprisoned", "defacto"),
    (12, "dead", "present", None),
    (6, "present", "missing_new", None),
)


def _plan_parents(rng: random.Random, ctx: _Context, h: _Household) -> None:
    """Parent status for grandchildren raised by grandparents, minors alone, some single parents."""
    children = [p for p in h.people if p.age(ctx.as_of) < 18 and p.joined is None]
    chance = {"skip_generation": 0.45, "child_headed": 1.0, "single_parent": 0.08}.get(h.shape, 0.0)
    if not children or rng.random() >= chance:
        return
    if h.shape == "child_headed":
        case = rng.choice([c for c in PARENT_CASES if c[3]])
    elif h.shape == "single_parent":  # the parent at home is present; the other one may not be
        case = (0, *rng.choice((("dead", "present"), ("missing_long", "present"), ("present", "present"))), None)
    else:
        case = rng.choices(PARENT_CASES, weights=[c[0] for c in PARENT_CASES])[0]
    youngest = max(p.born for p in children)
    statuses = {"father": _parent(rng, ctx, case[1], youngest, h), "mother": _parent(rng, ctx, case[2], youngest, h)}
    for child in children:
        child.parents, child.parent_case = statuses, case[3]
        if child.age(ctx.as_of) >= 16 and rng.random() < 0.7:
            child.school = ("enrolled", True)


def _parent(rng: random.Random, ctx: _Context, status: str, youngest: date, h: _Household) -> dict[str, str]:
    if status == "present":
        return {"status": "present"}
    if status == "missing_new":
        since = ctx.as_of - timedelta(days=rng.randint(40, 150))
        return {"status": "missing", "since": max(since, h.registered.date()).isoformat()}
    latest = h.registered.date() - timedelta(days=200)
    since = youngest + timedelta(days=rng.randint(0, max(0, (latest - youngest).days)))
    return {"status": "missing" if status == "missing_long" else status, "since": min(since, latest).isoformat()}


VULNERABLE = {"elderly_alone": 0.25, "elderly_couple": 0.17, "skip_generation": 0.3, "single_parent": 0.25,
              "child_headed": 1.0}


def _plan_income(rng: random.Random, h: _Household) -> None:
    """Per-capita income multiple of the standard from a vulnerable / main log-normal mixture."""
    chance = VULNERABLE.get(h.shape, 0.055) + (0.15 if any(p.severe for p in h.people) else 0.0)
    vulnerable = rng.random() < chance
    if vulnerable:
        multiple = math.exp(rng.gauss(math.log(0.95), 0.3))
    else:
        multiple = math.exp(rng.gauss(math.log(4.6 if h.hukou == "urban" else 3.6), 0.5))
    irregular = 0.6 if vulnerable else 0.5 if h.hukou == "rural" else 0.3
    h.income_type = "irregular" if rng.random() < irregular else "stable"
    if multiple >= EDGE_MULTIPLIER and rng.random() < 0.12:
        return  # never reported: unknown, and no income rule may fire
    h.multiple = multiple
    if multiple < EDGE_MULTIPLIER and rng.random() < 0.08:
        h.previous = math.exp(rng.gauss(math.log(2.5), 0.3))  # the income fell recently
    elif EDGE_MULTIPLIER <= multiple < 3 and rng.random() < 0.06:
        h.previous = math.exp(rng.gauss(math.log(0.8), 0.15))  # it rose: dibao ended
    h.assets = _plan_assets(rng, h, multiple)


def _plan_assets(rng: random.Random, h: _Household, multiple: float) -> tuple[float, int, int] | None:
    needy = multiple < EDGE_MULTIPLIER
    if rng.random() >= (0.85 if needy else 0.25):
        return None
    median = 2500.0 if needy else 40000.0
    money = round(math.exp(rng.gauss(math.log(median), 1.0)), 2)
    cars = int(rng.random() < (0.04 if needy else 0.35))
    homes = int(rng.random() < (0.02 if needy else 0.12))
    return money, cars, homes


def _plan_supporters(rng: random.Random, as_of: date, h: _Household) -> None:
    """Capable supporters matter for tekun: reported for most poor people unable to work."""
    poor = h.multiple is not None and h.multiple < 1
    alone = h.shape in ("elderly_alone", "elderly_couple")
    for p in h.people:
        if p.age(as_of) < 18:
            continue
        if poor and _no_labour(p, as_of) and rng.random() < 0.7:
            p.supporter = rng.random() >= (0.4 if alone else 0.12)
        elif p.age(as_of) >= 60 and rng.random() < 0.03:
            p.supporter = True


def _no_labour(p: _Person, on: date) -> bool:
    d = p.disability
    disabling = bool(d and ((d[0] in ("intellectual", "mental") and d[1] <= 3) or (d[0] == "physical" and d[1] <= 2)
                            or (d[0] == "visual" and d[1] == 1)))
    return p.age(on) >= 60 or p.age(on) < 16 or p.capacity == "none" or disabling


# --- emission: registration, income, people -------------------------------------------------------


def _member(p: _Person) -> dict[str, Any]:
    member = {"resident": p.rid, "name": p.name, "sex": p.sex, "birth_date": p.born.isoformat(), "relation": p.relation}
    if p.id_number:
        member["id_number"] = p.id_number
    return member


def _register(log: _Log, h: _Household) -> None:
    c = h.community
    number = int(h.hid[-4:]) % 97 + 1
    address = f"{c.name}{number}栋{number % 6 + 1}单元{number % 30 + 1}号" if c.urban else f"{c.name}{number % 9 + 1}组{number}号"
    log.emit(h.registered, "household.registered", {
        "region": c.code, "grid": f"{c.code}-{h.grid:02d}", "address": address, "hukou": h.hukou,
        "local_hukou": h.local, "members": [_member(p) for p in h.people if p.joined is None]})
    for p in h.people:
        if p.joined:
            data = {k: v for k, v in _member(p).items() if k != "resident"}
            log.emit(p.first, "resident.joined", {**data, "reason": p.joined}, p)


def _month_before(day: date) -> str:
    return f"{day.replace(day=1) - timedelta(days=1):%Y-%m}"


def _income_data(rng: random.Random, h: _Household, multiple: float, at: datetime) -> dict[str, Any]:
    members = max(1, len(h.living()))
    verified = rng.random() < 0.4
    amount = multiple * h.std * members
    return {"monthly_income": round(amount, 2) if verified else float(round(amount)), "period": _month_before(at.date()),
            "income_type": h.income_type, "source": "verified" if verified else "declared"}


def _economy(rng: random.Random, log: _Log, h: _Household) -> None:
    """Income (once, or before and after a change) and, for some, assets."""
    if h.multiple is None:
        return
    first = log.soon(h.registered, 20) or log.follow(h.registered)
    changed = log.between(first + timedelta(days=35), log.ctx.end) if h.previous is not None else None
    log.emit(first, "household.income_reported", _income_data(rng, h, h.previous if changed else h.multiple, first))
    if changed:
        h.changed_at = log.emit(changed, "household.income_reported", _income_data(rng, h, h.multiple, changed))
    else:
        h.previous = None
    if h.assets:
        money, cars, homes = h.assets
        log.emit(log.soon(first, 15) or log.follow(first), "household.assets_reported",
                 {"financial_assets": money, "motor_vehicles": cars, "extra_properties": homes})


def _person_reports(rng: random.Random, log: _Log, p: _Person) -> None:
    """Each planned fact about a person, reported while they are a member."""
    for kind, data in _facts(p):
        at = log.between(p.first, p.last)
        if at is None:
            return
        if kind == "resident.illness_reported":
            data["date"] = (at.date() - timedelta(days=rng.randint(0, 60))).isoformat() if at.date() > p.born else at.date().isoformat()
        if kind == "resident.employment_changed":
            data["date"] = at.date().isoformat()
        if kind == "resident.parent_status_reported" and not _parents_known_by(p, at):
            continue
        log.emit(at, kind, data, p)


def _parents_known_by(p: _Person, at: datetime) -> bool:
    return all(s.get("since", "") <= at.date().isoformat() for s in (p.parents or {}).values())


def _facts(p: _Person) -> list[tuple[str, dict[str, Any]]]:
    facts: list[tuple[str, dict[str, Any]]] = []
    if p.disability:
        facts.append(("resident.disability_assessed",
                      {"category": p.disability[0], "grade": p.disability[1], "certified": p.disability[2]}))
    if p.illness:
        facts.append(("resident.illness_reported",
                      {"condition": p.illness[0], "serious": p.illness[1], "hospitalized": p.illness[2]}))
    if p.capacity:
        facts.append(("resident.labour_capacity_assessed", {"capacity": p.capacity}))
    if p.care:
        facts.append(("resident.care_dependency_assessed", {"level": p.care}))
    if p.living:
        facts.append(("resident.living_arrangement_reported", dict(p.living)))
    if p.supporter is not None:
        facts.append(("resident.supporter_reported", {"has_capable_supporter": p.supporter}))
    if p.school:
        facts.append(("resident.school_status_reported", {"status": p.school[0], "full_time": p.school[1]}))
    if p.parents:
        facts.append(("resident.parent_status_reported", {k: dict(v) for k, v in p.parents.items()}))
    if p.employment:
        facts.append(("resident.employment_changed", {"status": p.employment}))
    return facts


# --- coverage: enrolment, reviews, payments, applications --------------------------------------------


def _application(log: _Log, h: _Household, programme: str, person: _Person | None, at: datetime) -> str:
    h.applications += 1
    application = f"A-{h.hid[2:]}-{h.applications}"
    log.emit(at, "application.submitted", {"application": application, "programme": programme,
                                           "date": at.date().isoformat()}, person)
    return application


def _decide(log: _Log, h: _Household, application: str, person: _Person | None, at: datetime, decision: str) -> None:
    data = {"application": application, "date": at.date().isoformat(), "decision": decision}
    if decision == "rejected":
        data["reason"] = "家庭财产或收入超过规定"
    log.emit(at, "application.decided", data, person)


def _enrolment_time(rng: random.Random, log: _Log, h: _Household, person: _Person | None, earliest: date,
                    imported: float) -> tuple[date, datetime] | None:
    """(start, observed): history imported from the assistance system, or a new case via an application."""
    first = person.first if person else h.registered
    last = person.last if person else log.ctx.end
    reg_day = first.date()
    if rng.random() < imported and earliest <= reg_day - timedelta(days=30):
        low = max(earliest, reg_day - timedelta(days=6 * 365))
        start = low + timedelta(days=rng.randint(0, (reg_day - timedelta(days=20) - low).days))
        at = log.soon(first, 3, last)
        return (start, at) if at else None
    return _new_case(rng, log, h, person, earliest, first, last)


def _new_case(rng: random.Random, log: _Log, h: _Household, person: _Person | None, earliest: date,
              first: datetime, last: datetime) -> tuple[date, datetime] | None:
    lo = max(first, datetime.combine(earliest, time(0, 0), CST))
    applied = log.between(lo, last - timedelta(days=40))
    if applied is None:
        return None
    programme = _pending_programme
    application = _application(log, h, programme[0], person, applied)
    decided = log.between(applied + timedelta(days=10), applied + timedelta(days=30))
    if decided is None:
        return None
    _decide(log, h, application, person, decided, "approved")
    return decided.date(), log.follow(decided)


_pending_programme: list[str] = ["dibao"]  # the programme _new_case applies for (set by _enrol)


def _enrol(rng: random.Random, log: _Log, h: _Household, programme: str, person: _Person | None = None, *,
           amount: float | None = None, earliest: date = date(1900, 1, 1), imported: float = 0.75) -> _Coverage | None:
    """Enrol, then keep the coverage up: its latest review and recent payments."""
    _pending_programme[0] = programme
    timing = _enrolment_time(rng, log, h, person, earliest, imported)
    if timing is None:
        return None
    start, at = timing
    data: dict[str, Any] = {"programme": programme, "start": start.isoformat()}
    if amount:
        data["monthly_amount"] = round(amount, 2)
    log.emit(at, "coverage.enrolled", data, person)
    coverage = _Coverage(programme, person, start, at)
    h.coverages.append(coverage)
    limit = person.last if person else log.ctx.end
    _review(rng, log, h, coverage, limit)
    if amount:
        _payments(rng, log, coverage, round(amount, 2), limit)
    return coverage
