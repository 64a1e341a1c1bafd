"""What each check accepts, as data: a field `Spec`, the JSON `Shape` of its check, the text patterns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

# A check: (value, observed date) -> normalised value, or raise Bad.
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


def shaped(check: Check, shape: Shape) -> Check:
    setattr(check, "shape", shape)
    return check


def shape_of(check: Check) -> Shape:
    """What `check` accepts (every check of the vocabulary has a shape)."""
    shape = getattr(check, "shape", None)
    if not isinstance(shape, Shape):
        raise LookupError(f"{getattr(check, '__name__', check)!r} has no shape")
    return shape
