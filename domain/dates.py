"""Calendar arithmetic the rules need: ages, calendar months, month labels.

Kept apart from the facts so that every rule counts ages and months the same
way (an age threshold and the 18th birthday must never disagree by a day).
"""

from __future__ import annotations

from calendar import isleap, monthrange
from datetime import date


def age_on(birth_date: date, on: date) -> int:
    """Completed years of age on `on` (a person born on 29 February ages on 1 March in common years)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def birthday(birth_date: date, years: int) -> date:
    """The day on which a person reaches `years` of age, consistent with `age_on`."""
    year = birth_date.year + years
    if (birth_date.month, birth_date.day) == (2, 29) and not isleap(year):
        return date(year, 3, 1)
    return birth_date.replace(year=year)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's last day (Jan 31 + 1 = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, monthrange(year, month + 1)[1]))


def month_index(day: date) -> int:
    """Months since year 0: consecutive calendar months have consecutive indices."""
    return day.year * 12 + day.month - 1


def month_label(index: int) -> str:
    """`YYYY-MM` of a month index, the form of income and payment periods."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_start(index: int) -> date:
    """The first day of a month index: `month_index`'s inverse."""
    return date(index // 12, index % 12 + 1, 1)


def period_index(period: str) -> int | None:
    """The month index of a `YYYY-MM` period, `month_label`'s inverse (None for another form)."""
    try:
        return month_index(date(int(period[:4]), int(period[5:7]), 1)) if period[4:5] == "-" else None
    except ValueError:
        return None


def months_back(on: date, count: int, include_current: bool) -> list[str]:
    """Labels of the `count` months ending with `on`'s month (or the month before it), oldest first."""
    last = month_index(on) - (0 if include_current else 1)
    return [month_label(index) for index in range(last - count + 1, last + 1)]


def first_full_month(start: date) -> int:
    """Index of the first calendar month a coverage starting on `start` covers entirely."""
    return month_index(start) + (0 if start.day == 1 else 1)
