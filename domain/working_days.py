"""Chinese working days: official holidays and make-up days (调休) from `chinese_calendar`.

Time limits for applications are set in working days, and the State Council
moves weekends around public holidays, so Monday to Friday is wrong for about
twenty days a year. `chinese_calendar` knows the published years; for a year it
does not know yet (it raises NotImplementedError) Monday to Friday are taken as
working days — an administrator should upgrade the library when the next
year's calendar is published.

Counts are answered from per-year running totals, so an application pending
for years costs two look-ups, not a walk over every day.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar


@lru_cache(maxsize=8192)
def is_working_day(day: date) -> bool:
    """An official working day (make-up days included), else Monday to Friday for unknown years."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


@lru_cache(maxsize=64)
def _running_totals(year: int) -> tuple[int, ...]:
    """Working days of `year` from 1 January up to and including each day (index = day of year - 1)."""
    totals, count, day = [], 0, date(year, 1, 1)
    while day.year == year:
        count += is_working_day(day)
        totals.append(count)
        day += timedelta(days=1)
    return tuple(totals)


def _through(day: date) -> int:
    """Working days from 1 January of `day`'s year up to and including `day`."""
    return _running_totals(day.year)[day.timetuple().tm_yday - 1]


def working_days_after(start: date, end: date) -> int:
    """Working days in (start, end]: the days after `start` up to and including `end`."""
    if end <= start:
        return 0
    whole_years = sum(_running_totals(year)[-1] for year in range(start.year, end.year))
    return whole_years + _through(end) - _through(start)


def add_working_days(start: date, days: int) -> date:
    """The date on which `days` working days after `start` have passed."""
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        counted += is_working_day(day)
    return day
