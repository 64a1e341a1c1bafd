"""Dates judged against the day of the observation (China Standard Time): events, past events, schedules,
months. Slack and horizons are named here (the package's docstring says why each is what it is)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from domain.households.observations.problems import Bad, show
from domain.households.observations.shapes import Shape, shaped

EARLIEST = date(1900, 1, 1)
EVENT_SLACK = timedelta(days=1)  # a phone whose clock or offset is wrong may date an event "tomorrow"
SCHEDULE_HORIZON = timedelta(days=366)

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PERIOD = re.compile(r"[0-9]{4}-[0-9]{2}")
DATE_PATTERN, PERIOD_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "^[0-9]{4}-(?:0[1-9]|1[0-2])$"


def _later(day: date, delta: timedelta) -> date:
    try:
        return day + delta
    except OverflowError:
        return date.max


def _parse_date(value: Any) -> date:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise Bad(f"must be a date YYYY-MM-DD (got {show(value)})", f"日期格式必须是 YYYY-MM-DD（收到 {show(value)}）")
    try:
        day = date.fromisoformat(value)
    except ValueError as error:
        raise Bad(f"{value} is not a real calendar date", f"{value} 不是真实存在的日期") from error
    if day < EARLIEST:
        raise Bad(f"must not be before {EARLIEST} (got {value})", f"不能早于 {EARLIEST}（收到 {value}）")
    return day


def event_date(value: Any, observed: date) -> str:
    """A date something happened: it cannot be after the day it was observed (one day of slack)."""
    day = _parse_date(value)
    if day > _later(observed, EVENT_SLACK):
        raise Bad(
            f"{day} is after the observation date {observed}: an event cannot be reported before it happens",
            f"{day} 晚于观察日期 {observed}：事情尚未发生，不能报告",
        )
    return day.isoformat()


shaped(event_date, Shape("string", format="date", pattern=DATE_PATTERN,
                           note=f"from {EARLIEST} to one day after the date of `observed_at` (China Standard Time)"))


def past_date(value: Any, observed: date) -> str:
    """A date something is reported as having happened (a departure, an illness): not after the day
    it was observed, with no slack."""
    day = _parse_date(value)
    if day > observed:
        raise Bad(
            f"{day} is after the observation date {observed} (China Standard Time): it cannot have happened yet",
            f"{day} 晚于观察日期 {observed}（北京时间）：尚未发生的事不能报告",
        )
    return day.isoformat()


shaped(past_date, Shape("string", format="date", pattern=DATE_PATTERN,
                          note=f"from {EARLIEST} to the date of `observed_at` in China Standard Time"))


def scheduled_date(value: Any, observed: date) -> str:
    """A date that may be set ahead (coverage start, grace end), but not more than a year ahead."""
    day = _parse_date(value)
    if day > _later(observed, SCHEDULE_HORIZON):
        raise Bad(
            f"{day} is more than {SCHEDULE_HORIZON.days} days after the observation date {observed}",
            f"{day} 比观察日期 {observed} 晚了 {SCHEDULE_HORIZON.days} 天以上",
        )
    return day.isoformat()


shaped(scheduled_date, Shape("string", format="date", pattern=DATE_PATTERN, note=(
    f"from {EARLIEST} to {SCHEDULE_HORIZON.days} days after the date of `observed_at`")))


def period(value: Any, observed: date) -> str:
    """A calendar month YYYY-MM, not after the month of the observation."""
    if not isinstance(value, str) or not _PERIOD.fullmatch(value) or not 1 <= int(value[5:]) <= 12:
        raise Bad(f"must be a month YYYY-MM (got {show(value)})", f"月份格式必须是 YYYY-MM（收到 {show(value)}）")
    if value < f"{EARLIEST:%Y-%m}":
        raise Bad(f"must not be before {EARLIEST:%Y-%m} (got {value})", f"不能早于 {EARLIEST:%Y-%m}（收到 {value}）")
    if value > f"{observed:%Y-%m}":
        raise Bad(
            f"{value} is after the month of the observation ({observed:%Y-%m})",
            f"{value} 晚于观察月份（{observed:%Y-%m}）",
        )
    return value


shaped(period, Shape("string", pattern=PERIOD_PATTERN,
                       note=f"a month YYYY-MM from {EARLIEST:%Y-%m} to the month of `observed_at`"))
