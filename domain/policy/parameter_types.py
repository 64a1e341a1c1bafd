"""The types and ranges policy parameters take (each parameter declares its own: domain.policy.declarations).

A value no rule can compute with (a text for a standard, 1.5 months, NaN, a date out of
range) is refused when it is set; one already stored is treated as absent, never used.
Upper bounds keep date and money arithmetic from overflowing, not to second-guess policy.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable

MAX_MONEY = 10_000_000  # CNY; a per-capita annual income is about 10^5
MAX_MONTHS = 120  # ten years
MAX_DAYS = 3650  # calendar days: about ten years
MAX_WORKING_DAYS = 365  # about a year and a half; deadlines are counted day by day
MAX_AGE = 150
MAX_FACTOR = 10  # ratios and multipliers
EARLIEST_EFFECTIVE = date(1900, 1, 1)  # the shipped defaults' start of time
# What `effective_date` accepts, as JSON Schema says it (`format: date` adds the calendar's own rules).
EFFECTIVE_DATE_PATTERN = "^(?:19[0-9]{2}|[2-9][0-9]{3})-[0-9]{2}-[0-9]{2}$"

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Problem:
    """Why one field of a parameter value is refused, in English and Chinese."""

    field: str
    message: str
    message_zh: str

    def to_json(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message, "message_zh": self.message_zh}


class ParameterRefused(ValueError):
    """A parameter name, value or effective date that cannot be set."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class ParameterType:
    """What values one parameter takes, and how to say so to whoever sets it."""

    expected: str
    expected_zh: str
    accepts: Callable[[Any], bool]


def _is_number(value: Any) -> bool:
    """A JSON number: int or finite float; JSON `true` is not 1."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _is_whole(value: Any, low: int, high: int) -> bool:
    """An int in [low, high]; 12.0 is refused too, since month and day arithmetic needs an int."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def whole_number(low: int, high: int, unit: str, unit_zh: str) -> ParameterType:
    """A count of months, days or years, as date arithmetic needs it."""
    return ParameterType(
        f"a whole number of {unit} from {low} to {high}",
        f"必须是 {low} 至 {high} 之间的整数（{unit_zh}）",
        lambda v: _is_whole(v, low, high),
    )


def positive_factor(what: str, what_zh: str) -> ParameterType:
    """A ratio or multiplier: zero would make a limit vanish, a negative one turn it round."""
    return ParameterType(
        f"{what}: a number > 0 and ≤ {MAX_FACTOR}",
        f"必须是大于 0 且不大于 {MAX_FACTOR} 的数（{what_zh}）",
        lambda v: _is_number(v) and 0 < v <= MAX_FACTOR,
    )


def _is_age_range(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(_is_whole(v, 0, MAX_AGE) for v in value)
        and value[0] <= value[1]
    )


MONEY = ParameterType(
    f"an amount of money (CNY) ≥ 0 and ≤ {MAX_MONEY}",
    f"必须是不小于 0 且不大于 {MAX_MONEY} 的金额（元）",
    lambda v: _is_number(v) and 0 <= v <= MAX_MONEY,
)
MONTHS = whole_number(1, MAX_MONTHS, "months", "月")
DAYS = whole_number(1, MAX_DAYS, "days", "天")
WORKING_DAYS = whole_number(1, MAX_WORKING_DAYS, "working days", "工作日")
AGE = whole_number(0, MAX_AGE, "years of age", "周岁")
RATIO = positive_factor("a ratio", "比例")
MULTIPLIER = positive_factor("a multiplier", "倍数")
FLAG = ParameterType("true or false (a JSON boolean)", "必须是 true 或 false（JSON 布尔值）",
                     lambda v: isinstance(v, bool))
GRADES = ParameterType(
    "a list of disability grades 1 to 4 (may be empty)",
    "必须是由 1 至 4 级残疾等级组成的列表（可以为空）",
    lambda v: isinstance(v, list) and all(_is_whole(g, 1, 4) for g in v),
)
AGE_RANGE = ParameterType(
    f"a pair [youngest, oldest] of ages from 0 to {MAX_AGE}, youngest ≤ oldest",
    f"必须是 [最小年龄, 最大年龄] 两个 0 至 {MAX_AGE} 之间的整数，且最小年龄不大于最大年龄",
    _is_age_range,
)

def _encodable(text: str) -> str:
    """Lone surrogates written out as `\\udXXX`, so the text can be encoded as UTF-8."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def shown(value: Any, limit: int = 80) -> str:
    """A value as quoted in a message: as it was written in JSON, and short."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    text = _encodable(text)
    return text if len(text) <= limit else f"{text[:limit]}…"


def json_safe(value: Any) -> Any:
    """The value as strict JSON can carry it (a stored NaN must not break the page showing it)."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, str):
        return _encodable(value)
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    return value


def effective_date(value: Any) -> date:
    """The effective date of a value: a real calendar date written YYYY-MM-DD, not before 1900.

    Raises ParameterRefused naming `from` otherwise (0, null, "2025-02-30", "20250101" …).
    """
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    elif isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ParameterRefused([Problem("from", f"{value} is not a real calendar date",
                                            f"{value} 不是真实存在的日期")]) from None
    else:
        raise ParameterRefused([Problem("from", f"must be a date written YYYY-MM-DD (got {shown(value)})",
                                        f"日期必须写成 YYYY-MM-DD（收到 {shown(value)}）")])
    if day < EARLIEST_EFFECTIVE:
        raise ParameterRefused([Problem("from", f"must not be before {EARLIEST_EFFECTIVE} (got {day})",
                                        f"日期不能早于 {EARLIEST_EFFECTIVE}（收到 {day}）")])
    return day
