"""Acknowledgement deadlines for alerts (LATE.ALERT_UNHANDLED).

`sla.ack.critical` is counted in calendar days (act today); the other
severities in Chinese working days, with official holidays and make-up days
from `chinese_calendar`. For years that library does not know yet, Monday to
Friday are taken as working days.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


def is_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The date on which `days` working days after `start` have passed."""
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        counted += is_working_day(day)
    return day


def ack_deadline(raised_on: date, severity: str, limit: int) -> date:
    """Last day on which acknowledging is still in time."""
    if severity == "critical":
        return raised_on + timedelta(days=limit)
    return add_working_days(raised_on, limit)


def is_unhandled(raised_on: date, severity: str, limit: int, on: date) -> bool:
    return on > ack_deadline(raised_on, severity, limit)
