"""Dates as departments write them: every form read as the same day, and anything else refused."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from domain.imports.dates import excel_serial, parse_date, parse_month
from domain.imports.mapping import DEFAULT_DATE_FORMATS

DAY = date(2025, 1, 3)


@pytest.mark.parametrize("value", [
    "2025-01-03", "2025/1/3", "2025/01/03", "2025年1月3日", "2025年01月03日", "20250103", " 2025-01-03 ",
    "2025-01-03T08:30:00", "2025-01-03 00:00:00",       # ISO date-times: the day
    45660, 45660.0, 45660.75, "45660",                    # Excel serial numbers (1900 system), as numbers or text
    datetime(2025, 1, 3, 14, 5), DAY,                     # date cells
])
def test_every_form_of_a_day_reads_as_that_day(value: object) -> None:
    assert parse_date(value, DEFAULT_DATE_FORMATS) == DAY


@pytest.mark.parametrize("value", ["2025-02-30", "2025/13/1", "明天", "", "  ", None, True, "2025-01", "03/01/2025",
                                   0, -5, 3_000_000, "1e5"])
def test_what_is_no_day_is_refused(value: object) -> None:
    with pytest.raises(ValueError):
        parse_date(value, DEFAULT_DATE_FORMATS)


def test_the_mappings_formats_are_tried_in_order() -> None:
    assert parse_date("03/01/2025", ("%d/%m/%Y",)) == DAY
    assert parse_date("01/03/2025", ("%m/%d/%Y", "%d/%m/%Y")) == DAY
    assert parse_date("2025-01-03", ("%d/%m/%Y",)) == DAY  # ISO always works


def test_excel_serials_count_the_day_that_never_was() -> None:
    assert excel_serial(1) == date(1900, 1, 1)
    assert excel_serial(59) == date(1900, 2, 28)
    assert excel_serial(61) == date(1900, 3, 1)
    with pytest.raises(ValueError, match="1900-02-29"):
        excel_serial(60)


@pytest.mark.parametrize("value", ["2025-01", "2025/1", "2025.01", "2025年1月", "202501", "2025-01-20",
                                   datetime(2025, 1, 31), 45660])
def test_every_form_of_a_month_reads_as_that_month(value: object) -> None:
    assert parse_month(value, DEFAULT_DATE_FORMATS) == "2025-01"


@pytest.mark.parametrize("value", ["2025-13", "202513", "一月", "", None])
def test_what_is_no_month_is_refused(value: object) -> None:
    with pytest.raises(ValueError):
        parse_month(value, DEFAULT_DATE_FORMATS)
