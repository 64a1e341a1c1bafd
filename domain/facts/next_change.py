"""When a household's judgement could next change with no new observation (issue 16: due-only ticks).

Derived facts depend on the date judged only through a known set of time conditions (RULES.md and
`domain/facts/*`). Each is listed below as the dates on which it can flip; the earliest of them after
the date judged is the household's next change. Why dates and not facts: a date is cheap to keep per
household, and a tick then re-judges only the households whose date has come.

Every boundary is widened to the day before and the day after (`next_change`): judging a day early is
harmless (the judgement is the same and names a later date), judging a day late would be wrong, and
the widening makes an off-by-one between this module and a fact module impossible. So the answer is
never later than the true next change; it may be earlier.

Covered conditions (rule ids of RULES.md):
- ages (every rule reading `age`, `no_labour`, `has_adult_member`, the 80+ severity and visit interval):
  each resident's birthday at each age limit still ahead (`age_limits`); LAPSED.AGE_OUT: the 18th
  birthday less `age_out.notice_days`.
- membership: joining, death and leaving dates; LAPSED.DECEASED_STILL_COVERED: death plus one month.
- coverage (enrolled(X), LAPSED.*): start, termination, grace end, suspensions and resumptions, reviews;
  LAPSED.REVIEW_OVERDUE / LAPSED.STATUS_EXPIRED: every review (or start) plus every interval in use;
  LAPSED.PAYMENT_GAP: the month the coverage has run `payment.gap_months` complete months, and the months
  each paid month enters and leaves the window of the last `payment.gap_months` complete months.
- NEED.EMERGENCY, MISSED.POVERTY_MONITORING: an emergency's date plus `emergency.window_days`;
  rural risks and expenses (MISSED.RIGID_EXPENDITURE, LAPSED.STATUS_EXPIRED): their date plus 12 months,
  and, while an expense is within the 12 months, the first month the income over the 12 months changes.
- MISSED.ORPHAN / MISSED.DEFACTO_CHILD: a missing parent's `since` (or report) plus `child.missing_months`.
- LATE.APPLICATION: the day the working-day (or calendar-day) limit is exceeded; a decision's date.
- LATE.ELDERLY_VISIT: every visit, registration and joining plus both visit intervals, in a household
  with a resident of visiting age or on the visiting roster.
- parameters: the next effective date of any value that applies to the household's region.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterable, Iterator

from domain.dates import (add_months, age_on, birthday, first_full_month, month_index, month_label, month_start,
                          period_index)
from domain.facts.applications import CALENDAR_DAY_PROGRAMMES
from domain.facts.household import monthly_incomes
from domain.households.state import ApplicationState, CoverageState, HouseholdState, ResidentState
from domain.policy.parameters import ParameterTable, _lookup_scope
from domain.working_days import add_working_days

ONE_DAY = timedelta(days=1)
ADULT_AGE = 18
YEAR_MONTHS = 12
INTERVAL_PARAMETERS = ("dibao.review_months.stable", "dibao.review_months.irregular", "review.default_months",
                       "rigid.valid_months")
FIXED_AGE_LIMITS = (16, 18, 60, 80)  # no_labour, adulthood, no_labour, the 80+ severity and interval
AGE_PARAMETERS = ("child.age_limit", "visiting.min_age", "elderly_allowance.min_age")
VISIT_PARAMETERS = ("visiting.interval_days", "visiting.high_risk_interval_days")
# No limit exceeded within this many working days is looked for (a limit is 15–33 days; 400 is a margin).
MAX_LIMIT_DAYS = 400
MAX_INCOME_MONTHS = 240  # income periods reported further ahead than this are judged again every month


def next_change(state: HouseholdState, on: date, table: ParameterTable, read: set[str] | None = None) -> date | None:
    """The earliest date after `on` on which the household's judgement could change without a new
    observation (None: never). Never later than the true change; may be earlier (see the module).
    The names of the parameters looked up are added to `read` (a change of one moves the answer)."""
    try:
        values = _Values(table, state.region, on, read if read is not None else set())
        ahead = [day for day in _boundaries(state, on, values) if day is not None and day >= on]
        # The earliest of each boundary's day before, day and day after that lies after `on`; the widening
        # keeps the order of the days, so it is the widened earliest boundary.
        return max(min(ahead) - ONE_DAY, on + ONE_DAY) if ahead else None
    except (OverflowError, ValueError):  # a boundary beyond the calendar (year 1 or 9999): judge again tomorrow
        return on + ONE_DAY if on < date.max else None


class _Values:
    """The parameter values the household's time conditions need, on `on` (None when unknown); each looked
    up once per household, though every resident and coverage asks for them."""

    def __init__(self, table: ParameterTable, region: str, on: date, read: set[str]) -> None:
        self.table, self.region, self.on, self.read = table, region, on, read
        self._ints: dict[str, int | None] = {}
        self.age_limits: set[int] = age_limits(self)

    def lookup(self, name: str) -> Any:
        """The value in force (or None), its name recorded as read."""
        self.read.add(name)
        return self.table.lookup(name, self.region, self.on)

    def int(self, name: str) -> int | None:
        if name not in self._ints:
            self._ints[name] = self._int(name)
        return self._ints[name]

    def _int(self, name: str) -> int | None:
        found = self.lookup(name)
        try:
            return int(found.value) if found is not None else None
        except (TypeError, ValueError):
            return None

    def ints(self, names: Iterable[str]) -> list[int]:
        return [v for v in (self.int(n) for n in names) if v is not None]


def _boundaries(state: HouseholdState, on: date, values: _Values) -> Iterator[date | None]:
    yield values.table.next_effective(_lookup_scope(state.region), on)  # only the earliest can be next
    for person in state.residents.values():
        yield from _person(person, on, values)
    for coverage in state.coverages:
        yield from _coverage(coverage, on, values)
    for application in state.applications.values():
        yield from _application(application, values)
    yield from _windows(state, on, values)
    yield from _visits(state, on, values)


def age_limits(values: _Values) -> set[int]:
    """Every age at which a fact or a rule of the catalog turns: `no_labour` (16, 60), adulthood (18),
    the 80+ severity and visit interval, and the age parameters (school ages: from the first, after
    the last). A catalog that compares `age` with another number must name it here."""
    limits = set(FIXED_AGE_LIMITS) | set(values.ints(AGE_PARAMETERS))
    school = values.lookup("school.compulsory_ages")
    if school is not None and isinstance(school.value, (list, tuple)) and school.value:
        limits |= {int(school.value[0]), int(school.value[-1]) + 1}
    return limits


def _person(person: ResidentState, on: date, values: _Values) -> Iterator[date | None]:
    """Age steps, the AGE_OUT notice, membership dates, a missing parent becoming absent."""
    age = age_on(person.birth_date, on)
    ahead = [limit for limit in values.age_limits if limit > age]
    if ahead:  # every limit ahead is reached after `on`, the lowest first: only its birthday can be the next change
        yield birthday(person.birth_date, min(ahead))
    notice = values.int("age_out.notice_days")
    if notice is not None:
        yield birthday(person.birth_date, ADULT_AGE) - timedelta(days=notice)
    yield person.since
    yield person.left_on
    if person.died_on is not None:
        yield person.died_on
        yield add_months(person.died_on, 1)
    yield from _parents(person, values)


def _parents(person: ResidentState, values: _Values) -> Iterator[date | None]:
    months = values.int("child.missing_months")
    if person.parents is None or person.parents_observed_on is None or months is None:
        return
    for parent in person.parents.values():
        if isinstance(parent, dict) and parent.get("status") == "missing":
            since = date.fromisoformat(parent["since"]) if parent.get("since") else person.parents_observed_on
            yield add_months(since, months)


def _coverage(coverage: CoverageState, on: date, values: _Values) -> Iterator[date | None]:
    """Activity and grace, suspensions, review due dates under every interval in use, payment months."""
    yield from (coverage.start, coverage.terminated_on, coverage.grace_until)
    for suspension in coverage.suspensions:
        yield from (suspension.since, suspension.resumed_on)
    intervals = values.ints(INTERVAL_PARAMETERS)
    if coverage.review_interval_months:
        intervals.append(coverage.review_interval_months)
    for review in (coverage.start, *coverage.reviews):
        yield review
        yield from (add_months(review, months) for months in intervals)
    yield from _payments(coverage, on, values)


def _payments(coverage: CoverageState, on: date, values: _Values) -> Iterator[date]:
    """LAPSED.PAYMENT_GAP turns only at a month's start: when the coverage is `payment.gap_months`
    complete months old, when a paid month enters a window of the last complete months that held none
    (`domain.facts.coverage.payment_window`), and when the last paid month leaves it."""
    gap = values.int("payment.gap_months")
    if coverage.monthly_amount is None or gap is None:
        return
    yield month_start(first_full_month(coverage.pays_since(on)) + gap)
    now = month_index(on)
    paid = {index for index in map(period_index, coverage.paid_periods) if index is not None}
    for month in paid:
        if month + gap + 1 <= now:  # left the window before `on`
            continue
        if not any(month - k in paid for k in range(1, gap)):  # the window it enters held no paid month
            yield month_start(month + 1)
        if not any(month + k in paid for k in range(1, gap + 1)):  # none is left in it when it leaves
            yield month_start(month + gap + 1)


def _application(application: ApplicationState, values: _Values) -> Iterator[date | None]:
    """The day the handling limit is exceeded, in the limit's unit, and the decision's date."""
    yield application.submitted_on
    yield application.decided_on
    if application.programme in CALENDAR_DAY_PROGRAMMES:
        limit = values.int(CALENDAR_DAY_PROGRAMMES[application.programme])
        if limit is not None:
            yield application.submitted_on + timedelta(days=limit + 1)
        return
    limit = values.int(f"application.limit_working_days.{application.programme}")
    if limit is not None and 0 <= limit <= MAX_LIMIT_DAYS:
        yield add_working_days(application.submitted_on, limit + 1)


def _windows(state: HouseholdState, on: date, values: _Values) -> Iterator[date | None]:
    """Emergencies' window, 12-month windows of rural risks and expenses, the month judged for income."""
    window = values.int("emergency.window_days")
    for emergency in state.emergencies:
        day = date.fromisoformat(emergency["date"])
        yield day
        if window is not None:
            yield day + timedelta(days=window + 1)
    for dated in (*state.rural_risks, *state.expenses):
        day = date.fromisoformat(dated["date"])
        yield day
        yield add_months(day, YEAR_MONTHS)
    year_ago = add_months(on, -YEAR_MONTHS - 1)
    if any(date.fromisoformat(e["date"]) > year_ago for e in state.expenses):
        yield _income_change(state, on)


def _income_change(state: HouseholdState, on: date) -> date | None:
    """The first month's start on which the income over the 12 months ending with the month judged
    (MISSED.RIGID_EXPENDITURE) differs from today's: the first month that carries another amount than
    the month it pushes out. After the last reported period every month carries the same one."""
    now = month_index(on)
    periods = [index for index in (period_index(i["period"]) for i in state.incomes) if index is not None]
    horizon = max([now, *periods]) + YEAR_MONTHS - now
    if horizon > MAX_INCOME_MONTHS:  # a period far ahead: judge again next month
        return _next_month(on)
    months = [month_label(index) for index in range(now - YEAR_MONTHS + 1, now + horizon + 1)]
    amounts = monthly_incomes(state, months)
    if amounts is None:
        return None
    for ahead in range(1, horizon + 1):
        if amounts[YEAR_MONTHS - 1 + ahead] != amounts[ahead - 1]:
            return month_start(now + ahead)
    return None


def _visits(state: HouseholdState, on: date, values: _Values) -> Iterator[date | None]:
    """Every date a visit clock may run from, plus each visit interval."""
    if not _may_be_visited(state, on, values):
        return
    intervals = values.ints(VISIT_PARAMETERS)
    anchors = {state.registered_on, *(v.on for v in state.visits), *(p.since for p in state.residents.values())}
    for anchor in anchors:
        yield anchor
        yield from (anchor + timedelta(days=days) for days in intervals)


def _may_be_visited(state: HouseholdState, on: date, values: _Values) -> bool:
    """LATE.ELDERLY_VISIT can concern the household: a resident on the visiting roster (any episode) or
    of visiting age (one reaching it later is judged on that birthday, an enrolment on its start)."""
    if any(c.programme == "elderly_visiting" for c in state.coverages):
        return True
    min_age = values.int("visiting.min_age")
    return min_age is None or any(age_on(p.birth_date, on) >= min_age for p in state.residents.values())


def _next_month(on: date) -> date:
    """The first day of the month after `on`'s."""
    return add_months(on.replace(day=1), 1)
