"""A department's mapping: how each row of its export becomes one observation (issue 17).

A mapping is a YAML file. Headers are the department's own, as its system exports them; data fields
are the observation kind's (RULES.md § Vocabulary). One complete example, the shipped mapping of the
disabled persons' federation (`infra/imports/mappings/disabled_federation.yaml`)::

    department: disabled_federation        # a code: lower-case letters, digits and _
    name_zh: 残疾人联合会
    name_en: Disabled Persons' Federation
    kind: resident.disability_assessed     # the observation each row becomes
    sheet: null                            # XLSX: the sheet to read (null or absent: the first)
    record_key: [残疾证号]                  # the columns naming the record in the department's system
                                           # ([] or absent: the row's content is its key)
    person:                                # how a row names its person
      id_number: 公民身份号码               # required: rows are matched to residents by ID number
      name: 姓名                            # optional, for leads
      region: 户籍地行政区划代码             # optional, for leads: 6, 9 or 12 digits
      address: 户籍地址                     # optional, for leads
    date_formats: ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d"]
                                           # strptime formats, tried in order (absent: these four);
                                           # ISO dates, Excel serial numbers and date cells always read
    require: {}                            # header -> the only cell texts imported, e.g. {注销原因: [死亡]};
                                           # a row with another value is rejected, naming the column
    fields:                                # data field -> rule; every required field of the kind
      category:                            # must have one
        column: 残疾类别
        values: {"1": visual, "2": hearing, "3": speech, "4": physical, "5": intellectual,
                 "6": mental, "7": multiple, 视力残疾: visual, 听力残疾: hearing, 言语残疾: speech,
                 肢体残疾: physical, 智力残疾: intellectual, 精神残疾: mental, 多重残疾: multiple}
      grade:
        column: 残疾等级
        values: {"1": 1, "2": 2, "3": 3, "4": 4, 一级: 1, 二级: 2, 三级: 3, 四级: 4}
      certified: {constant: true}          # the same value on every row
    lead:                                  # a row whose person is in no household is a lead when
      when: {grade: [1, 2]}                # every condition holds: a list of values, or a range of
                                           # numbers {min: 20000} / {max: …} ({} or absent: always)
      what_zh: 一级或二级残疾人证，户籍在辖区但无人上报
      what_en: Grade 1 or 2 disability certificate, hukou here, nobody has reported the person
                                           # lead: null (or absent): such a row is rejected "not found"

A rule is a header (`amount: 个人自付金额`, short for `{column: 个人自付金额}`) or a mapping with `column`
or `constant`, and optionally `values` (a value map: cell text, stripped -> our value; a cell not in it
rejects the row), `type` and `required` (default true; an empty optional cell leaves the field out).
`type` is how a cell is read when there is no value map: `text`, `int`, `money` (yuan to the fen:
"1,234.50", "¥300", "300元" or a number cell), `date` (an ISO `YYYY-MM-DD` string in the data), `month`
(`YYYY-MM`, from 2025-01, 2025/1, 2025年1月, 202501 or a date) or `bool` (是/否, true/false, 1/0, Y/N).
It defaults to what the field holds, and a type that does not fit the field is refused. Constants, the
values of a value map and the values of lead conditions are checked against the kind's vocabulary when
the mapping is loaded, so a typo is one `MappingError`, not a rejected row in every import.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping as MappingOf
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from domain import vocabulary as v
from domain.households.observations.dates import PERIOD_PATTERN
from domain.households.observations.kinds import DATA_FIELDS, MEMBER_REFERENCES
from domain.households.observations.problems import Bad
from domain.households.observations.shapes import Spec, shape_of

TYPES = ("text", "int", "money", "date", "month", "bool")
DEFAULT_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d")
# Kinds a department row cannot be: they create households and residents, or are no one's.
NOT_IMPORTABLE = frozenset({"household.registered", "resident.joined", "clock.tick"})
_DEPARTMENT = re.compile(r"[a-z][a-z0-9_]{0,63}")
_TOP_KEYS = ("department", "name_zh", "name_en", "kind", "sheet", "record_key", "person", "date_formats",
             "require", "fields", "lead")
_PERSON_KEYS = ("id_number", "name", "region", "address")
_RULE_KEYS = ("column", "constant", "values", "type", "required")
_LATEST = date(9999, 12, 31)  # constants are judged as if observed at the end of time: dates are the row's


class MappingError(ValueError):
    """A mapping file that cannot be used, saying what is wrong and where, in English and Chinese."""

    def __init__(self, message: str, message_zh: str, source: str = "") -> None:
        where = f"{source}: " if source else ""
        self.message = where + message
        self.message_zh = where + message_zh
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class FieldRule:
    """Where one data field's value comes from: a column (read by `type`, through `values`) or a constant."""

    column: str | None = None
    constant: Any = None
    values: MappingOf[str, Any] = field(default_factory=dict)
    type: str = "text"
    required: bool = True


@dataclass(frozen=True)
class Range:
    """A lead condition on a number: `min <= value <= max` (either bound may be absent)."""

    min: float | None = None
    max: float | None = None

    def holds(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


@dataclass(frozen=True)
class LeadRule:
    """When a row whose person is in no household is a lead, and what the lead says."""

    when: MappingOf[str, tuple[Any, ...] | Range]
    what_zh: str
    what_en: str

    def holds(self, data: MappingOf[str, Any]) -> bool:
        """Every condition holds on the row's data: a value among those listed, or a number in range."""
        for name, condition in self.when.items():
            value = data.get(name)
            if isinstance(condition, Range):
                if not condition.holds(value):
                    return False
            elif not any(_same(value, wanted) for wanted in condition):
                return False
        return True


def _same(value: Any, wanted: Any) -> bool:
    """Equal as JSON values: 2 is 2.0, but true is not 1."""
    if isinstance(value, bool) or isinstance(wanted, bool):
        return isinstance(value, bool) and isinstance(wanted, bool) and value == wanted
    return value == wanted


@dataclass(frozen=True)
class Mapping:
    """A department's export, read as observations of one kind (see the module's docstring)."""

    department: str
    name_zh: str
    name_en: str
    kind: str
    sheet: str | None
    record_key: tuple[str, ...]
    id_number: str
    name: str | None
    region: str | None
    address: str | None
    date_formats: tuple[str, ...]
    fields: MappingOf[str, FieldRule]
    lead: LeadRule | None
    require: MappingOf[str, tuple[str, ...]] = field(default_factory=dict)

    def headers(self) -> tuple[str, ...]:
        """Every header the mapping reads, each once, in the order a reader meets them."""
        named = [*self.record_key, self.id_number, self.name, self.region, self.address, *self.require,
                 *(rule.column for rule in self.fields.values())]
        return tuple(dict.fromkeys(h for h in named if h is not None))


# --- loading ---------------------------------------------------------------------------------------


def _hint(value: str, choices: Any) -> tuple[str, str]:
    close = difflib.get_close_matches(value, list(choices), n=1)
    return (f" (did you mean {close[0]}?)", f"（是否为 {close[0]}？）") if close else ("", "")


class _Reader:
    """Reads one mapping document, raising MappingError with the file's name."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, message: str, message_zh: str) -> MappingError:
        return MappingError(message, message_zh, self.source)

    def header(self, value: Any, where: str) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where} must be a column header (text), not {value!r}",
                            f"{where} 必须是列名（文字），而不是 {value!r}")
        return value.strip()

    def optional_header(self, value: Any, where: str) -> str | None:
        return None if value is None else self.header(value, where)

    def text(self, raw: dict[str, Any], key: str) -> str:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{key} is required (text)", f"缺少 {key}（文字）")
        return value.strip()

    def unknown_keys(self, raw: dict[Any, Any], known: tuple[str, ...], where: str) -> None:
        for key in raw:
            if key not in known:
                hint, hint_zh = _hint(str(key), known)
                raise self.fail(f"unknown key {key!r} in {where}{hint}; expected: {', '.join(known)}",
                                f"{where} 中有未知的键 {key!r}{hint_zh}；可用的键：{', '.join(known)}")

    def kind(self, raw: dict[str, Any]) -> str:
        kind = raw.get("kind")
        if not isinstance(kind, str) or kind not in v.SUBJECTS:
            hint, hint_zh = _hint(kind, v.OBSERVATION_KINDS) if isinstance(kind, str) else ("", "")
            raise self.fail(f"unknown kind {kind!r}{hint}; expected an observation kind such as "
                            f"resident.died or household.expense_reported",
                            f"未知的观察类型 {kind!r}{hint_zh}；应为观察类型，例如 resident.died、household.expense_reported")
        if kind in NOT_IMPORTABLE:
            raise self.fail(f"kind {kind} cannot be imported: a department row reports on a person already "
                            "registered (registrations and new members come from the informants)",
                            f"观察类型 {kind} 不能导入：部门数据只能报告已登记的人（登记和新增成员由信息员上报）")
        return kind

    def record_key(self, raw: dict[str, Any]) -> tuple[str, ...]:
        value = raw.get("record_key")
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail("record_key must be a list of column headers", "record_key 必须是列名列表")
        return tuple(self.header(h, "record_key") for h in value)

    def person(self, raw: dict[str, Any]) -> tuple[str, str | None, str | None, str | None]:
        person = raw.get("person")
        if not isinstance(person, dict) or person.get("id_number") is None:
            raise self.fail("person.id_number is required: the header of the ID number (身份证号) column, "
                            "by which rows are matched to residents",
                            "缺少 person.id_number：身份证号所在列的列名（按身份证号匹配居民）")
        self.unknown_keys(person, _PERSON_KEYS, "person")
        return (self.header(person["id_number"], "person.id_number"),
                *(self.optional_header(person.get(key), f"person.{key}") for key in _PERSON_KEYS[1:]))

    def date_formats(self, raw: dict[str, Any]) -> tuple[str, ...]:
        value = raw.get("date_formats")
        if value is None:
            return DEFAULT_DATE_FORMATS
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(f, str) and "%" in f for f in value):
            raise self.fail("date_formats must be a list of strptime formats such as \"%Y/%m/%d\"",
                            "date_formats 必须是 strptime 格式列表，例如 \"%Y/%m/%d\"")
        return tuple(value)

    def require(self, raw: dict[str, Any]) -> dict[str, tuple[str, ...]]:
        value = raw.get("require") or {}
        if not isinstance(value, dict):
            raise self.fail("require must map headers to the cell texts imported", "require 必须是「列名: 允许的取值列表」")
        out: dict[str, tuple[str, ...]] = {}
        for header, allowed in value.items():
            allowed = allowed if isinstance(allowed, list) else [allowed]
            if not allowed:
                raise self.fail(f"require.{header} lists no value", f"require.{header} 没有列出任何取值")
            out[self.header(header, "require")] = tuple(str(a).strip() for a in allowed)
        return out

    def fields(self, raw: dict[str, Any], kind: str) -> dict[str, FieldRule]:
        specs = {spec.name: spec for spec in DATA_FIELDS[kind]}
        value = raw.get("fields")
        if not isinstance(value, dict) or not value:
            raise self.fail(f"fields is required: the data fields of {kind} ({', '.join(specs)}) and their columns",
                            f"缺少 fields：{kind} 的数据字段（{', '.join(specs)}）及其对应的列")
        rules: dict[str, FieldRule] = {}
        for name, rule in value.items():
            if MEMBER_REFERENCES.get(kind) == name:
                raise self.fail(f"field {name!r} of {kind} names our resident ids, which a department does not know",
                                f"{kind} 的字段 {name!r} 是本系统的居民编号，部门数据中没有")
            if name not in specs:
                hint, hint_zh = _hint(str(name), specs)
                raise self.fail(f"field {name!r} is not a data field of {kind}{hint}; its fields: {', '.join(specs)}",
                                f"{name!r} 不是 {kind} 的数据字段{hint_zh}；其字段：{', '.join(specs)}")
            rules[name] = self.rule(name, rule, specs[name], kind)
        missing = [name for name, spec in specs.items() if spec.required and name not in rules]
        if missing:
            raise self.fail(f"fields must map every required field of {kind}; missing: {', '.join(missing)}",
                            f"fields 必须给出 {kind} 的全部必填字段；缺少：{', '.join(missing)}")
        return rules

    def rule(self, name: str, raw: Any, spec: Spec, kind: str) -> FieldRule:
        where = f"fields.{name}"
        if isinstance(raw, (str, int)) and not isinstance(raw, bool):
            raw = {"column": raw}
        if not isinstance(raw, dict):
            raise self.fail(f"{where} must be a column header or a rule with column or constant",
                            f"{where} 必须是列名，或带 column 或 constant 的规则")
        self.unknown_keys(raw, _RULE_KEYS, where)
        if ("column" in raw) == ("constant" in raw):
            raise self.fail(f"{where} needs exactly one of column and constant", f"{where} 必须且只能给出 column 或 constant 之一")
        fits = field_type(spec)
        given = raw.get("type", fits)
        if given not in TYPES:
            hint, hint_zh = _hint(str(given), TYPES)
            raise self.fail(f"{where}: unknown type {given!r}{hint}; expected one of: {', '.join(TYPES)}",
                            f"{where}：未知的类型 {given!r}{hint_zh}；可用类型：{', '.join(TYPES)}")
        if given != fits and not (fits == "month" and given == "text"):
            raise self.fail(f"{where}: type {given} does not fit {name} of {kind}, which is {fits}",
                            f"{where}：类型 {given} 与 {kind} 的 {name}（{fits}）不符")
        required = raw.get("required", True)
        if not isinstance(required, bool):
            raise self.fail(f"{where}.required must be true or false", f"{where}.required 必须是 true 或 false")
        if "constant" in raw:
            self.fits(raw["constant"], spec, f"{where}.constant")
            return FieldRule(constant=raw["constant"], type=given, required=required)
        values = raw.get("values") or {}
        if not isinstance(values, dict):
            raise self.fail(f"{where}.values must map cell texts to values", f"{where}.values 必须是「单元格文字: 取值」")
        mapped = {_key_text(cell): value for cell, value in values.items()}
        for cell, value in mapped.items():
            self.fits(value, spec, f"{where}.values[{cell!r}]")
        return FieldRule(column=self.header(raw["column"], f"{where}.column"),
                         values=MappingProxyType(mapped), type=given, required=required)

    def fits(self, value: Any, spec: Spec, where: str) -> None:
        try:
            spec.check(value, _LATEST)
        except Bad as bad:
            problem = bad.problems[0]
            raise self.fail(f"{where}: {value!r} {problem.message}", f"{where}：{value!r} {problem.message_zh}") from bad

    def lead(self, raw: dict[str, Any], fields: dict[str, FieldRule], kind: str) -> LeadRule | None:
        value = raw.get("lead")
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail("lead must be a mapping with when, what_zh and what_en, or null",
                            "lead 必须是包含 when、what_zh、what_en 的映射，或 null")
        self.unknown_keys(value, ("when", "what_zh", "what_en"), "lead")
        when: dict[str, tuple[Any, ...] | Range] = {}
        for name, condition in (value.get("when") or {}).items():
            if name not in fields:
                raise self.fail(f"lead.when names {name!r}, which the mapping does not fill; mapped: {', '.join(fields)}",
                                f"lead.when 中的 {name!r} 不是本映射填写的字段；已映射：{', '.join(fields)}")
            when[name] = self.condition(condition, f"lead.when.{name}")
            if not isinstance(when[name], Range):
                spec = next(spec for spec in DATA_FIELDS[kind] if spec.name == name)
                for wanted in when[name]:
                    self.fits(wanted, spec, f"lead.when.{name}")
        return LeadRule(MappingProxyType(when), self.text(value, "what_zh"), self.text(value, "what_en"))

    def condition(self, raw: Any, where: str) -> tuple[Any, ...] | Range:
        if isinstance(raw, dict):
            self.unknown_keys(raw, ("min", "max"), where)
            bounds = [raw.get("min"), raw.get("max")]
            if all(b is None for b in bounds) or any(
                    b is not None and (isinstance(b, bool) or not isinstance(b, (int, float))) for b in bounds):
                raise self.fail(f"{where} must give a number as min or max", f"{where} 必须以数字给出 min 或 max")
            return Range(raw.get("min"), raw.get("max"))
        values = raw if isinstance(raw, list) else [raw]
        if not values:
            raise self.fail(f"{where} lists no value", f"{where} 没有列出任何取值")
        return tuple(values)


def _key_text(cell: Any) -> str:
    """A value map's key as the cell text it matches (YAML reads `1:` as a number)."""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    return str(cell).strip()


def field_type(spec: Spec) -> str:
    """How a cell for this data field is read: from the JSON shape of the field's check."""
    shape = shape_of(spec.check)
    if shape.type == "integer":
        return "int"
    if shape.type == "number":
        return "money"
    if shape.type == "boolean":
        return "bool"
    if shape.format == "date":
        return "date"
    if shape.pattern == PERIOD_PATTERN:
        return "month"
    return "text"


def load_mapping(text: str, source: str = "") -> Mapping:
    """A mapping from its YAML text; MappingError naming the problem (`source` names the file in messages)."""
    read = _Reader(source)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise read.fail(f"not valid YAML: {error}", f"不是有效的 YAML：{error}") from error
    if not isinstance(raw, dict):
        raise read.fail("a mapping file is a YAML mapping (department: …, kind: …, fields: …)",
                        "映射文件必须是 YAML 映射（department: …、kind: …、fields: …）")
    read.unknown_keys(raw, _TOP_KEYS, "the mapping")
    department = raw.get("department")
    if not isinstance(department, str) or not _DEPARTMENT.fullmatch(department):
        raise read.fail(f"department must be a code of lower-case letters, digits and _ (got {department!r})",
                        f"department 必须是由小写字母、数字和下划线组成的代码（收到 {department!r}）")
    kind = read.kind(raw)
    sheet = raw.get("sheet")
    if sheet is not None and (not isinstance(sheet, str) or not sheet.strip()):
        raise read.fail("sheet must be a sheet's name, or null for the first", "sheet 必须是工作表名称，或 null（第一个工作表）")
    id_number, name, region, address = read.person(raw)
    fields = read.fields(raw, kind)
    return Mapping(
        department=department, name_zh=read.text(raw, "name_zh"), name_en=read.text(raw, "name_en"), kind=kind,
        sheet=sheet, record_key=read.record_key(raw), id_number=id_number, name=name, region=region,
        address=address, date_formats=read.date_formats(raw), fields=MappingProxyType(fields),
        lead=read.lead(raw, fields, kind), require=MappingProxyType(read.require(raw)),
    )


def load_mapping_file(path: Path | str) -> Mapping:
    """A mapping from a YAML file (UTF-8); its messages name the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise MappingError(f"cannot read the mapping file: {error}", f"无法读取映射文件：{error}", str(path)) from error
    return load_mapping(text, path.name)
