"""Region codes read by level (RULES.md § Parameters), in one place for parameters, jurisdictions,
access checks and statistics.

Why one module: a code that reads as a wider place than it names leaks households, alerts and
parameter values across neighbours (a town `500103100` read as `5001031` covered towns 100–199).
Codes follow GB/T 2260 and the statistical division codes: 2 digits a province, 4 a city, 6 a
county, 9 a town or street, 12 a community or village. Only a 6-digit code abbreviates: `500000`
is all of province 50, `510500` all of city 5105. A 9- or 12-digit code is exactly that place and
what lies under it, zeros included. No level is numbered zero, so a part of zeros (`500103000`,
`500103100000`, `5000`) is not a code.

`region_scope(code)` is the prefix every region inside the place starts with; a household's region
is inside when it starts with that prefix (`covers_region`), which is also what `region LIKE
scope || '%'` asks in the read views.
"""

from __future__ import annotations

import re
from typing import Any

LEVELS = {2: "province", 4: "city", 6: "county", 9: "town", 12: "village"}
LEVEL_WORDS = {"province": ("省", "province"), "city": ("市", "city"), "county": ("区县", "county"),
               "town": ("乡镇/街道", "town or street"), "village": ("社区/村", "community or village")}
# Each level's part of the code: (level, start, end) in the digits.
PARTS = (("province", 0, 2), ("city", 2, 4), ("county", 4, 6), ("town", 6, 9), ("village", 9, 12))
_DIGITS = re.compile(r"[0-9]+")

# The same reading as a JSON-schema pattern (no look-arounds, so schema fuzzers can generate from it).
_TWO = "(0[1-9]|[1-9][0-9])"
_THREE = "(00[1-9]|0[1-9][0-9]|[1-9][0-9]{2})"
REGION_CODE_PATTERN = f"^{_TWO}({_TWO}({_TWO}({_THREE}({_THREE})?)?|00)?|0000)?$"
# A household's region: a county (or a 6-digit abbreviation) or below, as registrations carry them.
HOUSEHOLD_REGION_PATTERN = f"^{_TWO}(0000|{_TWO}(00|{_TWO}({_THREE}({_THREE})?)?))$"


class InvalidRegionCode(ValueError):
    """A value that is not a region code, saying which value and why, in Chinese and English."""

    def __init__(self, code: Any, reason: str, reason_zh: str) -> None:
        self.code = code
        self.reason = reason
        self.reason_zh = reason_zh
        shown = code[:32] + "…" if isinstance(code, str) and len(code) > 32 else code
        self.message = f"{shown!r} is not a region code: {reason}"
        self.message_zh = f"{shown!r} 不是有效的行政区划代码：{reason_zh}"
        super().__init__(f"{self.message_zh} / {self.message}")


def _refuse(code: Any) -> InvalidRegionCode | None:
    """Why `code` is not a region code, or None when it is one."""
    if code == "":
        return InvalidRegionCode(code, "it is empty", "代码为空")
    if not isinstance(code, str) or not _DIGITS.fullmatch(code):
        return InvalidRegionCode(code, "a region code is made of the digits 0-9 only",
                                 "行政区划代码只能由数字 0–9 组成")
    if len(code) not in LEVELS:
        return InvalidRegionCode(
            code, f"it has {len(code)} digits; a region code has 2 (province), 4 (city), 6 (county), "
                  "9 (town or street) or 12 (community or village)",
            f"共 {len(code)} 位；行政区划代码应为 2 位（省）、4 位（市）、6 位（区县）、"
            "9 位（乡镇/街道）或 12 位（社区/村）")
    read = _scope_length(code)
    for level, start, end in PARTS:
        if end <= read and set(code[start:end]) == {"0"}:
            return _zero_part(code, level, start, end)
    return None


def _scope_length(code: str) -> int:
    """How many leading digits name the place: a 6-digit code ending in zeros abbreviates its province or city."""
    if len(code) == 6 and code.endswith("0000"):
        return 2
    if len(code) == 6 and code.endswith("00"):
        return 4
    return len(code)


def _zero_part(code: str, level: str, start: int, end: int) -> InvalidRegionCode:
    part, (zh, en) = code[start:end], LEVEL_WORDS[level]
    return InvalidRegionCode(code, f"its {en} part is {part}, and no {en} is numbered zero",
                             f"其中{zh}级部分为 {part}，没有编号为零的{zh}")


def check_region_code(code: Any) -> str:
    """`code` itself when it is a region code; InvalidRegionCode (saying why) otherwise."""
    refused = _refuse(code)
    if refused is not None:
        raise refused
    return str(code)


def is_region_code(code: Any) -> bool:
    return _refuse(code) is None


def region_scope(code: str) -> str:
    """The prefix every region inside the place `code` names starts with: `500000` -> `50`,
    `510500` -> `5105`, `500103100` -> `500103100`; InvalidRegionCode for what is not a code."""
    return check_region_code(code)[:_scope_length(code)]


def region_level(code: str) -> str:
    """The level of the place a code names (`province` … `village`), abbreviations read as their place."""
    return LEVELS[len(region_scope(code))]


def covers_region(scope_code: str, region: str | None) -> bool:
    """Whether the household region `region` lies in the place `scope_code` names (itself included)."""
    return isinstance(region, str) and region.startswith(region_scope(scope_code))


def narrowed(scope: str, asked: str | None) -> str:
    """The scope to read: the asked region's when it lies inside `scope` ("" is everywhere), else `scope`."""
    if not asked:
        return scope
    wanted = region_scope(asked)
    return wanted if wanted.startswith(scope) else scope
