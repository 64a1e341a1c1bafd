"""Intake validation: an envelope becomes a normalised `Observation`, or every problem is named.

Why it is built this way: informants type on phones in the field and gateways send whatever
their forms produce, so a rejection must say *which* field is wrong and *why*, in English and
Chinese, and must list every problem at once (one round trip to fix a form, not ten). Each kind's
`data` is therefore described by a table of field specs (`DATA_FIELDS`, following RULES.md
§ Vocabulary) checked by small reusable checks, rather than by a chain of ifs per kind.

What consumers may rely on in `Observation.data`:

- Only the fields of the kind's vocabulary are kept. Unknown extra keys in `data` (and in the
  envelope) are ignored silently: forward compatibility, so an older server accepts messages
  from a newer client that sends more.
- An optional field that is absent, `null`, or (for a string) blank is OMITTED from `data`,
  never present as `None`: read optional fields with `data.get(name)`. The one default filled
  in is `local_hukou = true` for `household.registered`.
- Dates are `YYYY-MM-DD` strings, periods `YYYY-MM`; money is a float rounded to 2 places (fen);
  counts, grades and intervals are ints (an integral float such as `2.0` is accepted as `2`);
  flags are bools; free text is stripped of surrounding whitespace.
- `id_number` is compacted and upper-case (`x` -> `X`; spaces and hyphens removed).
- `residents_seen` keeps the first occurrence of each id, in the order given.
- Identifiers (`observation_id`, `informant`, `household`, `resident`, member `resident` ids,
  `application`) are kept verbatim; they must be non-empty strings without surrounding spaces.

Dates are judged against the calendar date of `observed_at` in China Standard Time, whatever offset
the sender used (RULES.md § Vocabulary; `2026-02-28T20:00:00Z` was observed on 2026-03-01): an event
date (birth, death, emergency, expense, review, decision, clock tick …) may be at most one day after
it (slack for a phone whose clock or offset is wrong); a departure (`resident.left`) or an illness
must not be after it at all, since what is reported as having happened cannot lie in the future; a
scheduled date (coverage `start`, `grace_until`) at most 366 days after it; a period not after its
month; nothing before 1900-01-01. A `clock.tick` date is an event date: ticking the clock ahead
would fire deadlines early.

What cannot have happened is refused against what is recorded, too: an observation of a household
observed before the household's registration (422 at `observed_at`), and an `application.decided`
for an application never submitted for that household (404 at `data.application`).

Sizes are bounded (`domain.households.intake_limits`, which explains each bound): members per household,
residents seen on a visit, the length of every identifier and text, money and counts. A value over
a bound is refused (422, naming the field: `data.members`, `data.members[3].name`), never cut
short, so that no accepted observation can grow an event past what storage and the broker take.

Resident ID numbers are checked for format, check digit (GB 11643) and embedded birth date, which
must equal `birth_date`. The birth-place lookup of `stdnum.cn.ric.validate` is deliberately not
applied: it requires the region code to have existed in the birth year, which refuses real numbers
issued under today's codes (e.g. 500103 渝中区 or 420503 伍家岗区 for anyone born before the
district was created).

Status of an `InvalidObservation`: 422 when any content is malformed (fix the message first);
otherwise 404 when a household or resident it names is unknown; otherwise 409 (the household is
already registered, or a resident id is already in use).
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Iterator, Protocol

from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.util import clean

from domain.households import intake_limits as limits
from domain import vocabulary as v
from domain.instants import china_date
from domain.region_codes import HOUSEHOLD_REGION_PATTERN, InvalidRegionCode, check_region_code

FUTURE_SKEW = timedelta(minutes=5)  # clocks of phones and gateways drift
EARLIEST = date(1900, 1, 1)
EVENT_SLACK = timedelta(days=1)  # a phone whose clock or offset is wrong may date an event "tomorrow"
SCHEDULE_HORIZON = timedelta(days=366)

UNPROCESSABLE, NOT_FOUND, CONFLICT = 422, 404, 409


@dataclass(frozen=True)
class FieldError:
    """One problem, at a dotted path such as `data.members[1].id_number` ("" = the whole envelope)."""

    field: str
    message: str
    message_zh: str


class InvalidObservation(Exception):
    """The envelope cannot be accepted: every problem found, and the status that sums them up."""

    def __init__(self, errors: list[FieldError], status: int = UNPROCESSABLE) -> None:
        super().__init__("; ".join(f"{e.field or '(envelope)'}: {e.message}" for e in errors))
        self.errors = errors
        self.status = status


class Registry(Protocol):
    """What validation needs to know about already-recorded subjects."""

    def household_exists(self, household_id: str) -> bool: ...

    def resident_household(self, resident_id: str) -> str | None: ...

    def registered_at(self, household_id: str) -> datetime | None:
        """When the household's registration was observed (None: not registered)."""
        ...

    def application_submitted(self, household_id: str, application: str) -> bool:
        """An `application.submitted` with this id is recorded for the household."""
        ...


@dataclass(frozen=True)
class Observation:
    """A validated observation with normalised, JSON-native `data`, ready to be recorded."""

    observation_id: str
    informant: str
    observed_at: datetime
    kind: str
    household: str | None
    resident: str | None
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """The envelope as JSON-native values (shares `data`, which is already JSON-native)."""
        return {
            "observation_id": self.observation_id,
            "informant": self.informant,
            "observed_at": self.observed_at.isoformat(),
            "kind": self.kind,
            "household": self.household,
            "resident": self.resident,
            "data": self.data,
        }


# --- problems --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Problem:
    """A problem at a path relative to the value checked; `status` says what kind of problem."""

    path: str
    message: str
    message_zh: str
    status: int = UNPROCESSABLE


class _Bad(Exception):
    """Raised by a check: one problem at the checked value itself, or several below it."""

    def __init__(self, message: str = "", message_zh: str = "", *, problems: list[_Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems if problems is not None else [_Problem("", message, message_zh)]


def _join(prefix: str, path: str) -> str:
    if not path or not prefix:
        return prefix or path
    return prefix + path if path.startswith("[") else f"{prefix}.{path}"


def _under(prefix: str, problems: list[_Problem]) -> list[_Problem]:
    return [_Problem(_join(prefix, p.path), p.message, p.message_zh, p.status) for p in problems]


def _show(value: Any) -> str:
    """A value quoted for a message, cut short so a huge input does not make a huge error."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# --- checks: (value, observed date) -> normalised value, or raise _Bad -------------------------

Check = Callable[[Any, date], Any]


@dataclass(frozen=True)
class Spec:
    """One field of an object: its name, its check, and whether it must be present."""

    name: str
    check: Check
    required: bool = True
    default: Any = None  # filled in when an optional field is absent (None: leave it out)


# --- what each check accepts, as data ----------------------------------------------------------
#
# The API documents each kind's `data` with schemas generated from `DATA_FIELDS` and these shapes
# (api/http/observation_schemas.py), so the documentation is the validator's own vocabulary, never a second
# copy. A shape says exactly which JSON values its check accepts wherever JSON Schema can say it:
# type, enumeration, bounds, pattern. What a schema cannot say (a check digit, a date compared with
# `observed_at`, whether a resident exists) is written in `note`; such values are refused by the check
# (422, naming the field) although they fit the shape.

# What `str.strip()` removes (every character whose `str.isspace()` is true), as a regex class that
# Python, ECMA-262 and Rust regex engines read alike.
WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005" \
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_WS_CLASS = ("\\u0009-\\u000d\\u001c-\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f"
             "\\u205f\\u3000")
_WS, _NOT_WS = f"[{_WS_CLASS}]", f"[^{_WS_CLASS}]"
BLANK_PATTERN = f"^{_WS}*$"  # what an optional field may also be: absent, null, or this
NOT_BLANK_PATTERN = _NOT_WS  # (unanchored) holds something `str.strip()` keeps
IDENTIFIER_PATTERN = f"^{_NOT_WS}(?:[\\s\\S]*{_NOT_WS})?$"  # not blank, no surrounding whitespace


def text_pattern(most: int) -> str:
    """Text that is 1 to `most` characters long once surrounding whitespace is removed."""
    middle = f"(?:[\\s\\S]{{0,{most - 2}}}{_NOT_WS})?" if most > 1 else ""
    return f"^{_WS}*{_NOT_WS}{middle}{_WS}*$"


@dataclass(frozen=True)
class Shape:
    """The JSON values a check accepts: a JSON type and JSON Schema's keywords (None: unbounded)."""

    type: str  # string, number, integer, boolean, object, array
    enum: tuple[str, ...] = ()
    pattern: str | None = None
    format: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    fields: tuple[Spec, ...] = ()  # an object's
    title: str | None = None  # an object's name
    items: "Check | None" = None  # an array's
    min_items: int | None = None
    max_items: int | None = None
    note: str = ""  # what the check verifies beyond the shape


def _shaped(check: Check, shape: Shape) -> Check:
    setattr(check, "shape", shape)
    return check


def shape_of(check: Check) -> Shape:
    """What `check` accepts (every check of the vocabulary has a shape)."""
    shape = getattr(check, "shape", None)
    if not isinstance(shape, Shape):
        raise LookupError(f"{getattr(check, '__name__', check)!r} has no shape")
    return shape


def _absent(value: Any, required: bool) -> bool:
    """Null is absent; so is a blank string in an optional field (forms send "" for "nothing")."""
    return value is None or (not required and isinstance(value, str) and not value.strip())


def _fields(raw: dict[Any, Any], specs: tuple[Spec, ...], observed: date) -> tuple[dict[str, Any], list[_Problem]]:
    """Check every spec against `raw`: the normalised values, and every problem found."""
    out: dict[str, Any] = {}
    problems: list[_Problem] = []
    for spec in specs:
        value = raw.get(spec.name)
        if _absent(value, spec.required):
            if spec.required:
                problems.append(_Problem(spec.name, "is required", "必填"))
            elif spec.default is not None:
                out[spec.name] = spec.default
            continue
        try:
            out[spec.name] = spec.check(value, observed)
        except _Bad as bad:
            problems += _under(spec.name, bad.problems)
    return out, problems


def _too_long(most: int, length: int) -> _Bad:
    return _Bad(f"must be at most {most} characters (got {length})", f"不能超过 {most} 个字符（收到 {length} 个）")


def _identifier(value: Any, _: date | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad(f"must be a non-empty string, not {_json_type(value)}", "必须是非空字符串")
    if value != value.strip():
        raise _Bad("must not begin or end with spaces", "首尾不能有空格")
    if len(value) > limits.MAX_ID:
        raise _too_long(limits.MAX_ID, len(value))
    return value


_shaped(_identifier, Shape("string", pattern=IDENTIFIER_PATTERN, min_length=1, max_length=limits.MAX_ID,
                           note="kept verbatim: no surrounding whitespace"))


def _text(most: int) -> Check:
    """Free text of at most `most` characters once stripped of surrounding whitespace."""

    def check(value: Any, _: date) -> str:
        if not isinstance(value, str) or not value.strip():
            raise _Bad(f"must be a non-empty string, not {_json_type(value)}", "必须是非空字符串")
        text = value.strip()
        if len(text) > most:
            raise _too_long(most, len(text))
        return text

    return _shaped(check, Shape("string", pattern=text_pattern(most), note=(
        f"1 to {most} characters, not counting surrounding whitespace (which is removed)")))


_NAME, _GRID, _ADDRESS = _text(limits.MAX_NAME), _text(limits.MAX_GRID), _text(limits.MAX_ADDRESS)
_CONDITION, _NOTE = _text(limits.MAX_CONDITION), _text(limits.MAX_NOTE)


def _enum(values: tuple[str, ...]) -> Check:
    def check(value: Any, _: date) -> str:
        if isinstance(value, str) and value in values:
            return value
        raise _Bad(
            f"must be one of: {', '.join(values)} (got {_show(value)})",
            f"必须是以下之一：{'、'.join(values)}（收到 {_show(value)}）",
        )

    return _shaped(check, Shape("string", enum=values))


def _bool(value: Any, _: date) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"must be true or false, not {_json_type(value)}", "必须是 true 或 false")
    return value


_shaped(_bool, Shape("boolean"))


def _number(value: Any) -> float:
    """A JSON number as a float; booleans and numeric strings are refused, not coerced."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Bad(f"must be a number, not {_json_type(value)}", "必须是数字")
    try:
        number = float(value)
    except OverflowError as error:
        raise _Bad("is too large", "数值过大") from error
    if not math.isfinite(number):
        raise _Bad("must be a finite number", "必须是有限的数字")
    return number


def _money(value: Any, _: date) -> float:
    """Yuan, to the fen: not negative, rounded to 2 places."""
    amount = _number(value)
    if amount < 0:
        raise _Bad(f"must not be negative (got {_show(value)})", f"金额不能为负数（收到 {_show(value)}）")
    fen = round(amount, 2) + 0.0  # + 0.0 turns -0.0 into 0.0
    if fen > limits.MAX_MONEY:
        raise _Bad(f"is implausibly large: at most {limits.MAX_MONEY:,.0f} yuan (got {_show(value)})",
                   f"金额大得不合理：不能超过 {limits.MAX_MONEY:,.0f} 元（收到 {_show(value)}）")
    return fen


# Rounded to the fen first: the largest amount accepted is half a fen over the bound (it rounds down to it).
_shaped(_money, Shape("number", minimum=0, maximum=limits.MAX_MONEY + 0.005,
                      note=f"yuan, rounded to the fen; at most {limits.MAX_MONEY:,.0f} once rounded"))


def _int_range(low: int, high: int | None = None) -> Check:
    """A whole number within [low, high]; True/False are not numbers here."""
    bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
    bounds_zh = f"在 {low} 到 {high} 之间" if high is not None else f"不小于 {low}"

    def check(value: Any, _: date) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Bad(f"must be a whole number {bounds}, not {_json_type(value)}", f"必须是{bounds_zh}的整数")
        if isinstance(value, float) and not value.is_integer():
            raise _Bad(f"must be a whole number {bounds} (got {_show(value)})", f"必须是{bounds_zh}的整数")
        number = int(value)
        if number < low or (high is not None and number > high):
            raise _Bad(f"must be {bounds} (got {number})", f"必须{bounds_zh}（收到 {number}）")
        return number

    return _shaped(check, Shape("integer", minimum=low, maximum=high))


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PERIOD = re.compile(r"[0-9]{4}-[0-9]{2}")
_RIC = re.compile(r"[0-9]{17}[0-9X]")
DATE_PATTERN, PERIOD_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "^[0-9]{4}-(?:0[1-9]|1[0-2])$"


def _later(day: date, delta: timedelta) -> date:
    try:
        return day + delta
    except OverflowError:
        return date.max


def _parse_date(value: Any) -> date:
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise _Bad(f"must be a date YYYY-MM-DD (got {_show(value)})", f"日期格式必须是 YYYY-MM-DD（收到 {_show(value)}）")
    try:
        day = date.fromisoformat(value)
    except ValueError as error:
        raise _Bad(f"{value} is not a real calendar date", f"{value} 不是真实存在的日期") from error
    if day < EARLIEST:
        raise _Bad(f"must not be before {EARLIEST} (got {value})", f"不能早于 {EARLIEST}（收到 {value}）")
    return day


def _event_date(value: Any, observed: date) -> str:
    """A date something happened: it cannot be after the day it was observed (one day of slack)."""
    day = _parse_date(value)
    if day > _later(observed, EVENT_SLACK):
        raise _Bad(
            f"{day} is after the observation date {observed}: an event cannot be reported before it happens",
            f"{day} 晚于观察日期 {observed}：事情尚未发生，不能报告",
        )
    return day.isoformat()


_shaped(_event_date, Shape("string", format="date", pattern=DATE_PATTERN,
                           note=f"from {EARLIEST} to one day after the date of `observed_at` (China Standard Time)"))


def _past_date(value: Any, observed: date) -> str:
    """A date something is reported as having happened (a departure, an illness): not after the day
    it was observed, with no slack."""
    day = _parse_date(value)
    if day > observed:
        raise _Bad(
            f"{day} is after the observation date {observed} (China Standard Time): it cannot have happened yet",
            f"{day} 晚于观察日期 {observed}（北京时间）：尚未发生的事不能报告",
        )
    return day.isoformat()


_shaped(_past_date, Shape("string", format="date", pattern=DATE_PATTERN,
                          note=f"from {EARLIEST} to the date of `observed_at` in China Standard Time"))


def _scheduled_date(value: Any, observed: date) -> str:
    """A date that may be set ahead (coverage start, grace end), but not more than a year ahead."""
    day = _parse_date(value)
    if day > _later(observed, SCHEDULE_HORIZON):
        raise _Bad(
            f"{day} is more than {SCHEDULE_HORIZON.days} days after the observation date {observed}",
            f"{day} 比观察日期 {observed} 晚了 {SCHEDULE_HORIZON.days} 天以上",
        )
    return day.isoformat()


_shaped(_scheduled_date, Shape("string", format="date", pattern=DATE_PATTERN, note=(
    f"from {EARLIEST} to {SCHEDULE_HORIZON.days} days after the date of `observed_at`")))


def _period(value: Any, observed: date) -> str:
    """A calendar month YYYY-MM, not after the month of the observation."""
    if not isinstance(value, str) or not _PERIOD.fullmatch(value) or not 1 <= int(value[5:]) <= 12:
        raise _Bad(f"must be a month YYYY-MM (got {_show(value)})", f"月份格式必须是 YYYY-MM（收到 {_show(value)}）")
    if value < f"{EARLIEST:%Y-%m}":
        raise _Bad(f"must not be before {EARLIEST:%Y-%m} (got {value})", f"不能早于 {EARLIEST:%Y-%m}（收到 {value}）")
    if value > f"{observed:%Y-%m}":
        raise _Bad(
            f"{value} is after the month of the observation ({observed:%Y-%m})",
            f"{value} 晚于观察月份（{observed:%Y-%m}）",
        )
    return value


_shaped(_period, Shape("string", pattern=PERIOD_PATTERN,
                       note=f"a month YYYY-MM from {EARLIEST:%Y-%m} to the month of `observed_at`"))


def _region(value: Any, _: date) -> str:
    """A county (6 digits), town (9) or community (12) code, read by level as jurisdictions are."""
    try:
        check_region_code(value)
    except InvalidRegionCode as error:
        raise _Bad(f'{error.message} (a string such as "420503")', error.message_zh) from error
    if len(value) < 6:
        raise _Bad(f"must be a county, town or community code of 6, 9 or 12 digits (got {_show(value)})",
                   f"住户所在地须为 6、9 或 12 位的区县、乡镇/街道或社区/村代码（收到 {_show(value)}）")
    return str(value)


_shaped(_region, Shape("string", pattern=HOUSEHOLD_REGION_PATTERN,
                       note="a county, town or community code (6, 9 or 12 digits, read by level)"))


def _id_number(value: Any, _: date) -> str:
    """An 18-digit resident ID number: 17 digits and a check digit (0-9 or X) that is right."""
    if not isinstance(value, str):
        raise _Bad(f"must be an 18-digit resident ID number as a string, not {_json_type(value)}", "必须是 18 位居民身份证号码字符串")
    if len(value) > limits.MAX_ID_NUMBER_INPUT:
        raise _too_long(limits.MAX_ID_NUMBER_INPUT, len(value))
    number = clean(value, " -").upper().strip()
    if not _RIC.fullmatch(number):
        raise _Bad(
            "must be an 18-digit resident ID number: 17 digits then a check digit 0-9 or X",
            "必须是 18 位居民身份证号码：17 位数字加 1 位校验码（0-9 或 X）",
        )
    if number[-1] != ric.calc_check_digit(number):
        raise _Bad("18-digit resident ID number fails its checksum", "18 位居民身份证号码校验码错误")
    try:
        ric.get_birth_date(number)
    except StdnumError as error:
        raise _Bad(
            f"resident ID number holds an impossible birth date ({number[6:14]})",
            f"居民身份证号码中的出生日期不存在（{number[6:14]}）",
        ) from error
    return number


_shaped(_id_number, Shape("string", max_length=limits.MAX_ID_NUMBER_INPUT, note=(
    "an 18-digit resident ID number (17 digits and a GB 11643 check digit 0-9 or X; spaces and hyphens are "
    "removed); the birth date in it must be the person's `birth_date`")))


def _id_matches_birth(person: dict[str, Any]) -> list[_Problem]:
    """The birth date inside the ID number must be the declared `birth_date`."""
    number, born = person.get("id_number"), person.get("birth_date")
    if number is None or born is None:
        return []
    embedded = ric.get_birth_date(number).isoformat()
    if embedded == born:
        return []
    return [_Problem(
        "id_number",
        f"the birth date in id_number ({embedded}) does not match birth_date ({born})",
        f"id_number 中的出生日期（{embedded}）与 birth_date（{born}）不一致",
    )]


def _object(specs: tuple[Spec, ...], after: Callable[[dict[str, Any]], list[_Problem]] | None = None, *,
            title: str, note: str = "") -> Check:
    """A JSON object checked field by field, then (optionally) across fields; `title` names its schema."""

    def check(value: Any, observed: date) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _Bad(f"must be an object, not {_json_type(value)}", "必须是对象")
        out, problems = _fields(value, specs, observed)
        if after is not None:
            problems += after(out)
        if problems:
            raise _Bad(problems=problems)
        return out

    return _shaped(check, Shape("object", fields=specs, title=title, note=note))


def _list_of(item: Check, *, most: int, noun: tuple[str, str] = ("items", "项"), non_empty: bool = False,
             key: str | None = None) -> Check:
    """A list of at most `most` items that each pass `item`; with `key`, no two items may share that
    key's value. A list over the bound is refused as a whole: its items are not looked at, so a
    huge list costs one check and gives one error."""

    def check(value: Any, observed: date) -> list[Any]:
        if not isinstance(value, list) or (non_empty and not value):
            qualifier = "non-empty " if non_empty else ""
            raise _Bad(f"must be a {qualifier}list, not {_show(value)}", "必须是非空列表" if non_empty else "必须是列表")
        if len(value) > most:
            raise _Bad(f"must hold at most {most} {noun[0]} (got {len(value)})",
                       f"最多 {most} {noun[1]}（收到 {len(value)} {noun[1]}）")
        out, problems = [], []
        for index, element in enumerate(value):
            try:
                out.append(item(element, observed))
            except _Bad as bad:
                problems += _under(f"[{index}]", bad.problems)
        if key is not None:
            problems += _repeats(value, key)
        if problems:
            raise _Bad(problems=problems)
        return out

    return _shaped(check, Shape("array", items=item, min_items=1 if non_empty else None, max_items=most,
                                note=f"no two share a `{key}`" if key else ""))


def _repeats(items: list[Any], key: str) -> list[_Problem]:
    first: dict[str, int] = {}
    problems = []
    for index, value in _ids_at(items, key):
        if value in first:
            problems.append(_Problem(
                f"[{index}].{key}",
                f"{key} {value} appears twice (also at [{first[value]}])",
                f"{key} {value} 重复出现（另见第 {first[value]} 项）",
            ))
        first.setdefault(value, index)
    return problems


def _ids_at(items: Any, key: str | None = None) -> Iterator[tuple[int, str]]:
    """(index, id) of each well-formed identifier in a raw list (or in its objects' `key`)."""
    if not isinstance(items, list):
        return
    for index, item in enumerate(items):
        if key is not None:
            item = item.get(key) if isinstance(item, dict) else None
        try:
            yield index, _identifier(item)
        except _Bad:
            continue  # already reported as malformed


_SEEN = _list_of(_identifier, most=limits.MAX_RESIDENTS_SEEN, noun=("residents", "人"))


def _residents_seen(value: Any, observed: date) -> list[str]:
    return list(dict.fromkeys(_SEEN(value, observed)))


_shaped(_residents_seen, Shape("array", items=_identifier, max_items=limits.MAX_RESIDENTS_SEEN,
                               note="members of the household; a repeated id counts once"))


def _within(items: Any, most: int) -> Any:
    """A raw list worth looking up in the registry: one over its bound is refused already."""
    return items if not isinstance(items, list) or len(items) <= most else []


# --- the vocabulary as data ------------------------------------------------------------------

PERSON = (
    Spec("name", _NAME),
    Spec("id_number", _id_number, required=False),
    Spec("sex", _enum(v.SEX)),
    Spec("birth_date", _event_date),
    Spec("relation", _enum(v.RELATIONS)),
)
MEMBER = _object((Spec("resident", _identifier), *PERSON), after=_id_matches_birth, title="Member",
                 note="`resident` is the new member's id, not in use yet")
PARENT = _object((Spec("status", _enum(v.PARENT_STATUSES)), Spec("since", _event_date, required=False)),
                 title="ParentStatus")
PROGRAMME = Spec("programme", _enum(v.PROGRAMMES))

DATA_FIELDS: dict[str, tuple[Spec, ...]] = {
    "household.registered": (
        Spec("region", _region), Spec("grid", _GRID), Spec("address", _ADDRESS),
        Spec("hukou", _enum(v.HUKOU)), Spec("local_hukou", _bool, required=False, default=True),
        Spec("members", _list_of(MEMBER, most=limits.MAX_MEMBERS, noun=("members", "人"), non_empty=True,
                                 key="resident")),
    ),
    "resident.joined": (*PERSON, Spec("reason", _enum(v.JOIN_REASONS))),
    "resident.left": (Spec("reason", _enum(v.LEAVE_REASONS)), Spec("date", _past_date)),
    "resident.died": (Spec("date", _event_date),),
    "household.income_reported": (
        Spec("monthly_income", _money), Spec("period", _period),
        Spec("income_type", _enum(v.INCOME_TYPES)), Spec("source", _enum(v.INCOME_SOURCES)),
    ),
    "household.assets_reported": (
        Spec("financial_assets", _money), Spec("motor_vehicles", _int_range(0, limits.MAX_COUNT)),
        Spec("extra_properties", _int_range(0, limits.MAX_COUNT)),
    ),
    "household.expense_reported": (
        Spec("kind", _enum(v.EXPENSE_KINDS)), Spec("amount", _money), Spec("date", _event_date),
    ),
    "household.emergency_reported": (
        Spec("kind", _enum(v.EMERGENCY_KINDS)), Spec("date", _event_date),
        Spec("loss", _money, required=False), Spec("resident", _identifier, required=False),
    ),
    "household.hardship_reported": (
        Spec("signal", _enum(v.HARDSHIP_SIGNALS)), Spec("urgency", _enum(v.URGENCIES)),
        Spec("resident", _identifier, required=False), Spec("note", _NOTE, required=False),
    ),
    "household.rural_risk_reported": (Spec("risk", _enum(v.RURAL_RISKS)), Spec("date", _event_date)),
    "household.visited": (
        Spec("purpose", _enum(v.VISIT_PURPOSES)), Spec("residents_seen", _residents_seen, required=False),
        Spec("note", _NOTE, required=False),
    ),
    "resident.disability_assessed": (
        Spec("category", _enum(v.DISABILITY_CATEGORIES)), Spec("grade", _int_range(1, 4)), Spec("certified", _bool),
    ),
    "resident.illness_reported": (
        Spec("condition", _CONDITION), Spec("serious", _bool), Spec("hospitalized", _bool), Spec("date", _past_date),
    ),
    "resident.labour_capacity_assessed": (Spec("capacity", _enum(v.CAPACITIES)),),
    "resident.employment_changed": (Spec("status", _enum(v.EMPLOYMENT)), Spec("date", _event_date)),
    "resident.care_dependency_assessed": (Spec("level", _enum(v.CARE_LEVELS)),),
    "resident.living_arrangement_reported": (
        Spec("lives_alone", _bool), Spec("empty_nest", _bool), Spec("left_behind", _bool), Spec("special_family", _bool),
    ),
    "resident.parent_status_reported": (Spec("father", PARENT), Spec("mother", PARENT)),
    "resident.school_status_reported": (Spec("status", _enum(v.SCHOOL_STATUSES)), Spec("full_time", _bool)),
    "resident.supporter_reported": (Spec("has_capable_supporter", _bool),),
    "coverage.enrolled": (
        PROGRAMME, Spec("start", _scheduled_date), Spec("monthly_amount", _money, required=False),
        Spec("review_interval_months", _int_range(1, 60), required=False),
    ),
    "coverage.reviewed": (PROGRAMME, Spec("date", _event_date), Spec("outcome", _enum(v.REVIEW_OUTCOMES))),
    "coverage.paid": (PROGRAMME, Spec("period", _period), Spec("amount", _money)),
    "coverage.suspended": (PROGRAMME, Spec("date", _event_date), Spec("reason", _NOTE)),
    "coverage.resumed": (PROGRAMME, Spec("date", _event_date)),
    "coverage.terminated": (
        PROGRAMME, Spec("date", _event_date), Spec("reason", _enum(v.TERMINATION_REASONS)),
        Spec("grace_until", _scheduled_date, required=False),
    ),
    "application.submitted": (Spec("application", _identifier), PROGRAMME, Spec("date", _event_date)),
    "application.decided": (
        Spec("application", _identifier), Spec("date", _event_date), Spec("decision", _enum(v.DECISIONS)),
        Spec("reason", _NOTE, required=False),
    ),
    "clock.tick": (Spec("date", _event_date),),
}
# Checks across fields of one kind's data.
DATA_AFTER: dict[str, Callable[[dict[str, Any]], list[_Problem]]] = {"resident.joined": _id_matches_birth}
# Kinds whose data names members of the household: the field (an id, or a list of ids).
MEMBER_REFERENCES: dict[str, str] = {
    "household.emergency_reported": "resident",
    "household.hardship_reported": "resident",
    "household.visited": "residents_seen",
}

SUBJECT_ID: Check = _identifier  # how the envelope's `household` and `resident` are checked when given
# Envelope `household` / `resident` by subject: required, optional or absent (null or blank).
SUBJECT_RULES: dict[str, tuple[str, str]] = {
    v.HOUSEHOLD: ("required", "absent"),
    v.RESIDENT: ("required", "required"),
    v.HOUSEHOLD_OR_RESIDENT: ("required", "optional"),
    v.NO_SUBJECT: ("absent", "absent"),
}


# --- the envelope ------------------------------------------------------------------------------


def _kind(value: Any, _: date) -> str:
    if isinstance(value, str) and value in v.SUBJECTS:
        return value
    close = difflib.get_close_matches(value, v.OBSERVATION_KINDS, n=1) \
        if isinstance(value, str) and len(value) <= limits.MAX_ID else []  # a huge string is no typo
    hint, hint_zh = (f" (did you mean {close[0]}?)", f"（是否为 {close[0]}？）") if close else ("", "")
    raise _Bad(
        f"unknown kind {_show(value)}{hint}; expected one of: {', '.join(v.OBSERVATION_KINDS)}",
        f"未知的观察类型 {_show(value)}{hint_zh}；可用类型：{', '.join(v.OBSERVATION_KINDS)}",
    )


_shaped(_kind, Shape("string", enum=v.OBSERVATION_KINDS))
OBSERVED_AT = Shape("string", format="date-time", note=(
    f"ISO 8601 with a UTC offset, e.g. 2026-03-01T09:30:00+08:00; any offset is accepted, and the "
    f"observation's date is its date in China Standard Time (2026-02-28T20:00:00Z is 2026-03-01); from "
    f"{EARLIEST} to {FUTURE_SKEW.seconds // 60} minutes after the server's clock; not before the "
    f"household's registration"))


def _observed_at(now: datetime) -> Check:
    """ISO-8601 with a UTC offset, not before 1900, not more than a few minutes ahead of `now`."""

    def check(value: Any, _: date) -> datetime:
        example = "e.g. 2026-03-01T09:30:00+08:00"
        if not isinstance(value, str):
            raise _Bad(f"must be an ISO-8601 date and time with a UTC offset, {example}", "必须是带时区的 ISO-8601 时间，例如 2026-03-01T09:30:00+08:00")
        try:
            at = datetime.fromisoformat(value)
        except ValueError as error:
            raise _Bad(f"is not an ISO-8601 date and time ({_show(value)}); {example}",
                       f"不是有效的 ISO-8601 时间（{_show(value)}），例如 2026-03-01T09:30:00+08:00") from error
        if at.utcoffset() is None:
            raise _Bad(f"has no UTC offset; add one, {example}", "缺少时区；请加上，例如 +08:00")
        if at.date() < EARLIEST:
            raise _Bad(f"must not be before {EARLIEST}", f"不能早于 {EARLIEST}")
        if at > now + FUTURE_SKEW:
            raise _Bad(f"is in the future (server time is {now.isoformat(timespec='seconds')})",
                       f"观察时间在未来（服务器时间 {now.isoformat(timespec='seconds')}）")
        return at

    return _shaped(check, OBSERVED_AT)


def envelope_specs(now: datetime) -> tuple[Spec, ...]:
    """The envelope's own fields (`household`, `resident` and `data` depend on the kind: SUBJECT_RULES)."""
    return (
        Spec("observation_id", _identifier),
        Spec("informant", _identifier),
        Spec("kind", _kind),
        Spec("observed_at", _observed_at(now)),
    )


def _subject_id(name: str, raw: Any, rule: str, kind: str) -> tuple[str | None, list[_Problem]]:
    """The envelope's `household` or `resident`, as the kind's subject wants it."""
    given = not _absent(raw, required=False)
    if rule == "absent":
        if not given:
            return None, []
        why, why_zh = ("clock.tick is about no household", "clock.tick 不涉及任何户") if kind == "clock.tick" else (
            f"{kind} is about the whole household", f"{kind} 针对整户")
        return None, [_Problem(name, f"must be absent: {why}", f"不应填写：{why_zh}")]
    if not given:
        return None, [_Problem(name, f"is required for {kind}", f"{kind} 必须填写此项")] if rule == "required" else []
    try:
        return _identifier(raw), []
    except _Bad as bad:
        return None, _under(name, bad.problems)


def _data(kind: str | None, raw: Any, observed: date) -> tuple[dict[str, Any], list[_Problem]]:
    if raw is None:
        return {}, [_Problem("data", "is required: an object with the observation's fields", "必填：包含观察字段的对象")]
    if not isinstance(raw, dict):
        return {}, [_Problem("data", f"must be an object, not {_json_type(raw)}", "必须是对象")]
    if kind is None:
        return {}, []
    data, problems = _fields(raw, DATA_FIELDS[kind], observed)
    if kind in DATA_AFTER:
        problems += DATA_AFTER[kind](data)
    return data, _under("data", problems)


# --- references to what the registry knows ------------------------------------------------------


def _membership(field: str, resident: str, household: str, registry: Registry) -> list[_Problem]:
    home = registry.resident_household(resident)
    if home is None:
        return [_Problem(field, f"unknown resident {resident}", f"未知的居民 {resident}", NOT_FOUND)]
    if home != household:
        return [_Problem(field, f"resident {resident} is not a member of household {household}",
                         f"居民 {resident} 不是户 {household} 的成员")]
    return []


def _in_use(field: str, resident: str, registry: Registry) -> list[_Problem]:
    if registry.resident_household(resident) is None:
        return []
    return [_Problem(field, f"resident id {resident} is already in use", f"居民编号 {resident} 已被使用", CONFLICT)]


def _references(kind: str, household: str, resident: str | None, raw_data: Any, registry: Registry) -> list[_Problem]:
    """Named households and residents must exist and belong together; new ones must be new."""
    raw = raw_data if isinstance(raw_data, dict) else {}
    if kind == "household.registered":
        problems = [_Problem("household", f"household {household} is already registered", f"户 {household} 已登记", CONFLICT)] \
            if registry.household_exists(household) else []
        for index, rid in _ids_at(_within(raw.get("members"), limits.MAX_MEMBERS), "resident"):
            problems += _in_use(f"data.members[{index}].resident", rid, registry)
        return problems
    if not registry.household_exists(household):
        return [_Problem("household", f"unknown household {household}", f"未知的户 {household}", NOT_FOUND)]
    problems = []
    if resident is not None:
        joining = kind == "resident.joined"
        problems += _in_use("resident", resident, registry) if joining else _membership("resident", resident, household, registry)
    for path, rid in _named_in_data(kind, raw):
        problems += _membership(path, rid, household, registry)
    return problems


def _named_in_data(kind: str, raw: dict[Any, Any]) -> list[tuple[str, str]]:
    """(path, resident id) of each well-formed member reference inside `data`."""
    field = MEMBER_REFERENCES.get(kind)
    if field is None:
        return []
    value = raw.get(field)
    if isinstance(value, list):
        return [(f"data.{field}[{index}]", rid) for index, rid in _ids_at(_within(value, limits.MAX_RESIDENTS_SEEN))]
    return [(f"data.{field}", rid) for _, rid in _ids_at([value])]


def _chronology(kind: str, household: str, observed_at: datetime | None, raw_data: Any,
                registry: Registry) -> list[_Problem]:
    """What cannot have happened given what is recorded: an observation of a household before its
    registration, a decision on an application never submitted. Only for a registered household."""
    problems = []
    registered = registry.registered_at(household) if kind != "household.registered" else None
    if registered is not None and observed_at is not None and observed_at < registered:
        problems.append(_Problem(
            "observed_at", f"is before the household's registration ({registered.isoformat()})",
            f"早于该户的登记时间（{registered.isoformat()}）"))
    application = raw_data.get("application") if isinstance(raw_data, dict) else None
    if kind == "application.decided" and isinstance(application, str) and application \
            and not registry.application_submitted(household, application):
        problems.append(_Problem(
            "data.application", f"application {_show(application)} was never submitted for household {household}",
            f"户 {household} 没有提交过申请 {_show(application)}", NOT_FOUND))
    return problems


def _programme_level(kind: str, data: dict[str, Any], resident_given: bool) -> list[_Problem]:
    """A per-person programme names its resident; a household programme names none (dibao: either)."""
    programme = data.get("programme")
    if programme is None or not kind.startswith(("coverage.", "application.")):
        return []
    zh, en = v.PROGRAMME_NAMES[programme]
    if programme in v.RESIDENT_LEVEL_PROGRAMMES and not resident_given:
        return [_Problem("resident", f"is required: {programme} ({en}) is granted to one person",
                         f"必须填写：{programme}（{zh}）是个人项目")]
    if programme in v.HOUSEHOLD_LEVEL_PROGRAMMES and resident_given:
        return [_Problem("resident", f"must be absent: {programme} ({en}) is granted to the whole household",
                         f"不应填写：{programme}（{zh}）是家庭项目")]
    return []


def _status(problems: list[_Problem]) -> int:
    statuses = {p.status for p in problems}
    if UNPROCESSABLE in statuses:
        return UNPROCESSABLE
    return NOT_FOUND if NOT_FOUND in statuses else CONFLICT


def parse_observation(envelope: Any, registry: Registry, *, now: datetime) -> Observation:
    """Validate one envelope; raise InvalidObservation listing EVERY problem found (not just the first).

    `now` should be timezone-aware; a naive `now` is taken as UTC.
    """
    if not isinstance(envelope, dict):
        raise InvalidObservation([FieldError("", f"an observation must be a JSON object, not {_json_type(envelope)}",
                                             "观察记录必须是 JSON 对象")])
    now = now if now.utcoffset() is not None else now.replace(tzinfo=timezone.utc)
    head, problems = _fields(envelope, envelope_specs(now), china_date(now))
    kind: str | None = head.get("kind")
    observed: date = china_date(head["observed_at"] if "observed_at" in head else now)
    household_rule, resident_rule = SUBJECT_RULES[v.SUBJECTS[kind]] if kind else ("optional", "optional")
    household, more = _subject_id("household", envelope.get("household"), household_rule, kind or "")
    problems += more
    resident, more = _subject_id("resident", envelope.get("resident"), resident_rule, kind or "")
    problems += more
    data, more = _data(kind, envelope.get("data"), observed)
    problems += more
    if kind is not None:
        resident_given = not _absent(envelope.get("resident"), required=False)
        problems += _programme_level(kind, data, resident_given)
        if household is not None:
            references = _references(kind, household, resident, envelope.get("data"), registry)
            problems += references
            if not any(p.path == "household" for p in references):
                problems += _chronology(kind, household, head.get("observed_at"), envelope.get("data"), registry)
    if problems:
        errors = [FieldError(p.path, p.message, p.message_zh) for p in problems]
        raise InvalidObservation(errors, _status(problems))
    assert kind is not None
    return Observation(head["observation_id"], head["informant"], head["observed_at"], kind, household, resident, data)
