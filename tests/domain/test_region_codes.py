"""Region codes read by level (RULES.md § Parameters): what each code covers, and what is no code."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.region_codes import (HOUSEHOLD_REGION_PATTERN, REGION_CODE_PATTERN, InvalidRegionCode, covers_region,
                                 is_region_code, narrowed, region_level, region_scope)


@pytest.mark.parametrize(("code", "scope", "level"), [
    ("50", "50", "province"),
    ("500000", "50", "province"),           # 6 digits ending 0000: all of the province
    ("5105", "5105", "city"),
    ("510500", "5105", "city"),             # 6 digits ending 00: all of the city
    ("500100", "5001", "city"),
    ("500103", "500103", "county"),
    ("500103100", "500103100", "town"),     # town 100, not towns 100-199
    ("500103101", "500103101", "town"),
    ("500103200", "500103200", "town"),     # townships are numbered 2xx
    ("500103001100", "500103001100", "village"),  # village 100 of town 001
    ("500103100100", "500103100100", "village"),
])
def test_a_code_stands_for_its_place(code: str, scope: str, level: str) -> None:
    assert region_scope(code) == scope and region_level(code) == level and is_region_code(code)


@pytest.mark.parametrize(("code", "why"), [
    ("", "empty"),
    ("5", "1 digits"), ("500", "3 digits"), ("5001031", "7 digits"), ("50010310", "8 digits"),
    ("5001031000", "10 digits"), ("5001031000011", "13 digits"),
    ("50a103", "digits 0-9 only"), ("５００１０３", "digits 0-9 only"), (" 500103", "digits 0-9 only"),
    ("500103\n", "digits 0-9 only"), ("-500103", "digits 0-9 only"),
    ("00", "province part is 00"), ("000000", "province part is 00"), ("000100", "province part is 00"),
    ("5000", "city part is 00"), ("500001", "city part is 00"),
    ("500100001", "county part is 00"),
    ("500103000", "town or street part is 000"),              # chosen: town part 000 is no town
    ("500103100000", "community or village part is 000"),     # RULES.md: not a code at all
    ("500103000001", "town or street part is 000"),
])
def test_what_is_not_a_code_is_refused_with_the_reason(code: str, why: str) -> None:
    with pytest.raises(InvalidRegionCode) as refused:
        region_scope(code)
    assert why in refused.value.message and repr(code) in refused.value.message
    assert refused.value.message_zh and "不是有效的行政区划代码" in refused.value.message_zh
    assert not is_region_code(code)


@pytest.mark.parametrize("value", [None, 500103, 5.0, ["500103"]])
def test_a_value_that_is_not_a_string_is_no_code(value: object) -> None:
    assert not is_region_code(value)
    with pytest.raises(InvalidRegionCode):
        region_scope(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(("scope_code", "region", "inside"), [
    ("500103100", "500103100001", True),
    ("500103100", "500103100", True),          # the place itself
    ("500103100", "500103101001", False),      # the neighbouring town (issue 14)
    ("500103100", "500103199001", False),
    ("500103100", "500103001100", False),      # village 100 of town 001 is not in town 100
    ("500103001100", "500103001100", True),
    ("500103001100", "500103001101", False),
    ("500000", "500103100001", True),          # all of Chongqing
    ("50", "500103100001", True),
    ("500000", "510502001004", False),
    ("510500", "510502001004", True),          # all of Luzhou
    ("510500", "510602001004", False),
    ("500103", "500104001001", False),
    ("500103", None, False),
])
def test_covers_region(scope_code: str, region: str | None, inside: bool) -> None:
    assert covers_region(scope_code, region) is inside


def test_covers_refuses_a_scope_that_is_no_code() -> None:
    with pytest.raises(InvalidRegionCode):
        covers_region("5001031", "500103100001")


@pytest.mark.parametrize(("mine", "asked", "read"), [
    ("500103", "500103100", "500103100"),      # narrowed to a town under mine
    ("500103100", "500103101", "500103100"),   # a neighbour is not narrowed into: mine
    ("500103100", "500103", "500103100"),      # wider than mine: mine
    ("", "510500", "5105"),                    # everywhere, narrowed to a city (abbreviated)
    ("", None, ""),
    ("5105", "510500", "5105"),
])
def test_narrowed(mine: str, asked: str | None, read: str) -> None:
    assert narrowed(mine, asked) == read


@given(st.text(alphabet="0123456789", min_size=0, max_size=13))
def test_the_schema_pattern_reads_codes_as_the_check_does(code: str) -> None:
    assert bool(re.fullmatch(REGION_CODE_PATTERN.strip("^$"), code)) == is_region_code(code)


@given(st.sampled_from([2, 4, 6, 9, 12]).flatmap(lambda n: st.text(alphabet="0123", min_size=n, max_size=n)))
def test_the_pattern_agrees_on_codes_full_of_zeros(code: str) -> None:
    """Digits mostly zeros exercise every zero part at every level."""
    assert bool(re.fullmatch(REGION_CODE_PATTERN.strip("^$"), code)) == is_region_code(code)


@given(st.from_regex(HOUSEHOLD_REGION_PATTERN, fullmatch=True))
def test_a_household_region_is_a_code_of_a_county_or_below(code: str) -> None:
    assert is_region_code(code) and len(code) in (6, 9, 12)
