"""Dates as departments write them: ISO, 2025/1/3, 2025年1月3日, Excel serial numbers and date cells."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

# Excel's 1900 date system counts 1900-02-29, a day that never was (serial 60): from serial 61 on,
# day 0 is 1899-12-30; before it, 1899-12-31.
_EXCEL_EPOCH, _EXCEL_EARLY_EPOCH, _EXCEL_LEAP_BUG = date(1899, 12, 30), date(1899, 12, 31), 60
_EXCEL_LAST = 2958465  # 9999-12-31
_SERIAL = re.compile(r"[0-9]{1,7}(?:\.[0-9]+)?")
_MONTH_FORMS = (re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})"), re.compile(r"([0-9]{4})年([0-9]{1,2})月"),
                re.compile(r"([0-9]{4})([0-9]{2})"))


def excel_serial(serial: float) -> date:
    """The day of an Excel serial number (1900 date system; a fraction is the time of day, dropped)."""
    days = int(serial)
    if serial < 1 or days > _EXCEL_LAST:
        raise ValueError(f"{serial!r} is not an Excel date serial number")
    if days == _EXCEL_LEAP_BUG:
        raise ValueError("Excel serial 60 is 1900-02-29, a day that never was")
    return (_EXCEL_EPOCH if days > _EXCEL_LEAP_BUG else _EXCEL_EARLY_EPOCH) + timedelta(days=days)


def parse_date(value: Any, formats: Sequence[str]) -> date:
    """A cell as a day: a date or datetime cell, an Excel serial number (as a number or its digits), an ISO
    date or date-time, or text in one of `formats` (strptime, tried in order); ValueError otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return excel_serial(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{value!r} is not a date")
    text = value.strip()
    for form in formats:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    for iso in (date.fromisoformat, lambda t: datetime.fromisoformat(t).date()):
        try:
            return iso(text)
        except ValueError:
            continue
    if _SERIAL.fullmatch(text) and len(text.split(".")[0]) <= 5:  # 20250103 is a date, not a serial
        return excel_serial(float(text))
    raise ValueError(f"{text!r} is not a date in a known form")


def parse_month(value: Any, formats: Sequence[str]) -> str:
    """A cell as a calendar month YYYY-MM: 2025-01, 2025/1, 2025年1月, 202501, or any date `parse_date` reads."""
    if isinstance(value, str):
        text = value.strip()
        for form in _MONTH_FORMS:
            found = form.fullmatch(text)
            if found:
                if not 1 <= int(found.group(2)) <= 12:
                    raise ValueError(f"{text!r} is not a month: there is no month {int(found.group(2))}")
                return f"{int(found.group(1)):04d}-{int(found.group(2)):02d}"
    try:
        day = parse_date(value, formats)
    except ValueError as error:
        raise ValueError(f"{value!r} is not a month") from error
    return f"{day:%Y-%m}"
