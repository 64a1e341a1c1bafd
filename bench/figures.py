"""One JSON line per figure, each beside its target (DESIGN.md § Targets) and its ratio to it.

A figure that misses its target carries `where_time_goes`: the top functions by cumulative
time of a profile of the measured work, so the line itself says where to look.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, TypeVar

T = TypeVar("T")
Better = Literal["higher", "lower"]

_OURS = ("/domain/", "/rules/", "/projections/", "/infra/", "/api/")
_ENTRY = ("/bench/", "/api/cli/", "/api/__main__", "/api/cli/__main__")


@dataclass
class Profiled:
    """What a profiled call returned, and its top three of our functions by cumulative time."""

    result: Any
    top: list[str] = field(default_factory=list)


def profiled(work: Callable[[], T], limit: int = 3) -> Profiled:
    """Run `work` under cProfile (this thread only) and keep the summary beside its result."""
    profile = cProfile.Profile()
    result = profile.runcall(work)
    return Profiled(result, top_functions(pstats.Stats(profile), limit))


def top_functions(stats: pstats.Stats, limit: int = 3) -> list[str]:
    """`file:line function (cumulative s)` of the functions costing the most, below the measured call's
    own chain of wrappers (anything costing 80 % or more of the whole is that chain, not an answer)."""
    rows = []
    for (filename, line, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if not any(part in filename for part in _ENTRY) and filename != "~":
            rows.append((cumulative, f"{_short(filename)}:{line} {name} ({cumulative:.2f} s)"))
    whole = max((cumulative for cumulative, _ in rows), default=0.0)
    rows = sorted((row for row in rows if row[0] < 0.8 * whole), reverse=True)
    return [text for _, text in rows[:limit]]


def _short(filename: str) -> str:
    for part in (*_OURS, "/site-packages/", "/lib/python3.11/"):
        if part in filename:
            return (part.strip("/") + "/" if part in _OURS else "") + filename.split(part, 1)[1]
    return filename


def figure(bench: str, name: str, value: float, unit: str, target: float | None, better: Better = "higher",
           where_time_goes: list[str] | None = None, **context: Any) -> dict[str, Any]:
    """Print and return one figure's line. `ratio_to_target` > 1 means better than the target."""
    line: dict[str, Any] = {"bench": bench, "figure": name, "value": _round(value), "unit": unit}
    if target is not None:
        ratio = (value / target if better == "higher" else target / value) if value else 0.0
        line |= {"target": target, "better": better, "ratio_to_target": round(ratio, 3), "met": ratio >= 1}
        if ratio < 1 and where_time_goes:
            line["where_time_goes"] = where_time_goes
    line |= {key: _round(val) if isinstance(val, float) else val for key, val in context.items()}
    print(json.dumps(line, ensure_ascii=False), flush=True)
    return line


def _round(value: float) -> float:
    return round(value, 3 if abs(value) < 10 else 1)


def note(message: str) -> None:
    """Progress for the reader on stderr, so stdout stays JSON lines only."""
    print(message, file=sys.stderr, flush=True)

