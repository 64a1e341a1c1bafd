"""One cell read as a value of a field's type: text, int, money, date, month, bool; or why it cannot be."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.imports.dates import parse_date, parse_month

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MONEY = re.compile(r"[¥￥]?\s*([0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)\s*元?")
_TRUE = frozenset({"是", "有", "true", "yes", "y", "1", "√", "t"})
_FALSE = frozenset({"否", "无", "false", "no", "n", "0", "×", "f"})


class Unreadable(ValueError):
    """A cell that is not a value of the type asked for, saying why in English and Chinese."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh


def spreadsheet_safe(text: str) -> str:
    """A value starting with = + - @ TAB or CR, prefixed with "'" so a spreadsheet opening a report shows it
    as text rather than running it as a formula (CSV injection)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def shown(value: Any) -> str:
    """A cell quoted for a message: cut short, and never read as a formula."""
    text = repr(value)
    return spreadsheet_safe(text if len(text) <= 40 else text[:37] + "...")


def cell_text(value: Any) -> str | None:
    """A cell as the text a spreadsheet shows (stripped); None when it is empty. A number cell holding a
    whole number is its digits (12345.0 is "12345"); a date cell is its ISO date."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def read_cell(value: Any, kind: str, formats: Sequence[str]) -> Any:
    """`value` (not empty) as a JSON-native value of type `kind`; Unreadable otherwise."""
    if isinstance(value, (dict, list)):
        raise Unreadable("must be a single value, not a list or an object", "必须是单个取值，而不是列表或对象")
    if kind == "text":
        return spreadsheet_safe(cell_text(value) or "")
    if kind == "int":
        return _int(value)
    if kind == "money":
        return _money(value)
    if kind == "date":
        try:
            return parse_date(value, formats).isoformat()
        except (ValueError, OverflowError) as error:
            raise Unreadable(f"{shown(value)} is not a date; write it as 2025-01-03, 2025/1/3 or 2025年1月3日",
                             f"{shown(value)} 不是日期；请写作 2025-01-03、2025/1/3 或 2025年1月3日") from error
    if kind == "month":
        try:
            return parse_month(value, formats)
        except (ValueError, OverflowError) as error:
            raise Unreadable(f"{shown(value)} is not a month; write it as 2025-01, 2025年1月 or 202501",
                             f"{shown(value)} 不是月份；请写作 2025-01、2025年1月 或 202501") from error
    if kind == "bool":
        return _bool(value)
    raise ValueError(f"unknown type {kind!r}")


def _int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = cell_text(value) or ""
    if re.fullmatch(r"[+-]?[0-9]+(?:\.0+)?", text):
        return int(text.split(".")[0])
    raise Unreadable(f"{shown(value)} is not a whole number", f"{shown(value)} 不是整数")


def _money(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        found = _MONEY.fullmatch(cell_text(value) or "")
        if not found:
            raise Unreadable(f"{shown(value)} is not an amount in yuan such as 1234.50",
                             f"{shown(value)} 不是金额（元），例如 1234.50")
        try:
            amount = Decimal(found.group(1).replace(",", ""))
        except InvalidOperation as error:
            raise Unreadable(f"{shown(value)} is not an amount in yuan", f"{shown(value)} 不是金额（元）") from error
    return float(round(amount, 2)) + 0.0


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = (cell_text(value) or "").lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise Unreadable(f"{shown(value)} is not yes or no (是/否, true/false, 1/0)",
                     f"{shown(value)} 不是「是/否」（是/否、true/false、1/0）")
