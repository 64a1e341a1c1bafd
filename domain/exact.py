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


def exact(value: float | int) -> Fraction:
    """The decimal a number was written as (`repr` of a float is its shortest round-tripping decimal)."""
    return Fraction(Decimal(repr(value))) if isinstance(value, float) else Fraction(value)


def product(*factors: float | int) -> float:
    """The exact product, as the nearest float."""
    result = Fraction(1)
    for factor in factors:
        result *= exact(factor)
    return float(result)


def per(total: float | int, count: int, times: int = 1) -> float:
    """`total / count × times`, exactly, as the nearest float (per-capita income, per month or per year)."""
    return float(exact(total) * times / count)


def total(amounts: list[float]) -> float:
    """The exact sum of amounts, as the nearest float."""
    return float(sum((exact(a) for a in amounts), Fraction(0)))
