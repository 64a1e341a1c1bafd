"""Reading the files departments send, as a specification: CSV in UTF-8 (with or without a BOM) or GBK, XLSX
(first or named sheet), JSON lines; empty rows skipped and counted; every file that cannot be read refused
with a message in Chinese and English, never a traceback; rows streamed, never held all at once."""

from __future__ import annotations

import io
import json
import textwrap
import time
import tracemalloc
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from stdnum.cn import ric

from domain.imports.mapping import load_mapping
from domain.imports.rows import UNREADABLE, ImportRow, RowProblem, convert
from infra.imports.readers import ImportFileError, check_headers, closest_header, open_table


def id_number(region: str, born: date, sequence: str = "123") -> str:
    body = f"{region}{born:%Y%m%d}{sequence}"
    return body + ric.calc_check_digit(body + "0")


PERSON = id_number("500381", date(1948, 6, 1), "484")
DEATHS = load_mapping(textwrap.dedent("""\
    department: public_security
    name_zh: 公安局
    name_en: Public Security Bureau
    kind: resident.died
    record_key: [公民身份号码]
    person: {id_number: 公民身份号码, name: 姓名, region: 户籍地行政区划代码, address: 住址}
    fields: {date: 死亡日期}
    """))
HEADER = "序号,姓名,公民身份号码,死亡日期,户籍地行政区划代码,住址"
ROW = f"1,高玉梅,{PERSON},2025/1/3,500116,重庆市江津区油溪镇金刚村8组118号"


def rows_of(data: bytes, filename: str, sheet: str | None = None) -> list[tuple[int, dict]]:
    return list(open_table(data, filename, sheet).rows)


def refusal(data: bytes, filename: str, sheet: str | None = None) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        list(open_table(data, filename, sheet).rows)
    assert caught.value.message and caught.value.message_zh and str(caught.value) == caught.value.message
    return caught.value


def xlsx(*sheets: tuple[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_gbk(encoding: str) -> None:
    table = open_table(f"{HEADER}\r\n{ROW}\r\n".encode(encoding), "死亡注销.csv")
    assert table.headers == HEADER.split(",")  # no BOM left on the first header
    assert table.encoding == ("gb18030" if encoding.startswith("gb") else "utf-8-sig")
    assert list(table.rows) == [(2, dict(zip(HEADER.split(","), ROW.split(","))))]


def test_gbk_text_reads_as_the_same_chinese() -> None:
    [(_, cells)] = rows_of(f"{HEADER}\n{ROW}\n".encode("gbk"), "x.csv")
    assert cells["姓名"] == "高玉梅" and cells["住址"] == "重庆市江津区油溪镇金刚村8组118号"


def test_a_file_in_no_known_encoding_is_refused() -> None:
    error = refusal(HEADER.encode("utf-8") + b"\r\n\xff\xfe\x80\x81\x00\xff\r\n", "x.csv")
    assert "编码无法识别" in error.message_zh and "（UTF-8 / GBK）" in error.message_zh
    assert "not recognised" in error.message


def test_a_utf16_file_is_refused_saying_what_to_save_it_as() -> None:
    error = refusal(f"{HEADER}\r\n{ROW}\r\n".encode("utf-16"), "x.csv")
    assert "UTF-16" in error.message and "另存为 CSV UTF-8" in error.message_zh


def test_empty_rows_are_skipped_and_counted_and_lines_are_as_a_spreadsheet_shows_them() -> None:
    data = f"{HEADER}\n\n{ROW}\n,,  ,,,\n\"2\",\"张\n三\",{PERSON},2025-01-04,500116,地址\n\n".encode("utf-8-sig")
    table = open_table(data, "x.csv")
    rows = list(table.rows)
    assert [line for line, _ in rows] == [3, 5]  # the quoted cell over two lines is one row (5), as Excel shows it
    assert rows[1][1]["姓名"] == "张\n三"
    assert table.empty_rows == 3


def test_short_rows_miss_cells_and_columns_without_a_header_are_not_read() -> None:
    [(_, cells)] = rows_of(f"姓名,,公民身份号码\n高玉梅,extra\n".encode(), "x.csv")
    assert cells == {"姓名": "高玉梅", "公民身份号码": None}


def test_a_tab_separated_export_is_read() -> None:
    [(_, cells)] = rows_of(f"{HEADER.replace(',', chr(9))}\n{ROW.replace(',', chr(9))}\n".encode(), "x.csv")
    assert cells["公民身份号码"] == PERSON


def test_a_header_twice_is_refused() -> None:
    assert "appears twice" in refusal("姓名,姓名\n张三,李四\n".encode(), "x.csv").message


def test_an_empty_file_is_refused() -> None:
    assert "empty" in refusal(b"", "x.csv").message
    assert "no header row" in refusal(b",,\n1,2,3\n", "x.csv").message


@pytest.mark.parametrize(("filename", "words"), [("x.xls", "old Excel"), ("x.pdf", "cannot import .pdf"),
                                                  ("noext", "without an extension")])
def test_other_kinds_of_file_are_refused(filename: str, words: str) -> None:
    assert words in refusal(b"whatever", filename).message


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused() -> None:
    error = refusal(f"{HEADER}\n".encode(), "x.xlsx")
    assert "not a readable XLSX workbook" in error.message and "不是可读的 XLSX" in error.message_zh


def test_xlsx_reads_the_first_sheet_or_a_named_one_with_its_cell_values() -> None:
    settled = datetime(2025, 1, 3, 0, 0)
    data = xlsx(("结算明细", [["结算单据号", "公民身份号码", "个人自付金额", "结算日期"], ["JS1", PERSON, 23456.7, settled],
                             [None, None, None, None], ["JS2", PERSON, 100, 45660]]),
                ("导出说明", [["导出单位", "江津区医疗保障局"]]))
    table = open_table(data, "医保.xlsx")
    assert table.headers == ["结算单据号", "公民身份号码", "个人自付金额", "结算日期"] and table.sheet == "结算明细"
    rows = list(table.rows)
    assert rows == [(2, {"结算单据号": "JS1", "公民身份号码": PERSON, "个人自付金额": 23456.7, "结算日期": settled}),
                    (4, {"结算单据号": "JS2", "公民身份号码": PERSON, "个人自付金额": 100, "结算日期": 45660})]
    assert table.empty_rows == 1
    named = open_table(data, "医保.xlsx", sheet="导出说明")
    assert named.headers == ["导出单位", "江津区医疗保障局"] and list(named.rows) == []


def test_a_sheet_that_is_not_there_is_refused_listing_the_sheets() -> None:
    data = xlsx(("Sheet1", [["姓名"], ["张三"]]), ("导出说明", [["说明"]]))
    error = refusal(data, "x.xlsx", sheet="结算明细")
    assert "has no sheet '结算明细'; its sheets: Sheet1, 导出说明" in error.message
    assert "没有工作表 '结算明细'" in error.message_zh and "Sheet1、导出说明" in error.message_zh


def test_an_empty_sheet_is_refused() -> None:
    assert "is empty" in refusal(xlsx(("Sheet1", [])), "x.xlsx").message


def test_a_formula_cell_reads_as_its_value_and_a_formula_text_stays_text() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["公民身份号码", "死亡日期", "姓名"])
    sheet.append([PERSON, "2025-01-03", '=HYPERLINK("http://evil.example","点击")'])  # written as a formula, never computed
    sheet.append([PERSON, "2025-01-03", "@SUM(A1)"])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = list(open_table(buffer.getvalue(), "x.xlsx").rows)
    assert rows[0][1]["姓名"] is None  # data_only: a formula with no cached value has no value, never its text
    csv_rows = rows_of(f'公民身份号码,死亡日期,姓名\n{PERSON},2025-01-03,"=HYPERLINK(""http://evil.example"",""点击"")"\n'.encode(), "x.csv")
    converted = convert(DEATHS, *csv_rows[0])
    assert isinstance(converted, ImportRow) and converted.name == "'" + '=HYPERLINK("http://evil.example","点击")'


def test_json_lines_are_read_one_object_a_line_and_a_bad_line_is_that_lines_problem() -> None:
    lines = [json.dumps({"公民身份号码": PERSON, "死亡日期": "2025-01-03", "姓名": "高玉梅"}, ensure_ascii=False),
             "", "{not json", "[1, 2]", json.dumps({"公民身份号码": PERSON, "死亡日期": 45661, "姓名": None}),
             json.dumps({"公民身份号码": None, "死亡日期": " "})]
    table = open_table("\n".join(lines).encode("utf-8"), "x.jsonl")
    assert table.headers == ["公民身份号码", "死亡日期", "姓名"]
    rows = list(table.rows)
    assert [line for line, _ in rows] == [1, 3, 4, 5]
    assert table.empty_rows == 2
    results = [convert(DEATHS, line, cells) for line, cells in rows]
    assert isinstance(results[0], ImportRow) and results[0].data == {"date": "2025-01-03"}
    assert isinstance(results[1], RowProblem) and results[1].line == 3 and "not valid JSON" in results[1].message
    assert isinstance(results[2], RowProblem) and "one JSON object" in results[2].message
    assert isinstance(results[3], ImportRow) and results[3].data == {"date": "2025-01-04"}
    assert set(rows[1][1]) == {UNREADABLE}


def test_a_json_lines_file_without_an_object_is_refused() -> None:
    assert "no JSON object" in refusal(b"[1]\n\n2\n", "x.ndjson").message


def test_missing_and_renamed_headers_are_named_with_the_closest_present_one() -> None:
    check_headers(DEATHS, HEADER.split(","))  # all present: nothing to say
    renamed = ["序号", "姓名", "身份证号码", "死亡时间", "户籍地行政区划代码", "住址"]
    with pytest.raises(ImportFileError) as caught:
        check_headers(DEATHS, renamed)
    error = caught.value
    assert "公民身份号码 (closest present: 身份证号码)" in error.message
    assert "死亡日期 (closest present: 死亡时间)" in error.message
    assert "「公民身份号码」（最接近的现有列：「身份证号码」）" in error.message_zh
    assert "public_security" in error.message and "公安局" in error.message_zh
    assert "Its headers: 序号, 姓名, 身份证号码" in error.message


def test_a_missing_header_with_nothing_like_it_says_so() -> None:
    with pytest.raises(ImportFileError, match=r"死亡日期 \(no similar header\)"):
        check_headers(DEATHS, ["姓名", "公民身份号码", "户籍地行政区划代码", "住址", "备注"])


def test_the_closest_header_is_not_one_the_mapping_already_reads() -> None:
    assert closest_header("身份证号", ["姓名", "公民身份号码"]) == "公民身份号码"
    assert closest_header("死亡日期", ["姓名", "备注"]) is None


def test_a_large_file_is_streamed_not_held() -> None:
    """100,000 rows: the rows come one at a time, and reading them holds far less than a list of them would."""
    body = "".join(f"{n},姓名{n},{PERSON},2025-01-03,500116,重庆市江津区几江街道{n}号\n" for n in range(100_000))
    data = (HEADER + "\n" + body).encode("utf-8-sig")
    del body
    started = time.perf_counter()
    table = open_table(data, "big.csv")
    assert iter(table.rows) is table.rows  # an iterator, not a list
    tracemalloc.start()
    try:
        count, last = 0, 0
        for line, cells in table.rows:
            count, last = count + 1, line
            assert cells["公民身份号码"] == PERSON
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (count, last, table.empty_rows) == (100_000, 100_001, 0)
    assert peak < 2_000_000, f"reading held {peak:,} bytes at its peak"  # a list of the rows: ~60 MB
    assert time.perf_counter() - started < 5
