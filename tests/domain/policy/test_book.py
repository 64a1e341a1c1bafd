"""The PolicyBook reads each recorded value's region by level when replayed (RULES.md § Parameters)."""

from __future__ import annotations

from datetime import date

from domain.policy.parameters import ParameterTable
from domain.policy.book import PolicyBook

STANDARD = "dibao.standard_monthly.urban"


def book_with(*regions: str) -> PolicyBook:
    book = PolicyBook()
    for value, region in enumerate(regions, start=900):
        book.set_value(name=STANDARD, region=region, effective_from="2025-01-01", value=value, set_by="admin-1",
                       reason="")
    return book


def test_a_value_set_for_a_town_applies_to_that_town_alone() -> None:
    table = book_with("500103100").table(ParameterTable())
    assert table.lookup(STANDARD, "500103100001", date(2025, 2, 1)).value == 900
    assert table.lookup(STANDARD, "500103101001", date(2025, 2, 1)).value == 750  # Chongqing's before July 2025


def test_six_digit_abbreviations_stand_for_their_province_or_city() -> None:
    book = book_with("500000", "510500")
    assert [(v.region, v.value) for v in book.parameter_values()] == [("50", 900), ("5105", 901)]


def test_a_value_recorded_with_a_code_that_is_no_code_applies_nowhere() -> None:
    """`5001031` was accepted before codes were read by level; it names no place, so no household gets it."""
    book = book_with("5001031", "500103100000")
    assert book.parameter_values() == []
    table = book.table(ParameterTable())
    assert table.lookup(STANDARD, "500103100001", date(2025, 2, 1)).value == 750
