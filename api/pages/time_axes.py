"""The two time axes of the auditor's household page, as sliders with a typed fallback.

`as_of` runs over days of the household's life (what had happened by then); `known_at` over the
moments something about the household was recorded (what the system knew by then). Each slider
has a plain input beside it; without a script the form sends both, and the slider wins only when
it was moved (its position differs from the one the page was drawn with).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Mapping
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


class AxisError(ValueError):
    """A typed value that is not a date (as_of) or a moment (known_at); `field` names the input."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def parse_day(value: str, field: str = "as_of") -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise AxisError(field) from None


def parse_moment(value: str, field: str = "known_at") -> datetime:
    """An ISO moment; without an offset it is China time, a bare date its end of day (as the API reads it)."""
    text = value.strip().replace(" ", "T", 1)
    try:
        moment = datetime.fromisoformat(f"{text}T23:59:59.999999" if len(text) == 10 else text)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=CHINA)
        moment.astimezone(timezone.utc).astimezone(CHINA)  # a moment at the calendar's edge cannot be shown
    except (ValueError, OverflowError):
        raise AxisError(field) from None
    return moment


def china(moment: datetime) -> str:
    """A moment as the page shows and sends it: Beijing time, to the microsecond, with its offset."""
    return moment.astimezone(CHINA).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Moment:
    """One recorded moment of the household, and what was recorded then (event types)."""

    at: datetime
    kinds: tuple[str, ...]


def recorded_moments(entries: list[dict[str, Any]]) -> list[Moment]:
    """Every distinct moment the history recorded something, oldest first."""
    kinds: dict[datetime, list[str]] = {}
    for entry in entries:
        kinds.setdefault(datetime.fromisoformat(entry["recorded_at"]), []).append(entry["type"])
    return [Moment(at, tuple(found)) for at, found in sorted(kinds.items())]


def position_of(moments: list[Moment], known_at: datetime) -> int:
    """The slider's position for `known_at`: the last moment recorded by then (0 before the first)."""
    return max(0, bisect_right([m.at for m in moments], known_at) - 1)


@dataclass(frozen=True)
class DayAxis:
    first: date
    last: date

    @property
    def length(self) -> int:
        return (self.last - self.first).days

    def position(self, day: date) -> int:
        return min(max((day - self.first).days, 0), self.length)

    def day(self, position: int) -> date:
        return self.first + timedelta(days=min(max(position, 0), self.length))


def day_axis(entries: list[dict[str, Any]], today: date) -> DayAxis:
    """From the first day anything happened to the household to the system's today (or its last event)."""
    days = [datetime.fromisoformat(e["occurred_at"]).astimezone(CHINA).date() if "T" in e["occurred_at"]
            else date.fromisoformat(e["occurred_at"]) for e in entries]
    first = min(days, default=today)
    return DayAxis(first, max([today, *days]))


POSITION = re.compile(r"[0-9]{1,9}")  # a slider's position: ASCII digits of a sane length (int() takes more)


def _moved(query: Mapping[str, str], slider: str, field: str) -> int | None:
    """The slider's position when the form was sent with it moved, else None; a position that is not a
    number is the typed input's error (`field`), as a typed value that is not a date would be."""
    now, drawn = query.get(slider, ""), query.get(f"{slider}0", "")
    if now and not POSITION.fullmatch(now):
        raise AxisError(field)
    return int(now) if now and now != drawn else None


def chosen_known_at(query: Mapping[str, str], moments: list[Moment], now: datetime) -> datetime:
    moved = _moved(query, "k", "known_at")
    if moved is not None and moments:
        return moments[min(moved, len(moments) - 1)].at
    typed = query.get("known_at", "").strip()
    return parse_moment(typed) if typed else now


def chosen_as_of(query: Mapping[str, str], axis: DayAxis) -> date | None:
    """None: nothing chosen, so the service takes the system's today as known then."""
    moved = _moved(query, "d", "as_of")
    if moved is not None:
        return axis.day(moved)
    typed = query.get("as_of", "").strip()
    return parse_day(typed) if typed else None
