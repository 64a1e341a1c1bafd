"""The checks of single values (identifiers, text, enumerations, numbers, codes, ID numbers) and of an
object's fields: each normalises what it accepts or raises `Bad` saying why, in both languages."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.util import clean

from domain.households import intake_limits as limits
from domain.labels import ENUMERATIONS, value_words
from domain.households.observations.problems import Bad, Problem, json_type, show, under
from domain.households.observations.shapes import (IDENTIFIER_PATTERN, Check, Shape, Spec, shaped,
                                                   text_pattern)
from domain.region_codes import HOUSEHOLD_REGION_PATTERN, InvalidRegionCode, check_region_code

_RIC = re.compile(r"[0-9]{17}[0-9X]")


def absent(value: Any, required: bool) -> bool:
    """Null is absent; so is a blank string in an optional field (forms send "" for "nothing")."""
    return value is None or (not required and isinstance(value, str) and not value.strip())


def check_fields(raw: dict[Any, Any], specs: tuple[Spec, ...], observed: date) -> tuple[dict[str, Any], list[Problem]]:
    """Check every spec against `raw`: the normalised values, and every problem found."""
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for spec in specs:
        value = raw.get(spec.name)
        if absent(value, spec.required):
            if spec.required:
                problems.append(Problem(spec.name, "is required", "必填"))
            elif spec.default is not None:
                out[spec.name] = spec.default
            continue
        try:
            out[spec.name] = spec.check(value, observed)
        except Bad as bad:
            problems += under(spec.name, bad.problems)
    return out, problems




def too_long(most: int, length: int) -> Bad:
    return Bad(f"must be at most {most} characters (got {length})", f"不能超过 {most} 个字符（收到 {length} 个）")


def identifier(value: Any, _: date | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Bad(f"must be a non-empty string, not {json_type(value)}", "必须是非空字符串")
    if value != value.strip():
        raise Bad("must not begin or end with spaces", "首尾不能有空格")
    if len(value) > limits.MAX_ID:
        raise too_long(limits.MAX_ID, len(value))
    return value


shaped(identifier, Shape("string", pattern=IDENTIFIER_PATTERN, min_length=1, max_length=limits.MAX_ID,
                           note="kept verbatim: no surrounding whitespace"))


def text(most: int) -> Check:
    """Free text of at most `most` characters once stripped of surrounding whitespace."""

    def check(value: Any, _: date) -> str:
        if not isinstance(value, str) or not value.strip():
            raise Bad(f"must be a non-empty string, not {json_type(value)}", "必须是非空字符串")
        text = value.strip()
        if len(text) > most:
            raise too_long(most, len(text))
        return text

    return shaped(check, Shape("string", pattern=text_pattern(most), note=(
        f"1 to {most} characters, not counting surrounding whitespace (which is removed)")))


def chinese_choices(values: tuple[str, ...]) -> str:
    """The choices as a Chinese reader knows them: the labels of the vocabulary table holding exactly these
    values (`domain.labels.ENUMERATIONS`; else the smallest holding them all), else each value's own label."""
    tables = [t for t in ENUMERATIONS.values() if set(values) <= set(t)]
    table = min(tables, key=len) if tables else {}
    return "、".join(table[value][0] if value in table else (value_words(value) or (value,))[0] for value in values)


def one_of(values: tuple[str, ...]) -> Check:
    """One of `values`; the refusal lists them by their Chinese labels (the English by their codes, which the
    API's clients send)."""
    words = chinese_choices(values)

    def check(value: Any, _: date) -> str:
        if isinstance(value, str) and value in values:
            return value
        raise Bad(
            f"must be one of: {', '.join(values)} (got {show(value)})",
            f"必须是以下之一：{words}（收到 {show(value)}）",
        )

    return shaped(check, Shape("string", enum=values))


def boolean(value: Any, _: date) -> bool:
    if not isinstance(value, bool):
        raise Bad(f"must be true or false, not {json_type(value)}", "必须是 true 或 false")
    return value


shaped(boolean, Shape("boolean"))


def number(value: Any) -> float:
    """A JSON number as a float; booleans and numeric strings are refused, not coerced."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Bad(f"must be a number, not {json_type(value)}", "必须是数字")
    try:
        number = float(value)
    except OverflowError as error:
        raise Bad("is too large", "数值过大") from error
    if not math.isfinite(number):
        raise Bad("must be a finite number", "必须是有限的数字")
    return number


def money(value: Any, _: date) -> float:
    """Yuan, to the fen: not negative, rounded to 2 places."""
    amount = number(value)
    if amount < 0:
        raise Bad(f"must not be negative (got {show(value)})", f"金额不能为负数（收到 {show(value)}）")
    fen = round(amount, 2) + 0.0  # + 0.0 turns -0.0 into 0.0
    if fen > limits.MAX_MONEY:
        raise Bad(f"is implausibly large: at most {limits.MAX_MONEY:,.0f} yuan (got {show(value)})",
                   f"金额大得不合理：不能超过 {limits.MAX_MONEY:,.0f} 元（收到 {show(value)}）")
    return fen


# Rounded to the fen first: the largest amount accepted is half a fen over the bound (it rounds down to it).
shaped(money, Shape("number", minimum=0, maximum=limits.MAX_MONEY + 0.005,
                      note=f"yuan, rounded to the fen; at most {limits.MAX_MONEY:,.0f} once rounded"))


def int_range(low: int, high: int | None = None) -> Check:
    """A whole number within [low, high]; True/False are not numbers here."""
    bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
    bounds_zh = f"在 {low} 到 {high} 之间" if high is not None else f"不小于 {low}"

    def check(value: Any, _: date) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Bad(f"must be a whole number {bounds}, not {json_type(value)}", f"必须是{bounds_zh}的整数")
        if isinstance(value, float) and not value.is_integer():
            raise Bad(f"must be a whole number {bounds} (got {show(value)})", f"必须是{bounds_zh}的整数")
        number = int(value)
        if number < low or (high is not None and number > high):
            raise Bad(f"must be {bounds} (got {number})", f"必须{bounds_zh}（收到 {number}）")
        return number

    return shaped(check, Shape("integer", minimum=low, maximum=high))




def region_code(value: Any, _: date) -> str:
    """A county (6 digits), town (9) or community (12) code, read by level as jurisdictions are."""
    try:
        check_region_code(value)
    except InvalidRegionCode as error:
        raise Bad(f'{error.message} (a string such as "420503")', error.message_zh) from error
    if len(value) < 6:
        raise Bad(f"must be a county, town or community code of 6, 9 or 12 digits (got {show(value)})",
                   f"住户所在地须为 6、9 或 12 位的区县、乡镇/街道或社区/村代码（收到 {show(value)}）")
    return str(value)


shaped(region_code, Shape("string", pattern=HOUSEHOLD_REGION_PATTERN,
                       note="a county, town or community code (6, 9 or 12 digits, read by level)"))


def id_number(value: Any, _: date) -> str:
    """An 18-digit resident ID number: 17 digits and a check digit (0-9 or X) that is right."""
    if not isinstance(value, str):
        raise Bad(f"must be an 18-digit resident ID number as a string, not {json_type(value)}", "必须是 18 位居民身份证号码字符串")
    if len(value) > limits.MAX_ID_NUMBER_INPUT:
        raise too_long(limits.MAX_ID_NUMBER_INPUT, len(value))
    number = clean(value, " -").upper().strip()
    if not _RIC.fullmatch(number):
        raise Bad(
            "must be an 18-digit resident ID number: 17 digits then a check digit 0-9 or X",
            "必须是 18 位居民身份证号码：17 位数字加 1 位校验码（0-9 或 X）",
        )
    if number[-1] != ric.calc_check_digit(number):
        raise Bad("18-digit resident ID number fails its checksum", "18 位居民身份证号码校验码错误")
    try:
        ric.get_birth_date(number)
    except StdnumError as error:
        raise Bad(
            f"resident ID number holds an impossible birth date ({number[6:14]})",
            f"居民身份证号码中的出生日期不存在（{number[6:14]}）",
        ) from error
    return number


shaped(id_number, Shape("string", max_length=limits.MAX_ID_NUMBER_INPUT, note=(
    "an 18-digit resident ID number (17 digits and a GB 11643 check digit 0-9 or X; spaces and hyphens are "
    "removed); the birth date in it must be the person's `birth_date`")))


def id_matches_birth(person: dict[str, Any]) -> list[Problem]:
    """The birth date inside the ID number must be the declared `birth_date`."""
    number, born = person.get("id_number"), person.get("birth_date")
    if number is None or born is None:
        return []
    embedded = ric.get_birth_date(number).isoformat()
    if embedded == born:
        return []
    return [Problem(
        "id_number",
        f"the birth date in id_number ({embedded}) does not match birth_date ({born})",
        f"id_number 中的出生日期（{embedded}）与 birth_date（{born}）不一致",
    )]
