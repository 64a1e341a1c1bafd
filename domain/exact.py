"""Exact arithmetic on yuan amounts and parameters, for comparisons RULES.md states unrounded.

Money and parameters arrive as decimals (2457.33, 0.6); binary floats only approximate them, so
a product or quotient computed in floats can land a hair on the wrong side of a threshold it
equals exactly. Each value is taken as the decimal it was written as, the arithmetic is done in
fractions, and only the result becomes a float — the float nearest the exact value, so that two
exact values that are equal stay equal and unequal ones keep their order.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from functools import lru_cache


def exact(value: float | int) -> Fraction:
    """The decimal a number was written as (`repr` of a float is its shortest round-tripping decimal)."""
    return Fraction(*_ratio(value))


@lru_cache(maxsize=65_536)  # amounts and parameters repeat across a district's households
def _decimal_ratio(value: float) -> tuple[int, int]:
    return Decimal(repr(value)).as_integer_ratio()


def _ratio(value: float | int) -> tuple[int, int]:
    """`exact(value)` as numerator and denominator: the arithmetic below stays in integers, whose
    division Python rounds correctly to the nearest float (as `float(Fraction)` does, at a fraction
    of the cost of building Fractions for every household judged)."""
    return _decimal_ratio(value) if isinstance(value, float) else (int(value), 1)


def product(*factors: float | int) -> float:
    """The exact product, as the nearest float."""
    numerator = denominator = 1
    for factor in factors:
        n, d = _ratio(factor)
        numerator, denominator = numerator * n, denominator * d
    return numerator / denominator


def per(total: float | int, count: int, times: int = 1) -> float:
    """`total / count × times`, exactly, as the nearest float (per-capita income, per month or per year)."""
    n, d = _ratio(total)
    return n * times / (d * count)


def total(amounts: list[float]) -> float:
    """The exact sum of amounts, as the nearest float."""
    numerator, denominator = 0, 1
    for amount in amounts:
        n, d = _ratio(amount)
        numerator, denominator = numerator * d + n * denominator, denominator * d
    return numerator / denominator
