"""A synthetic district: seeded, reproducible observation envelopes for `qianshao demo` and benchmarks.

Why synthetic: real assistance data is personal data; the demo and the benchmarks need a district
that *looks* real (the rule engine finds a plausible mix of alerts in it) and is identical on every
run with the same seed, so figures can be compared between runs.

Every household depends only on (seed, county, as_of, its number): a district of 200 households
is the first 200 of a district of 3,000, and `iter_district` streams any size in constant memory.
Envelopes use exactly the intake vocabulary (RULES.md § Vocabulary) and pass `parse_observation`.

Assumptions (rough shapes of a Chinese district, not statistics of any real one):

- Geography: five urban streets of five communities (居委会, codes 0xx) and three towns (codes 1xx) of six
  villages (村委会, codes 2xx) under the county, named by one table (`api.cli.demo.places`: the demo
  county is 江津区, 500116); 3–4 grids per community. Urban streets are
  ~90% urban hukou, towns ~95% rural; ~93% of households have local hukou.
- Households of 1–6 people in typical shapes (elderly alone or as a couple, single adults, couples,
  nuclear families, single parents, three generations, grandparents with left-behind grandchildren,
  an elderly parent with an adult child, very rarely minors alone). ~20% of living residents are
  60 or older, ~4% 80 or older, ~19% children.
- Income: per-capita income as a multiple of the dibao standard (Chongqing from 2025-07-01:
  urban 770, rural 630 CNY a month; used whatever the county) from a two-part log-normal mixture:
  a "vulnerable" part around 1× (more likely for elderly, skip-generation, single-parent and
  severely disabled households) and a main part around 4–4.6×. Result: ~6–7% of households
  below the standard, ~5% between 1× and 1.5×. Every household under 1.5× and ~88% of the others
  report an income; some report twice (income fell, or rose and their dibao ended).
- Coverage: ~80% of eligible poor households are on dibao (imported from the assistance system
  with old start dates, or newly enrolled through an application), so a minority are missed;
  tekun for poor people unable to work without a capable supporter; low-income-edge status for about
  half the households between 1× and 1.5×; disability subsidies, old-age allowance (~90% of
  local 80+), the elderly visiting roster (~85% of elderly at risk), orphan / de-facto child
  allowances, return-to-poverty monitoring, one-off temporary assistance after some incidents.
  Only the latest review of a coverage is sent, on time except for ~12% of dibao and ~5% of other
  coverages; payments are sent for the last three complete months (~4% with a gap, ~2% with a
  short suspension and its resumption). Some coverages end (income rose, death, a few wrongly
  while poor).
- People: ~6% of residents have a disability assessment (grades 1–4, the usual category mix,
  ~80% certified), ~2.5% an illness report (half serious); elderly people get living-arrangement,
  care-dependency, labour-capacity and supporter reports; school status for a third of children
  (~1.5% out of school); parent status for some grandchildren raised by grandparents, so orphans
  and de-facto unsupported children exist but are rare. Deaths (mostly 80+), people moving out,
  births and marriages happen after registration.
- ID numbers: ~93% of residents (half the newborns) carry a valid 18-digit number: the county as
  region prefix, the birth date, an order code odd for men, the GB 11643 check digit. For anyone
  born before the county code existed (500116 江津区: 2006) `stdnum.cn.ric.validate`'s birth-place lookup
  refuses it, as real numbers under today's codes are refused; the intake skips that lookup.
- Incidents: hardship reports (~1.2% of households, a third `immediate`), emergencies (~0.9%),
  rural risks (~7% of rural households), expenses (~5%), applications (some pending, a few late),
  routine and elderly-care visits (~92% of visited at-risk elderly seen within their interval).
- Time: households were registered 3–720 days before `as_of`; every observation is made after its
  household's registration and before `as_of` (at the latest ~18:00 +08:00 the day before, plus
  minutes for records made in one sitting), so a demo with `as_of` = today is never "in the
  future". Data dates are never after their observation; coverage `start` is never after the
  enrolment's observation; residents are referenced only while members (coverage may still be
  wound down after a death); reviews, payments and terminations follow their enrolment.
- Sizes stay well inside intake's bounds (`domain.households.intake_limits`): at most 6 people per household
  (a birth or a marriage only joins a smaller one), names of 2–3 characters, short addresses and notes,
  identifiers of about 20 characters; log-normal amounts are capped far out in their tails.
- Money amounts other than the standards are assumed placeholders (tekun 1,001 = 1.3 × urban
  standard; disability subsidies 80–120; old-age allowance 100–500; child allowances 1,400).

Informants: grid reports come from `grid-<community>-<grid>`; coverage and application kinds
from `caseworker-<street>` (they come from caseworkers or the assistance system, not from grids).
"""

from __future__ import annotations

import hashlib
import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from operator import itemgetter
from typing import Any, Callable, Iterator

from stdnum.cn import ric

from api.cli.demo import places

CST = timezone(timedelta(hours=8))
NAMESPACE = uuid.UUID("0d7e9a7c-3f1b-4c52-9a0e-5b6f1c2d3e4f")
STANDARD = {"urban": 770.0, "rural": 630.0}  # Chongqing dibao standard from 2025-07-01
EDGE_MULTIPLIER = 1.5
ASSET_LIMIT_MONTHS = 24
POVERTY_LINE_ANNUAL = 8050.0
TEKUN_MONTHLY = 1001.0
CHILD_ALLOWANCE = 1400.0
OFFICE_KINDS = ("coverage.", "application.")
# Caps on the log-normal tails (never reached in practice: each is 7 or more standard deviations
# out), so that no seed can draw an amount outside intake's bounds (domain.households.intake_limits.MAX_MONEY).
MOST_MULTIPLE = 1000.0  # per-capita income / standard: at most ~4.6 million CNY a month for 6 people
MOST_ASSETS = 50_000_000.0
MOST_LOSS = 10_000_000.0
MOST_EXPENSE = 10_000_000.0

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢谭廖"
GIVEN = {"M": "伟强军杰勇涛明超刚平辉建国华志文斌波鹏林海福德成", "F": "芳娜敏静丽艳娟霞秀英玲桂兰萍燕红梅琳洁婷雪琴"}


@dataclass(frozen=True)
class Community:
    """A residents' committee (urban) or village (rural): the region code households carry."""

    code: str
    street: str
    name: str
    urban: bool
    grids: int


def street_names(county: str) -> dict[str, str]:
    """The 9-digit code -> name of each street or town under a county (for the jurisdiction tree)."""
    return {f"{county}{street.number:03d}": street.name for street in places.streets(county)}


def district(county: str) -> tuple[Community, ...]:
    """Streets × communities under a 6-digit county code, named by the demo's one table (`places`)."""
    if len(county) != 6 or not county.isdigit():
        raise ValueError(f"county must be a 6-digit administrative code, not {county!r}")
    out = []
    for street in places.streets(county):
        code = f"{county}{street.number:03d}"
        for index, name in enumerate(street.communities):
            out.append(Community(f"{code}{street.community_number(index):03d}", code, name, street.urban,
                                 4 if street.urban else 3))
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
class _Incidents:
    """What happened to a household that later decisions depend on."""

    risk: bool = False
    emergency: bool = False
    expenses: float = 0.0


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
    incidents: _Incidents = field(default_factory=_Incidents)

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
    *, seed: int = 2026, households: int = 3000, county: str = places.DEMO_COUNTY, as_of: date = date(2025, 11, 30),
    share: tuple[int, int] = (0, 1),
) -> Iterator[dict[str, Any]]:
    """Envelopes household by household, each household's in observed_at order (constant memory).

    `share=(k, m)` yields only every m-th household from the k-th: m loaders, each with its own share,
    together load the same district (each household is seeded by its number alone)."""
    k, m = share
    end = datetime.combine(as_of - timedelta(days=1), time(18, 0), CST)
    ctx = _Context(seed, county, as_of, end, district(county))
    for n in range(1 + k, households + 1, m):
        yield from _household(ctx, n)


def generate_district(
    *, seed: int = 2026, households: int = 3000, county: str = places.DEMO_COUNTY, as_of: date = date(2025, 11, 30)
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
            "observation_id": _uuid5(f"{prefix}{seq}"),
            "informant": self.office if kind.startswith(OFFICE_KINDS) else self.grid_informant,
            "observed_at": at.isoformat(),
            "kind": kind,
            "household": self.h.hid,
        }
        if rid is not None:
            envelope["resident"] = rid
        envelope["data"] = data
        return envelope


_NAMESPACE_BYTES = NAMESPACE.bytes


def _uuid5(name: str) -> str:
    """`str(uuid.uuid5(NAMESPACE, name))` without building UUID objects (a third of the run time)."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# --- planning: who lives here, what they earn -----------------------------------------------------


def _plan(rng: random.Random, ctx: _Context, n: int) -> _Household:
    community = rng.choice(ctx.communities)
    migrant = rng.random() < (0.1 if community.urban else 0.05)  # hukou of the other kind
    hukou = "rural" if community.urban == migrant else "urban"
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


Roster = list[tuple[int, str, str]]  # (age at as_of, relation, sex), head first


def _elder(rng: random.Random) -> int:
    return min(60 + int(rng.expovariate(1 / 13)), 103)


def _children(rng: random.Random, parent_age: int, count: int, relation: str) -> Roster:
    """Children born when the parent was 21–38 (some are adults still at home)."""
    ages = [parent_age - rng.randint(21, 38) for _ in range(count)]
    return [(age, relation, rng.choice("MF")) for age in ages if age >= 0]


def _couple(rng: random.Random, age: int) -> Roster:
    return [(age, "head", "M"), (max(20, age + rng.randint(-5, 3)), "spouse", "F")]


def _elders(rng: random.Random, base: int, count: int, relation: str) -> Roster:
    return [(max(58, base + rng.randint(-4, 6)), relation, sex) for sex in ("M", "F")[:count]]


def _elderly_alone(r: random.Random) -> Roster:
    return [(_elder(r), "head", "F" if r.random() < 0.62 else "M")]  # widows outlive widowers


def _nuclear(r: random.Random) -> Roster:
    age = r.randint(25, 55)
    return _couple(r, age) + _children(r, age, r.choice((1, 1, 1, 2, 2, 3)), "child")


def _single_parent(r: random.Random) -> Roster:
    age = r.randint(25, 50)
    return [(age, "head", "F" if r.random() < 0.7 else "M")] + _children(r, age, r.choice((1, 1, 2)), "child")


def _three_generations(r: random.Random) -> Roster:
    age = r.randint(28, 52)
    return (_couple(r, age) + _children(r, age, r.choice((1, 1, 2)), "child")
            + _elders(r, age + r.randint(24, 32), r.choice((1, 1, 2)), "parent"))


def _skip_generation(r: random.Random) -> Roster:
    """Grandparents raising grandchildren whose parents work away (or are gone)."""
    base = r.randint(58, 78)
    if r.random() < 0.35:  # one grandparent, more often the grandmother
        grandparents = [(max(58, base + r.randint(-4, 6)), "head", "F" if r.random() < 0.65 else "M")]
    else:
        grandparents = [(age, "spouse" if sex == "F" else "head", sex) for age, _, sex in _elders(r, base, 2, "")]
    return grandparents + [(r.randint(0, 16), "grandchild", r.choice("MF")) for _ in range(r.choice((1, 1, 2)))]


def _elder_with_child(r: random.Random) -> Roster:
    age = r.randint(30, 60)
    return [(age, "head", r.choice("MF"))] + _elders(r, age + r.randint(24, 34), r.choice((1, 1, 2)), "parent")


def _child_headed(r: random.Random) -> Roster:
    """Minors on their own: very rare, the case NEED.CHILD_WITHOUT_CARER exists for."""
    age = r.randint(15, 17)
    return [(age, "head", r.choice("MF")), (r.randint(6, age - 2), "sibling", r.choice("MF"))]


SHAPES: dict[str, Callable[[random.Random], Roster]] = {
    "elderly_alone": _elderly_alone,
    "elderly_couple": lambda r: _couple(r, _elder(r)),
    "single": lambda r: [(r.randint(20, 59), "head", r.choice("MF"))],
    "couple": lambda r: _couple(r, r.randint(22, 59)),
    "nuclear": _nuclear,
    "single_parent": _single_parent,
    "three_generations": _three_generations,
    "skip_generation": _skip_generation,
    "elder_with_child": _elder_with_child,
    "child_headed": _child_headed,
}
SHAPE_NAMES = tuple(SHAPES)
URBAN_WEIGHTS = (9, 8, 13, 11, 32, 5, 12, 2, 5, 0.08)
RURAL_WEIGHTS = (10, 10, 8, 8, 25, 4, 15, 8, 6, 0.15)


def _roster(rng: random.Random, urban: bool) -> tuple[str, Roster]:
    """A household shape (towns have more elderly and skip-generation households) and its people."""
    shape = rng.choices(SHAPE_NAMES, weights=URBAN_WEIGHTS if urban else RURAL_WEIGHTS)[0]
    return shape, SHAPES[shape](rng)


def _name(rng: random.Random, surname: str, sex: str) -> str:
    return surname + "".join(rng.choice(GIVEN[sex]) for _ in range(rng.choice((1, 2, 2))))


def _id_number(rng: random.Random, county: str, born: date, sex: str) -> str:
    """Valid GB 11643 number: county, birth date, order code (odd for men), check digit."""
    order = rng.randrange(500) * 2 + (1 if sex == "M" else 0)
    body = f"{county}{born:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")  # the last character is ignored


def _people(rng: random.Random, ctx: _Context, h: _Household, roster: Roster) -> list[_Person]:
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
        _plan_marriage(rng, ctx, h)
    for person in list(h.people):
        if room > 30 and person.joined is None:
            _plan_departure(rng, ctx, h, person)


def _plan_birth(rng: random.Random, ctx: _Context, h: _Household) -> None:
    mothers = [p for p in h.people
               if p.sex == "F" and 22 <= p.age(ctx.as_of) <= 40 and p.relation in ("head", "spouse")]
    if not mothers or len(h.people) >= 6 or rng.random() > 0.05:
        return
    born = h.registered.date() + timedelta(days=rng.randint(1, (ctx.end - h.registered).days - 20))
    sex = rng.choice("MF")
    baby = _Person(f"{h.hid}-{len(h.people) + 1}", _name(rng, h.people[0].name[0], sex), sex, born, "child",
                   joined="birth", last=ctx.end + timedelta(hours=6))
    registered_after = timedelta(days=rng.randint(3, 15), minutes=rng.randrange(480))
    baby.first = min(datetime.combine(born, time(9, 0), CST) + registered_after, ctx.end)
    if rng.random() < 0.5:
        baby.id_number = _id_number(rng, ctx.county, born, sex)
    h.people.append(baby)


def _plan_marriage(rng: random.Random, ctx: _Context, h: _Household) -> None:
    """A single man marries and his wife moves in (rare)."""
    head = h.people[0]
    if h.shape != "single" or head.sex != "M" or not 22 <= head.age(ctx.as_of) <= 38 or rng.random() > 0.04:
        return
    age = max(20, head.age(ctx.as_of) + rng.randint(-5, 2))
    born = ctx.as_of - timedelta(days=int((age + rng.random()) * 365.2425))
    wife = _Person(f"{h.hid}-{len(h.people) + 1}", _name(rng, rng.choice(SURNAMES), "F"), "F", born, "spouse",
                   joined="marriage", last=ctx.end + timedelta(hours=6))
    days = rng.randint(20, (ctx.end - h.registered).days - 5)
    wife.first = h.registered + timedelta(days=days, minutes=rng.randrange(60))
    wife.id_number = _id_number(rng, ctx.county, born, "F")
    h.people.append(wife)


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
    chance = 0.19 if age >= 80 else 0.105 if age >= 60 else 0.05 if age >= 18 else 0.017
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
    chance = {"skip_generation": 0.3, "child_headed": 1.0, "single_parent": 0.06}.get(h.shape, 0.0)
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


VULNERABLE = {"elderly_alone": 0.21, "elderly_couple": 0.14, "skip_generation": 0.26, "single_parent": 0.22,
              "child_headed": 1.0}


def _plan_income(rng: random.Random, h: _Household) -> None:
    """Per-capita income multiple of the standard from a vulnerable / main log-normal mixture."""
    chance = VULNERABLE.get(h.shape, 0.045) + (0.12 if any(p.severe for p in h.people) else 0.0)
    vulnerable = rng.random() < chance
    if vulnerable:
        multiple = _lognormal(rng, 0.9, 0.28, MOST_MULTIPLE)
    else:
        multiple = _lognormal(rng, 4.6 if h.hukou == "urban" else 4.0, 0.5, MOST_MULTIPLE)
    irregular = 0.6 if vulnerable else 0.5 if h.hukou == "rural" else 0.3
    h.income_type = "irregular" if rng.random() < irregular else "stable"
    if multiple >= EDGE_MULTIPLIER and rng.random() < 0.12:
        return  # never reported: unknown, and no income rule may fire
    h.multiple = multiple
    if multiple < EDGE_MULTIPLIER and rng.random() < 0.08:
        h.previous = _lognormal(rng, 2.5, 0.3, MOST_MULTIPLE)  # the income fell recently
    elif EDGE_MULTIPLIER <= multiple < 3 and rng.random() < 0.06:
        h.previous = _lognormal(rng, 0.8, 0.15, MOST_MULTIPLE)  # it rose: dibao ended
    h.assets = _plan_assets(rng, h, multiple)


def _lognormal(rng: random.Random, median: float, sigma: float, most: float) -> float:
    """A log-normal draw around `median`, capped at `most` (the cap draws no extra randomness)."""
    return min(math.exp(rng.gauss(math.log(median), sigma)), most)


def _plan_assets(rng: random.Random, h: _Household, multiple: float) -> tuple[float, int, int] | None:
    needy = multiple < EDGE_MULTIPLIER
    if rng.random() >= (0.85 if needy else 0.25):
        return None
    median = 2500.0 if needy else 40000.0
    money = round(_lognormal(rng, median, 1.0, MOST_ASSETS), 2)
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
    member = {"resident": p.rid, "name": p.name, "sex": p.sex, "birth_date": p.born.isoformat(),
              "relation": p.relation}
    if p.id_number:
        member["id_number"] = p.id_number
    return member


def _register(log: _Log, h: _Household) -> None:
    c = h.community
    number = int(h.hid[-4:]) % 97 + 1
    if c.urban:
        address = f"{c.name}{number}栋{number % 6 + 1}单元{number % 30 + 1}号"
    else:
        address = f"{c.name}{number % 9 + 1}组{number}号"
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
    return {"monthly_income": round(amount, 2) if verified else float(round(amount)),  # declared: whole yuan
            "period": _month_before(at.date()), "income_type": h.income_type,
            "source": "verified" if verified else "declared"}


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
        at = log.between(_known_from(p, kind), p.last)
        if at is None:
            continue
        if kind == "resident.illness_reported":
            data["date"] = max(p.born, at.date() - timedelta(days=rng.randint(0, 60))).isoformat()
        elif kind == "resident.employment_changed":
            data["date"] = at.date().isoformat()
        log.emit(at, kind, data, p)


def _known_from(p: _Person, kind: str) -> datetime:
    """Reports follow registration; a parent's status is reported only after its `since`."""
    if kind != "resident.parent_status_reported" or not p.parents:
        return p.first
    since = max((s["since"] for s in p.parents.values() if "since" in s), default=None)
    return max(p.first, datetime.combine(date.fromisoformat(since), time(0, 0), CST)) if since else p.first


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


def _enrolment_time(rng: random.Random, log: _Log, h: _Household, programme: str, person: _Person | None,
                    earliest: date, imported: float, after: datetime | None) -> tuple[date, datetime] | None:
    """(start, observed): history imported from the assistance system, or a new case via an application."""
    first = person.first if person else h.registered
    last = person.last if person else log.ctx.end
    reg_day = first.date()
    if after is None and rng.random() < imported and earliest <= reg_day - timedelta(days=30):
        low = max(earliest, reg_day - timedelta(days=6 * 365))
        start = low + timedelta(days=rng.randint(0, (reg_day - timedelta(days=20) - low).days))
        at = log.soon(first, 3, last)
        return (start, at) if at else None
    lo = max(first, after or first, datetime.combine(earliest, time(0, 0), CST))
    return _new_case(log, h, programme, person, lo, last)


def _new_case(log: _Log, h: _Household, programme: str, person: _Person | None, lo: datetime,
              last: datetime) -> tuple[date, datetime] | None:
    """Applied, approved 10–30 days later, enrolled from the decision; None while still pending."""
    applied = log.between(lo, last - timedelta(days=40))
    if applied is None:
        return None
    application = _application(log, h, programme, person, applied)
    decided = log.between(applied + timedelta(days=10), applied + timedelta(days=30))
    if decided is None:
        return None
    _decide(log, h, application, person, decided, "approved")
    return decided.date(), log.follow(decided)


def _enrol(rng: random.Random, log: _Log, h: _Household, programme: str, person: _Person | None = None, *,
           amount: float | None = None, earliest: date = date(1900, 1, 1), imported: float = 0.75,
           after: datetime | None = None) -> _Coverage | None:
    """Enrol, then keep the coverage up to date: its latest review and its recent payments."""
    timing = _enrolment_time(rng, log, h, programme, person, earliest, imported, after)
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


def _interval_months(h: _Household, programme: str) -> int:
    """RULES.md review intervals: dibao by the latest income type (stable when unreported), else 12."""
    if programme == "dibao" and h.multiple is not None and h.income_type == "irregular":
        return 6
    return 12


def _review(rng: random.Random, log: _Log, h: _Household, c: _Coverage, limit: datetime) -> None:
    """Only the latest review: inside the interval, or (for a few) overdue or missing."""
    months, as_of = _interval_months(h, c.programme), log.ctx.as_of
    window = months * 30 - 10
    if c.start > as_of - timedelta(days=window):
        return  # too young to need one
    if rng.random() < (0.12 if c.programme == "dibao" else 0.05):
        if rng.random() < 0.5:
            return  # never reviewed
        day = as_of - timedelta(days=rng.randint(months * 30 + 20, months * 30 + 240))
        if day <= c.start:
            return
    else:
        day = as_of - timedelta(days=rng.randint(10, window))
    at = log.on_day(day, c.enrolled_at)
    if at <= limit:
        log.emit(at, "coverage.reviewed", {"programme": c.programme, "date": day.isoformat(), "outcome": "continue"},
                 c.person)


def _complete_months(as_of: date, count: int) -> list[str]:
    """The `count` complete calendar months before the month of `as_of`, oldest first."""
    months, day = [], as_of.replace(day=1)
    for _ in range(count):
        day = (day - timedelta(days=1)).replace(day=1)
        months.append(f"{day:%Y-%m}")
    return months[::-1]


def _payments(rng: random.Random, log: _Log, c: _Coverage, amount: float, limit: datetime) -> None:
    """The last three complete months (from the start), paid early in the next month; a few gaps."""
    months = [m for m in _complete_months(log.ctx.as_of, 3) if m >= f"{c.start:%Y-%m}"]
    if len(months) == 3 and rng.random() < 0.04:
        months = months[:1]  # the last two months unpaid
    elif len(months) == 3 and rng.random() < 0.02:
        _suspend_and_resume(log, c, months[0], limit)
    for month in months:
        year, mon = int(month[:4]), int(month[5:])
        pay_day = date(year + mon // 12, mon % 12 + 1, rng.randint(3, 15))
        at = log.on_day(pay_day, c.enrolled_at)
        if pay_day > log.ctx.end.date() or at > limit:
            return
        log.emit(at, "coverage.paid", {"programme": c.programme, "period": month, "amount": amount}, c.person)


def _suspend_and_resume(log: _Log, c: _Coverage, month: str, limit: datetime) -> None:
    """A short suspension while something is checked: from the 20th of `month` (or the enrolment, when that
    came later in the month: nothing is suspended before it starts) to the 1st of the next."""
    year, mon = int(month[:4]), int(month[5:])
    suspended, resumed = max(date(year, mon, 20), c.start), date(year + mon // 12, mon % 12 + 1, 1)
    for day, kind, data in ((suspended, "coverage.suspended", {"reason": "待核查"}), (resumed, "coverage.resumed", {})):
        at = log.on_day(day, c.enrolled_at)
        if day > log.ctx.end.date() or at > limit:
            return
        log.emit(at, kind, {"programme": c.programme, "date": day.isoformat(), **data}, c.person)


def _terminate(log: _Log, c: _Coverage, at: datetime, reason: str, grace_until: date | None = None) -> None:
    data: dict[str, Any] = {"programme": c.programme, "date": at.date().isoformat(), "reason": reason}
    if grace_until:
        data["grace_until"] = grace_until.isoformat()
    log.emit(at, "coverage.terminated", data, c.person)
    c.terminated = True


# --- who gets what ------------------------------------------------------------------------------------


def _assets_ok(h: _Household) -> bool:
    if h.assets is None:
        return True
    money, cars, homes = h.assets
    return money <= ASSET_LIMIT_MONTHS * h.std * max(1, len(h.living())) and cars == 0 and homes == 0


def _support(rng: random.Random, log: _Log, h: _Household) -> None:
    _tekun(rng, log, h)
    _dibao(rng, log, h)
    for person in h.people:
        _personal_support(rng, log, h, person)


def _tekun(rng: random.Random, log: _Log, h: _Household) -> None:
    """Poor people unable to work, without a capable supporter: most are on tekun."""
    if h.multiple is None or h.multiple >= 1:
        return
    as_of = log.ctx.as_of
    for p in h.people:
        if p.age(as_of) >= 18 and p.supporter is False and _no_labour(p, as_of) and rng.random() < 0.8:
            earliest = p.birthday(60) if p.age(as_of) >= 60 else p.birthday(18)
            _enrol(rng, log, h, "tekun", p, amount=TEKUN_MONTHLY, earliest=earliest, after=h.changed_at)


def _dibao(rng: random.Random, log: _Log, h: _Household) -> None:
    """Dibao for most poor households, single-member dibao or edge status near the line, some exits."""
    m, living = h.multiple, h.living()
    if m is None or not living:
        return
    if h.previous is not None and m >= EDGE_MULTIPLIER:
        _ended_dibao(rng, log, h, "income_above_standard", grace=0.4)  # recovered
        return
    if m >= EDGE_MULTIPLIER:
        return
    size = len(living)
    if m < 1:
        if all(h.on("tekun", p) for p in living):
            return
        amount = max(round(h.std * size * (1 - m)), 30 * size)
        if rng.random() < (0.82 if _assets_ok(h) else 0.05) and _enrol(
                rng, log, h, "dibao", amount=amount, after=h.changed_at):
            return
        _missed(rng, log, h)
        return
    severe, after = [p for p in living if p.severe], h.changed_at  # newly poor: only new cases
    if severe and rng.random() < 0.65:
        _enrol(rng, log, h, "dibao", severe[0], amount=h.std, earliest=severe[0].born + timedelta(days=30),
               after=after)  # 单人保: the severely disabled or ill member alone
    elif rng.random() < 0.08:
        _enrol(rng, log, h, "dibao", amount=30 * size, after=after)
    elif _assets_ok(h) and rng.random() < 0.6:
        _enrol(rng, log, h, "low_income_edge", after=after)
    elif rng.random() < 0.08:
        _ended_dibao(rng, log, h, rng.choice(("income_above_standard", "other")), grace=0.0)


def _missed(rng: random.Random, log: _Log, h: _Household) -> None:
    """A poor household not on dibao: a few were dropped, some applied (pending, late or rejected)."""
    draw = rng.random()
    if draw < 0.08:
        _ended_dibao(rng, log, h, rng.choice(("income_above_standard", "other")), grace=0.0)
        return
    if draw > 0.45:
        return
    lo, end = h.changed_at or h.registered, log.ctx.end
    kind = rng.random()
    if kind < 0.45:
        at = log.between(max(lo, end - timedelta(days=25)), end)  # recent, still within the limit
    else:
        at = log.between(lo, end - timedelta(days=60))  # old: decided, or late
    if at is None:
        return
    application = _application(log, h, "dibao", None, at)
    if kind >= 0.7:
        decided = log.soon(at + timedelta(days=10), 20)
        if decided:
            _decide(log, h, application, None, decided, "rejected")


def _ended_dibao(rng: random.Random, log: _Log, h: _Household, reason: str, grace: float) -> None:
    """Old dibao ended: after the income rose (maybe with a grace period), or wrongly while still poor."""
    start = h.registered.date() - timedelta(days=rng.randint(200, 1500))
    enrolled = log.soon(h.registered, 3) or log.follow(h.registered)
    size = max(1, len(h.living()))
    log.emit(enrolled, "coverage.enrolled", {"programme": "dibao", "start": start.isoformat(),
                                             "monthly_amount": float(round(h.std * size * 0.3))})
    coverage = _Coverage("dibao", None, start, enrolled)
    h.coverages.append(coverage)
    when = log.between(max(enrolled, h.changed_at or enrolled), log.ctx.end) or log.follow(enrolled)
    grace_until = when.date() + timedelta(days=rng.randint(90, 180)) if rng.random() < grace else None
    _terminate(log, coverage, when, reason, grace_until)


def _allowance(age: int) -> float:
    return 500.0 if age >= 100 else 200.0 if age >= 90 else 100.0


def _at_risk(p: _Person) -> bool:
    """The elderly-visiting risk condition (RULES.md NEED.ELDERLY_NOT_ON_ROSTER), as planned."""
    severe = bool(p.disability and p.disability[1] <= 2)
    return any((p.living or {}).values()) or p.care in ("partial", "full") or severe


def _high_risk(p: _Person, as_of: date) -> bool:
    return (p.age(as_of) >= 80 and bool((p.living or {}).get("lives_alone"))) or p.care == "full"


def _personal_support(rng: random.Random, log: _Log, h: _Household, p: _Person) -> None:
    age, d = p.age(log.ctx.as_of), p.disability
    infancy = p.born + timedelta(days=30)
    if d and d[2] and d[1] <= 2 and rng.random() < 0.85:
        _enrol(rng, log, h, "disability_care_subsidy", p, amount=120.0 if d[1] == 1 else 90.0, earliest=infancy)
    if d and d[2] and (h.on("dibao") or h.on("dibao", p)) and rng.random() < 0.85:
        _enrol(rng, log, h, "disability_living_subsidy", p, amount=80.0, earliest=infancy)
    if age >= 80 and h.local and rng.random() < 0.9:
        _enrol(rng, log, h, "elderly_allowance", p, amount=_allowance(age), earliest=p.birthday(80))
    if age >= 60 and _at_risk(p) and rng.random() < 0.85:
        _enrol(rng, log, h, "elderly_visiting", p, earliest=p.birthday(60))
    if p.parent_case == "orphan" and rng.random() < 0.75:
        _enrol(rng, log, h, "orphan_allowance", p, amount=CHILD_ALLOWANCE, earliest=infancy, imported=0.7)
    elif p.parent_case == "defacto" and rng.random() < 0.65:
        _enrol(rng, log, h, "defacto_child_allowance", p, amount=CHILD_ALLOWANCE, earliest=infancy, imported=0.7)


# --- incidents: hardship, emergencies, risks, expenses -------------------------------------------------

HARDSHIP_NOTES = {"no_food": "家中断粮", "no_heating": "冬季无取暖", "unsafe_housing": "房屋开裂漏雨",
                  "no_caregiver": "老人卧床无人照料", "medical_emergency": "急病无钱就医", "other": "生活困难"}
EMERGENCY_WEIGHTS = {"fire": 20, "flood": 8, "explosion": 1, "traffic_accident": 15, "drowning": 2, "injury": 12,
                     "sudden_illness": 22, "breadwinner_lost": 8, "disaster": 7, "other": 5}
RURAL_RISKS = ("unsafe_housing", "no_safe_water", "serious_illness", "schooling_cost", "disaster", "accident")
PROPERTY_LOSS = ("fire", "flood", "explosion", "disaster", "traffic_accident")
PERSONAL = ("traffic_accident", "drowning", "injury", "sudden_illness", "breadwinner_lost")


def _incidents(rng: random.Random, log: _Log, h: _Household) -> None:
    seen = h.incidents
    if rng.random() < 0.012:
        _hardship(rng, log, h)
    if rng.random() < 0.009:
        seen.emergency = _emergency(rng, log, h)
    if h.hukou == "rural" and rng.random() < 0.07:
        seen.risk = _rural_risk(rng, log, h)
    if rng.random() < 0.05:
        seen.expenses = _expenses(rng, log, h)


def _member_at(rng: random.Random, h: _Household, at: datetime) -> _Person | None:
    present = [p for p in h.people if p.alive_at(at)]
    return rng.choice(present) if present else None


def _hardship(rng: random.Random, log: _Log, h: _Household) -> None:
    end = log.ctx.end
    at = log.between(max(h.registered, end - timedelta(days=150)), end)
    if at is None:
        return
    signal = rng.choice(tuple(HARDSHIP_NOTES))
    urgency = rng.choices(("immediate", "soon", "watch"), weights=(35, 40, 25))[0]
    data: dict[str, Any] = {"signal": signal, "urgency": urgency}
    person = _member_at(rng, h, at)
    if person and rng.random() < 0.5:
        data["resident"] = person.rid
    if rng.random() < 0.4:
        data["note"] = HARDSHIP_NOTES[signal]
    log.emit(at, "household.hardship_reported", data)
    if rng.random() < {"immediate": 0.65, "soon": 0.3, "watch": 0.05}[urgency]:
        _temporary_assistance(rng, log, h, at)


def _emergency(rng: random.Random, log: _Log, h: _Household) -> bool:
    end = log.ctx.end
    at = log.between(max(h.registered, end - timedelta(days=120)), end)
    if at is None:
        return False
    kind = rng.choices(tuple(EMERGENCY_WEIGHTS), weights=tuple(EMERGENCY_WEIGHTS.values()))[0]
    day = max(at.date() - timedelta(days=rng.randint(0, 3)), h.registered.date())
    data: dict[str, Any] = {"kind": kind, "date": day.isoformat()}
    if kind in PROPERTY_LOSS:
        data["loss"] = float(round(_lognormal(rng, 15000, 0.8, MOST_LOSS), -2))
    person = _member_at(rng, h, at)
    if person and kind in PERSONAL:
        data["resident"] = person.rid
    log.emit(at, "household.emergency_reported", data)
    if rng.random() < 0.6:
        _temporary_assistance(rng, log, h, at)
    return True


def _temporary_assistance(rng: random.Random, log: _Log, h: _Household, after: datetime) -> None:
    """Applied within days; most approved, paid once and closed (a one-off grant)."""
    applied = log.soon(after, 3)
    if applied is None:
        return
    application = _application(log, h, "temporary_assistance", None, applied)
    decided = log.soon(applied, 12) if rng.random() < 0.75 else None
    if decided is None:
        return
    _decide(log, h, application, None, decided, "approved")
    enrolled = log.emit(log.follow(decided), "coverage.enrolled",
                        {"programme": "temporary_assistance", "start": decided.date().isoformat()})
    grant = float(rng.choice((1000, 2000, 3000, 5000)))
    paid = log.emit(log.follow(enrolled), "coverage.paid",
                    {"programme": "temporary_assistance", "period": f"{decided:%Y-%m}", "amount": grant})
    coverage = _Coverage("temporary_assistance", None, decided.date(), enrolled)
    h.coverages.append(coverage)
    _terminate(log, coverage, log.follow(paid), "other")


def _rural_risk(rng: random.Random, log: _Log, h: _Household) -> bool:
    end = log.ctx.end
    at = log.between(max(h.registered, end - timedelta(days=330)), end)
    if at is None:
        return False
    risk = rng.choice(RURAL_RISKS)
    day = max(at.date() - timedelta(days=rng.randint(0, 20)), h.registered.date())
    log.emit(at, "household.rural_risk_reported", {"risk": risk, "date": day.isoformat()})
    return True


def _expenses(rng: random.Random, log: _Log, h: _Household) -> float:
    total, end = 0.0, log.ctx.end
    for _ in range(rng.choice((1, 1, 2, 3))):
        at = log.between(max(h.registered, end - timedelta(days=300)), end)
        if at is None:
            break
        kind = rng.choices(("medical", "education", "rehabilitation"), weights=(70, 20, 10))[0]
        amount = round(_lognormal(rng, 6000, 0.9, MOST_EXPENSE), 2)
        day = at.date() - timedelta(days=rng.randint(0, 30))
        log.emit(at, "household.expense_reported", {"kind": kind, "amount": amount, "date": day.isoformat()})
        total += amount
    return total


def _rural_support(rng: random.Random, log: _Log, h: _Household) -> None:
    """Return-to-poverty monitoring for low-income rural households at risk; rigid-expenditure status."""
    seen = h.incidents
    if h.multiple is None:
        return
    income = h.multiple * h.std * max(1, len(h.living()))
    covered = any(h.on(p) for p in ("dibao", "tekun", "low_income_edge"))
    if seen.expenses > 0.6 * 12 * income and not covered and rng.random() < 0.35:
        _enrol(rng, log, h, "rigid_expenditure", imported=0.3)
    if h.hukou != "rural":
        return
    low = h.multiple * h.std * 12 < POVERTY_LINE_ANNUAL
    if (low and seen.risk) or seen.emergency:
        if rng.random() < (0.6 if low and seen.risk else 0.3):
            _enrol(rng, log, h, "poverty_monitoring", imported=0.5)
        elif rng.random() < 0.2:
            at = log.between(max(h.registered, log.ctx.end - timedelta(days=30)), log.ctx.end)
            if at:
                _application(log, h, "poverty_monitoring", None, at)


# --- visits and departures ---------------------------------------------------------------------------


def _visits(rng: random.Random, log: _Log, h: _Household) -> None:
    if rng.random() < 0.25:
        for _ in range(rng.choice((1, 1, 2))):
            _routine_visit(rng, log, h)
    as_of = log.ctx.as_of
    risky = [p for p in h.people if p.age(as_of) >= 60 and _at_risk(p) and p.gone is None]
    if risky and (any(h.on("elderly_visiting", p) for p in risky) or rng.random() < 0.8):
        _care_visits(rng, log, h, risky)


def _routine_visit(rng: random.Random, log: _Log, h: _Household) -> None:
    at = log.between(h.registered, log.ctx.end)
    if at is None:
        return
    data: dict[str, Any] = {"purpose": rng.choice(("routine", "routine", "verification"))}
    present = [p.rid for p in h.people if p.alive_at(at)]
    if present and rng.random() < 0.5:
        data["residents_seen"] = rng.sample(present, rng.randint(1, len(present)))
    if rng.random() < 0.2:
        data["note"] = "入户走访，了解家庭近况"
    log.emit(at, "household.visited", data)


def _care_visits(rng: random.Random, log: _Log, h: _Household, risky: list[_Person]) -> None:
    """Elderly-care visits: the last one inside the interval (7 days for the highest risk, else 30) for most."""
    interval = 7 if any(_high_risk(p, log.ctx.as_of) for p in risky) else 30
    end = log.ctx.end
    if rng.random() < 0.92:
        at = log.between(max(h.registered, end - timedelta(days=interval - 1)), end)
    else:
        at = log.between(max(h.registered, end - timedelta(days=interval + 60)), end - timedelta(days=interval + 1))
    if at is None:
        return
    earlier = log.between(max(h.registered, at - timedelta(days=2 * interval)), at - timedelta(days=1))
    for when in (earlier, at) if earlier and rng.random() < 0.5 else (at,):
        seen = [p.rid for p in risky if p.alive_at(when)]
        log.emit(when, "household.visited", {"purpose": "elderly_care", **({"residents_seen": seen} if seen else {})})


def _departures(rng: random.Random, log: _Log, h: _Household) -> None:
    """Deaths and people moving out, then what follows: coverage ended, the household re-checked."""
    for p in h.people:
        if p.gone is None or p.gone_at is None or p.gone_on is None:
            continue
        if p.gone == "died":
            log.emit(p.gone_at, "resident.died", {"date": p.gone_on.isoformat()}, p)
        else:
            log.emit(p.gone_at, "resident.left", {"reason": p.gone, "date": p.gone_on.isoformat()}, p)
        _wind_down(rng, log, h, p)


def _wind_down(rng: random.Random, log: _Log, h: _Household, p: _Person) -> None:
    """End the leaver's own coverage; after a death, re-assess (or end) the household's dibao.

    Only coverages held at the departure are wound down: `h.coverages` is what the household holds
    at as_of, and a dibao granted after the death (applied for by the survivors) never counted the
    deceased, so reviewing it "for the death" would date a review before its start and send it
    before its enrolment. A follow-up also comes after the enrolment was recorded.
    """
    assert p.gone_at is not None and p.gone_on is not None
    gone_on, gone_at = p.gone_on, p.gone_at
    reason = "died" if p.gone == "died" else "moved_away"
    for c in h.coverages:
        if c.person is p and not c.terminated and c.start <= gone_on and rng.random() < 0.85:
            after = max(gone_at, c.enrolled_at)
            _terminate(log, c, log.soon(after, 45) or log.follow(after), reason)
    if p.gone != "died":
        return
    for c in h.coverages:
        if c.person is None and c.programme == "dibao" and not c.terminated and c.start <= gone_on:
            after = max(gone_at, c.enrolled_at)
            when = log.soon(after, 30) or log.follow(after)
            if not h.living():
                _terminate(log, c, when, "died")
            elif rng.random() < 0.75:
                log.emit(when, "coverage.reviewed", {"programme": "dibao", "date": when.date().isoformat(),
                                                     "outcome": "adjust"})
