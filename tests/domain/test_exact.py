"""Comparisons RULES.md states unrounded are made on the exact decimal values, not on float artefacts."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from domain.exact import per, product, total


def test_the_rigid_limit_is_not_rounded_to_the_fen() -> None:
    income = total([2457.33] * 12)
    assert income == 29487.96 != sum([2457.33] * 12)  # a float sum gives 29487.960000000006
    limit = product(0.6, income)
    assert limit == 17692.776 != 0.6 * 29487.96 and 17692.78 > limit > 17692.77


def test_equal_exact_values_stay_equal() -> None:
    """1.5 × 770.01 is 1155.015 exactly, and so is 2,310.03 shared by two: at the edge line, not below it."""
    assert 1.5 * 770.01 != 1155.015  # what plain floats give
    assert product(1.5, 770.01) == 1155.015 == per(2310.03, 2)
    assert not per(2310.03, 2) < product(1.5, 770.01)


def test_per_capita_per_year() -> None:
    assert per(2012.5, 3, 12) == 8050.0  # the monitoring line itself: not below it
    assert per(2012.49, 3, 12) < 8050.0


amounts = st.one_of(st.integers(-10**9, 10**9),
                    st.decimals(-10**7, 10**7, places=3, allow_nan=False, allow_infinity=False).map(float))


def reference(value: float | int) -> Fraction:
    return Fraction(Decimal(repr(value))) if isinstance(value, float) else Fraction(value)


@given(st.lists(amounts, max_size=14), st.integers(1, 40), st.integers(1, 12))
def test_the_integer_arithmetic_is_the_fraction_arithmetic_to_the_last_bit(values: list[float], count: int,
                                                                             times: int) -> None:
    """The results are the floats nearest the exact decimal values, as Fractions gave them."""
    assert total(values) == float(sum((reference(v) for v in values), Fraction(0)))
    assert product(*values) == float(math.prod((reference(v) for v in values), start=Fraction(1)))
    for value in values:
        assert per(value, count, times) == float(reference(value) * times / count)
