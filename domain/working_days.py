"""Chinese working days: official holidays and make-up days (调休) from `chinese_calendar`.

For years the library does not know yet, Monday to Friday are taken as working
days (an administrator should upgrade the library when the State Council
publishes the next year's calendar).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar


@lru_cache(maxsize=8192)
def is_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def working_days_after(start: date, end: date) -> int:
    """Working days in (start, end]: the days after `start` up to and including `end`."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count


def add_working_days(start: date, days: int) -> date:
    """The date on which `days` working days after `start` have passed."""
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        counted += is_working_day(day)
    return day
