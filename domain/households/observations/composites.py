"""Checks built from checks: an object of field specs, a bounded list, the residents seen on a visit."""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Iterator

from domain.households import intake_limits as limits
from domain.households.observations.checks import check_fields, identifier
from domain.households.observations.problems import Bad, Problem, json_type, show, under
from domain.households.observations.shapes import Check, Shape, Spec, shaped


def object_of(specs: tuple[Spec, ...], after: Callable[[dict[str, Any]], list[Problem]] | None = None, *,
            title: str, note: str = "") -> Check:
    """A JSON object checked field by field, then (optionally) across fields; `title` names its schema."""

    def check(value: Any, observed: date) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise Bad(f"must be an object, not {json_type(value)}", "必须是对象")
        out, problems = check_fields(value, specs, observed)
        if after is not None:
            problems += after(out)
        if problems:
            raise Bad(problems=problems)
        return out

    return shaped(check, Shape("object", fields=specs, title=title, note=note))


def list_of(item: Check, *, most: int, noun: tuple[str, str] = ("items", "项"), non_empty: bool = False,
             key: str | None = None) -> Check:
    """A list of at most `most` items that each pass `item`; with `key`, no two items may share that
    key's value. A list over the bound is refused as a whole: its items are not looked at, so a
    huge list costs one check and gives one error."""

    def check(value: Any, observed: date) -> list[Any]:
        if not isinstance(value, list) or (non_empty and not value):
            qualifier = "non-empty " if non_empty else ""
            raise Bad(f"must be a {qualifier}list, not {show(value)}", "必须是非空列表" if non_empty else "必须是列表")
        if len(value) > most:
            raise Bad(f"must hold at most {most} {noun[0]} (got {len(value)})",
                       f"最多 {most} {noun[1]}（收到 {len(value)} {noun[1]}）")
        out, problems = [], []
        for index, element in enumerate(value):
            try:
                out.append(item(element, observed))
            except Bad as bad:
                problems += under(f"[{index}]", bad.problems)
        if key is not None:
            problems += _repeats(value, key)
        if problems:
            raise Bad(problems=problems)
        return out

    return shaped(check, Shape("array", items=item, min_items=1 if non_empty else None, max_items=most,
                                note=f"no two share a `{key}`" if key else ""))


def _repeats(items: list[Any], key: str) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for index, value in ids_at(items, key):
        if value in first:
            problems.append(Problem(
                f"[{index}].{key}",
                f"{key} {value} appears twice (also at [{first[value]}])",
                f"{key} {value} 重复出现（另见第 {first[value]} 项）",
            ))
        first.setdefault(value, index)
    return problems


def ids_at(items: Any, key: str | None = None) -> Iterator[tuple[int, str]]:
    """(index, id) of each well-formed identifier in a raw list (or in its objects' `key`)."""
    if not isinstance(items, list):
        return
    for index, item in enumerate(items):
        if key is not None:
            item = item.get(key) if isinstance(item, dict) else None
        try:
            yield index, identifier(item)
        except Bad:
            continue  # already reported as malformed


_SEEN = list_of(identifier, most=limits.MAX_RESIDENTS_SEEN, noun=("residents", "人"))


def residents_seen(value: Any, observed: date) -> list[str]:
    return list(dict.fromkeys(_SEEN(value, observed)))


shaped(residents_seen, Shape("array", items=identifier, max_items=limits.MAX_RESIDENTS_SEEN,
                               note="members of the household; a repeated id counts once"))


def within(items: Any, most: int) -> Any:
    """A raw list worth looking up in the registry: one over its bound is refused already."""
    return items if not isinstance(items, list) or len(items) <= most else []
