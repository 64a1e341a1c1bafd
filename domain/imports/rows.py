"""One row of a department's file, read through its mapping: the observation data and the person it names
(an `ImportRow`), or the first thing wrong with it, at its line and column (a `RowProblem`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping as MappingOf
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.households.observations.checks import id_number as checked_id_number
from domain.households.observations.kinds import DATA_FIELDS
from domain.households.observations.problems import Bad
from domain.imports.cells import Unreadable, cell_text, read_cell, shown, spreadsheet_safe
from domain.imports.dates import parse_date
from domain.imports.mapping import FieldRule, Mapping
from domain.region_codes import InvalidRegionCode, check_region_code

__all__ = ["UNREADABLE", "ImportRow", "RowProblem", "convert", "parse_date", "spreadsheet_safe"]

# A reader that cannot read a row (a JSON line that is not an object) yields it as {UNREADABLE: RowProblem}.
UNREADABLE = "\x00unreadable"
_LATEST = date(9999, 12, 31)  # data is judged against the observation's date by parse_observation, later
_SHOWN_CHOICES = 12


@dataclass(frozen=True)
class RowProblem:
    """Why one row is rejected: its line as a spreadsheet shows it (header = 1), the column's header ("" for
    the whole row), and the reason in English and Chinese."""

    line: int
    column: str
    message: str
    message_zh: str


@dataclass(frozen=True)
class ImportRow:
    """A row read: the record it is in the department's system, the person it names, the observation data."""

    line: int
    record_key: str
    id_number: str
    name: str | None
    region: str | None
    address: str | None
    data: dict[str, Any]

    def lead_wanted(self, mapping: Mapping) -> bool:
        """Whether this row, when its person is in no household, is a lead (the mapping's `lead.when`)."""
        return mapping.lead is not None and mapping.lead.holds(self.data)


class _Refused(Exception):
    def __init__(self, column: str, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.column, self.message, self.message_zh = column, message, message_zh


def _required(column: str, what: str, what_zh: str) -> _Refused:
    return _Refused(column, f"is empty; {what} is required", f"为空；{what_zh}必须填写")


def _id_number(mapping: Mapping, cells: MappingOf[str, Any]) -> str:
    text = cell_text(cells.get(mapping.id_number))
    if text is None:
        raise _required(mapping.id_number, "the ID number", "身份证号")
    try:
        return checked_id_number(text, _LATEST)
    except Bad as bad:
        problem = bad.problems[0]
        raise _Refused(mapping.id_number, f"{shown(text)}: {problem.message}", f"{shown(text)}：{problem.message_zh}") from bad


def _required_values(mapping: Mapping, cells: MappingOf[str, Any]) -> None:
    for header, allowed in mapping.require.items():
        text = cell_text(cells.get(header))
        if text not in allowed:
            raise _Refused(header, f"is {shown(text)}; this mapping imports only rows with {', '.join(allowed)}",
                           f"为 {shown(text)}；本映射只导入取值为 {'、'.join(allowed)} 的行")


def _key_parts(mapping: Mapping, cells: MappingOf[str, Any]) -> list[str]:
    parts = []
    for header in mapping.record_key:
        text = cell_text(cells.get(header))
        if text is None:
            raise _required(header, "it is part of the record key, which", "该列属于记录标识，")
        parts.append(text)
    return parts


def _mapped(rule: FieldRule, name: str, text: str) -> Any:
    if text in rule.values:
        return rule.values[text]
    known = list(rule.values)
    more = ", …" if len(known) > _SHOWN_CHOICES else ""
    listed = ", ".join(known[:_SHOWN_CHOICES]) + more
    raise _Refused(rule.column or "", f"{shown(text)} is not in the value map of {name}; known values: {listed}",
                   f"{shown(text)} 不在 {name} 的值映射中；可用取值：{'、'.join(known[:_SHOWN_CHOICES])}{more}")


def _data(mapping: Mapping, cells: MappingOf[str, Any]) -> dict[str, Any]:
    specs = {spec.name: spec for spec in DATA_FIELDS[mapping.kind]}
    data: dict[str, Any] = {}
    for name, rule in mapping.fields.items():
        column = rule.column or ""
        if rule.column is None:
            value = rule.constant
        else:
            raw = cells.get(rule.column)
            text = cell_text(raw)
            if text is None:
                if rule.required:
                    raise _required(column, name, name)
                continue
            try:
                value = _mapped(rule, name, text) if rule.values else read_cell(raw, rule.type, mapping.date_formats)
            except Unreadable as error:
                raise _Refused(column, error.message, error.message_zh) from error
        try:
            data[name] = specs[name].check(value, _LATEST) if name in specs else value
        except Bad as bad:
            problem = bad.problems[0]
            raise _Refused(column, f"{name} {problem.message}", f"{name} {problem.message_zh}") from bad
    return data


def _region(text: str | None) -> str | None:
    """A region code of 6, 9 or 12 digits where the person lives, or None when the cell holds none."""
    if text is None or len(text) not in (6, 9, 12):
        return None
    try:
        check_region_code(text)
    except InvalidRegionCode:
        return None
    return text


def _person_text(mapping_header: str | None, cells: MappingOf[str, Any]) -> str | None:
    text = cell_text(cells.get(mapping_header)) if mapping_header is not None else None
    return spreadsheet_safe(text) if text is not None else None


def content_key(id_number: str, data: MappingOf[str, Any]) -> str:
    """The key of a record known only by its content: a SHA-256 of the person and the mapped data."""
    content = json.dumps({"id_number": id_number, "data": data}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def convert(mapping: Mapping, line: int, cells: MappingOf[str, Any]) -> ImportRow | RowProblem:
    """Row `line` (header -> cell) as an ImportRow, or the first problem found, naming its column.

    Checked in this order: the ID number (format and check digit), the `require` columns, the record key's
    columns, then each field (empty, value map, type, the kind's vocabulary). Dates are only read here; whether
    one is too late for the observation is `parse_observation`'s to say. `region` is None when the cell holds
    no valid code; text values, names and addresses are `spreadsheet_safe`.
    """
    unreadable = cells.get(UNREADABLE)
    if isinstance(unreadable, RowProblem):
        return unreadable
    try:
        number = _id_number(mapping, cells)
        _required_values(mapping, cells)
        parts = _key_parts(mapping, cells)
        data = _data(mapping, cells)
    except _Refused as refused:
        return RowProblem(line, refused.column, refused.message, refused.message_zh)
    return ImportRow(
        line=line,
        record_key="|".join(parts) if mapping.record_key else content_key(number, data),
        id_number=number,
        name=_person_text(mapping.name, cells),
        region=_region(cell_text(cells.get(mapping.region)) if mapping.region else None),
        address=_person_text(mapping.address, cells),
        data=data,
    )
