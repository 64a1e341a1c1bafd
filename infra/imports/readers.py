"""The files departments send, read as a table of rows streamed one at a time: CSV (UTF-8 with or without a
BOM, else GB18030, which covers GBK and GB2312), XLSX (openpyxl, read-only) and JSON lines.

A file that cannot be read at all raises `ImportFileError` with a message in Chinese and English; a row
that cannot be read (a JSON line that is not an object) is yielded as `{UNREADABLE: RowProblem}`, which
`domain.imports.rows.convert` returns as that row's problem, so one bad line never stops an import.
Wholly empty rows are skipped and counted in `Table.empty_rows` (complete once the rows are consumed).
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import json
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from domain.imports.cells import cell_text, shown
from domain.imports.mapping import Mapping
from domain.imports.rows import UNREADABLE, RowProblem

CSV_ENCODINGS = ("utf-8-sig", "gb18030")
_CHUNK = 1 << 20
_SHOWN_HEADERS = 30
csv.field_size_limit(1 << 24)


class ImportFileError(ValueError):
    """A file that cannot be imported at all: wrong encoding or format, a missing sheet or header."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = message_zh

    def __str__(self) -> str:
        return self.message


@dataclass
class Table:
    """A file's headers and its rows, (line, header -> cell), streamed; `empty_rows` counts the rows skipped."""

    headers: list[str]
    rows: Iterator[tuple[int, dict[str, Any]]]
    empty_rows: int = 0
    encoding: str | None = None  # the text files' encoding as read
    sheet: str | None = None  # the sheet read (XLSX)


def _blank(value: Any) -> bool:
    return cell_text(value) is None


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether all of `data` decodes, checked a chunk at a time (no second copy of a large file)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for start in range(0, len(data), _CHUNK):
            decoder.decode(data[start:start + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _text_encoding(data: bytes, filename: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(
            f"{filename} is UTF-16 text; save it as CSV UTF-8 (or GBK) and import it again",
            f"{filename} 是 UTF-16 编码；请另存为 CSV UTF-8（或 GBK）格式后重新导入")
    for encoding in CSV_ENCODINGS:
        if _decodes(data, encoding):
            return encoding
    raise ImportFileError(
        f"the encoding of {filename} is not recognised: it is neither UTF-8 nor GBK/GB18030 (UTF-8 / GBK)",
        f"编码无法识别：{filename} 既不是 UTF-8 也不是 GBK/GB18030 编码，请另存为 UTF-8 或 GBK 后重新导入（UTF-8 / GBK）")


def _headers(raw: Sequence[Any], filename: str) -> list[str]:
    headers = [cell_text(h) or "" for h in raw]
    if not any(headers):
        raise ImportFileError(f"{filename} has no header row (the first row names the columns)",
                              f"{filename} 没有表头（第一行应为列名）")
    seen: set[str] = set()
    for header in headers:
        if header and header in seen:
            raise ImportFileError(f"the header {shown(header)} appears twice in {filename}",
                                  f"{filename} 中列名 {shown(header)} 出现了两次")
        seen.add(header)
    return headers


def _cells(headers: list[str], values: Sequence[Any]) -> dict[str, Any]:
    """A row by header; columns without a header are not read."""
    return {h: values[i] if i < len(values) else None for i, h in enumerate(headers) if h}


def _csv(data: bytes, filename: str) -> Table:
    encoding = _text_encoding(data, filename)
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    first = text.readline()
    delimiter = "\t" if "\t" in first and "," not in first else ","
    text.seek(0)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header_row = next(reader, None)
    except csv.Error as error:
        raise ImportFileError(f"{filename} is not a readable CSV file: {error}", f"{filename} 不是可读的 CSV 文件：{error}") from error
    if header_row is None:
        raise ImportFileError(f"{filename} is empty", f"{filename} 是空文件")
    table = Table(_headers(header_row, filename), iter(()), encoding=encoding)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        line = 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:  # a broken quote swallows the rest of the file: say where it began
                raise ImportFileError(f"{filename} line {line + 1}: not readable as CSV ({error})",
                                      f"{filename} 第 {line + 1} 行：无法按 CSV 读取（{error}）") from error
            line += 1
            if all(_blank(v) for v in values):
                table.empty_rows += 1
                continue
            yield line, _cells(table.headers, values)

    table.rows = rows()
    return table


def _xlsx(data: bytes, filename: str, sheet: str | None) -> Table:
    from openpyxl import load_workbook  # imported when an XLSX file comes: it is slow to import

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileError(f"{filename} is not a readable XLSX workbook ({error.__class__.__name__})",
                              f"{filename} 不是可读的 XLSX 工作簿（{error.__class__.__name__}）") from error
    names = book.sheetnames
    if sheet is not None and sheet not in names:
        book.close()
        raise ImportFileError(f"{filename} has no sheet {shown(sheet)}; its sheets: {', '.join(names)}",
                              f"{filename} 中没有工作表 {shown(sheet)}；现有工作表：{'、'.join(names)}")
    chosen = sheet if sheet is not None else names[0]
    values = book[chosen].iter_rows(values_only=True)
    header_row = next(values, None)
    if header_row is None:
        book.close()
        raise ImportFileError(f"sheet {shown(chosen)} of {filename} is empty", f"{filename} 的工作表 {shown(chosen)} 是空的")
    try:
        table = Table(_headers(header_row, filename), iter(()), sheet=chosen)
    except ImportFileError:
        book.close()
        raise

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            for line, row in enumerate(values, start=2):
                if all(_blank(v) for v in row):
                    table.empty_rows += 1
                    continue
                yield line, _cells(table.headers, row)
        finally:
            book.close()

    table.rows = rows()
    return table


def _jsonl(data: bytes, filename: str) -> Table:
    encoding = _text_encoding(data, filename)
    lines = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=None)
    first: dict[str, Any] | None = None
    for text in lines:  # the headers are the keys of the first object
        try:
            value = json.loads(text) if text.strip() else None
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            first = value
            break
    if first is None:
        raise ImportFileError(f"{filename} holds no JSON object (one per line)", f"{filename} 中没有 JSON 对象（每行一个）")
    lines.seek(0)
    table = Table([str(k).strip() for k in first], iter(()), encoding=encoding)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for line, text in enumerate(lines, start=1):
            if not text.strip():
                table.empty_rows += 1
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as error:
                yield line, {UNREADABLE: RowProblem(line, "", f"not valid JSON: {error.msg} (column {error.colno})",
                                                    f"不是有效的 JSON：{error.msg}（第 {error.colno} 列）")}
                continue
            if not isinstance(value, dict):
                yield line, {UNREADABLE: RowProblem(line, "", "a line must hold one JSON object",
                                                    "每行必须是一个 JSON 对象")}
                continue
            cells = {str(k).strip(): v for k, v in value.items()}
            if all(_blank(v) for v in cells.values()):
                table.empty_rows += 1
                continue
            yield line, cells

    table.rows = rows()
    return table


def open_table(data: bytes, filename: str, sheet: str | None = None) -> Table:
    """The file's table, chosen by the name's extension (.csv, .xlsx, .jsonl / .ndjson); `sheet` names an XLSX
    sheet (None: the first). ImportFileError when the file cannot be read at all."""
    suffix = PurePath(filename).suffix.lower()
    name = PurePath(filename).name
    if suffix in (".csv", ".txt"):
        return _csv(data, name)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx(data, name, sheet)
    if suffix in (".jsonl", ".ndjson"):
        return _jsonl(data, name)
    if suffix in (".xls", ".et"):
        raise ImportFileError(f"{name} is an old Excel (.xls) file; save it as .xlsx and import it again",
                              f"{name} 是旧版 Excel（.xls）文件；请另存为 .xlsx 后重新导入")
    raise ImportFileError(f"{name}: cannot import {suffix or 'a file without an extension'}; "
                          "send CSV (.csv), Excel (.xlsx) or JSON lines (.jsonl)",
                          f"{name}：不支持的文件类型 {suffix or '（无扩展名）'}；请使用 CSV（.csv）、Excel（.xlsx）或 JSON Lines（.jsonl）")


def closest_header(wanted: str, present: Sequence[str]) -> str | None:
    """The present header most like `wanted` (a renamed or mistyped column), or None when none is close."""
    close = difflib.get_close_matches(wanted, list(present), n=1, cutoff=0.4)
    if close:
        return close[0]
    shared = {h: len(set(h) & set(wanted)) for h in present}  # Chinese headers: the characters in common
    best = max(shared, key=lambda h: shared[h], default=None)
    return best if best is not None and shared[best] >= 2 else None


def check_headers(mapping: Mapping, headers: Sequence[str]) -> None:
    """Every header the mapping reads is present; else ImportFileError naming each missing one and the
    closest present header that the mapping does not read (what it was probably renamed to)."""
    present = [h for h in headers if h]
    missing = [h for h in mapping.headers() if h not in present]
    if not missing:
        return
    unused = [h for h in present if h not in mapping.headers()]
    parts, parts_zh = [], []
    for header in missing:
        close = closest_header(header, unused)
        parts.append(f"{header} (closest present: {close})" if close else f"{header} (no similar header)")
        parts_zh.append(f"「{header}」（最接近的现有列：「{close}」）" if close else f"「{header}」（没有相近的列）")
    listed = ", ".join(present[:_SHOWN_HEADERS]) + (", …" if len(present) > _SHOWN_HEADERS else "")
    raise ImportFileError(
        f"the file lacks columns the mapping {mapping.department} reads: {'; '.join(parts)}. Its headers: {listed}",
        f"文件缺少映射 {mapping.department}（{mapping.name_zh}）所需的列：{'；'.join(parts_zh)}。文件的列：{listed}")
