"""The deployment's imports: each one's progress and report, in a table every process shares, and the run.

Why a shared table: an import started on one API host is watched from a page served by another, and the
command line's imports are listed beside the page's. The report's rejected rows are also written as a CSV
file (UTF-8 with BOM, every cell spreadsheet-safe) that a supervisor opens in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from domain.households.application import HouseholdsApp
from domain.identity.access import Principal
from domain.imports.importer import DepartmentImport, ImportReport
from domain.imports.mapping import Mapping
from domain.imports.rows import spreadsheet_safe
from infra.imports.readers import ImportFileError, check_headers, open_table
from infra.shared_tables import SharedTables

TABLE = ("CREATE TABLE IF NOT EXISTS import_jobs (job_id TEXT PRIMARY KEY, principal TEXT NOT NULL,"
         " department TEXT NOT NULL, file TEXT NOT NULL, state TEXT NOT NULL, rows_done INTEGER NOT NULL,"
         " rows_total INTEGER, report TEXT, error TEXT, error_zh TEXT, started TEXT NOT NULL, beat TEXT NOT NULL,"
         " finished TEXT)")
COLUMNS = ("job_id, principal, department, file, state, rows_done, rows_total, report, error, error_zh, started,"
           " beat, finished")
log = logging.getLogger(__name__)
STALE = timedelta(minutes=5)  # a running import not heard from this long was stopped (its process ended)
RUNNING, DONE, FAILED, INTERRUPTED = "running", "done", "failed", "interrupted"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class ImportJob:
    """One import as its page shows it."""

    job_id: str
    principal: str
    department: str
    file: str
    state: str
    rows_done: int
    rows_total: int | None
    report: dict[str, Any] | None
    error: str | None
    error_zh: str | None
    started: str
    finished: str | None

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


class ImportJobs:
    """Imports' progress and reports (`import_jobs`), read by any process of the deployment."""

    def __init__(self, tables: SharedTables) -> None:
        self.tables = tables
        tables.create(TABLE)

    def start(self, principal: str, department: str, file: str, rows_total: int | None) -> str:
        job_id = uuid.uuid4().hex
        now = _now()
        self.tables.execute(f"INSERT INTO import_jobs ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                            (job_id, principal, department, file, RUNNING, 0, rows_total, None, None, None, now,
                             now, None))
        return job_id

    def progress(self, job_id: str, report: ImportReport) -> None:
        self.tables.execute("UPDATE import_jobs SET rows_done = ?, report = ?, beat = ? WHERE job_id = ?",
                            (report.rows_read, json.dumps(report.to_json(problems=False), ensure_ascii=False), _now(),
                             job_id))

    def finish(self, job_id: str, report: ImportReport) -> None:
        self.tables.execute("UPDATE import_jobs SET state = ?, rows_done = ?, report = ?, finished = ? WHERE job_id = ?",
                            (DONE, report.rows_read, json.dumps(report.to_json(), ensure_ascii=False), _now(), job_id))

    def fail(self, job_id: str, message: str, message_zh: str) -> None:
        self.tables.execute("UPDATE import_jobs SET state = ?, error = ?, error_zh = ?, finished = ? WHERE job_id = ?",
                            (FAILED, message, message_zh, _now(), job_id))

    def get(self, job_id: str) -> ImportJob | None:
        rows = self.tables.execute(f"SELECT {COLUMNS} FROM import_jobs WHERE job_id = ?", (job_id,))
        return _job(rows[0]) if rows else None

    def recent(self, limit: int = 20) -> list[ImportJob]:
        rows = self.tables.execute(f"SELECT {COLUMNS} FROM import_jobs ORDER BY started DESC, job_id LIMIT ?", (limit,))
        return [_job(row) for row in rows]


def _job(row: tuple[Any, ...]) -> ImportJob:
    (job_id, principal, department, file, state, done, total, report, error, error_zh, started, beat, finished) = row
    if state == RUNNING and datetime.fromisoformat(beat) < datetime.now(timezone.utc) - STALE:
        state = INTERRUPTED
    return ImportJob(job_id, principal, department, file, state, int(done), None if total is None else int(total),
                     json.loads(report) if report else None, error, error_zh, started, finished)


def estimated_rows(data: bytes, filename: str) -> int | None:
    """Rows in the file, for the progress bar's ETA (lines less the header; None for a workbook)."""
    if filename.lower().endswith((".csv", ".jsonl", ".ndjson")):
        lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
        return max(lines - (1 if filename.lower().endswith(".csv") else 0), 0)
    return None


def run_import(households: HouseholdsApp, principal: Principal, mapping: Mapping, data: bytes, filename: str,
               *, sheet: str | None = None, progress: Callable[[ImportReport], None] | None = None,
               batch_rows: int | None = None) -> ImportReport:
    """Read the file and import every row; ImportFileError (a clear message) when the file itself is wrong."""
    table = open_table(data, filename, sheet if sheet is not None else mapping.sheet)
    check_headers(mapping, table.headers)
    kwargs = {} if batch_rows is None else {"batch_rows": batch_rows}
    job = DepartmentImport(households, principal, mapping, filename, **kwargs)
    report = job.run(table.rows, progress)
    report.empty_rows = table.empty_rows
    return report


def problems_csv(report: ImportReport | dict[str, Any]) -> bytes:
    """The rejected rows as a spreadsheet opens them: line, column, reason in Chinese and English (no cell is
    read as a formula)."""
    problems = report.to_json()["problems"] if isinstance(report, ImportReport) else report.get("problems", [])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["行号 line", "列 column", "原因", "reason"])
    for p in problems:
        writer.writerow([p["line"], spreadsheet_safe(str(p["column"])), spreadsheet_safe(p["message_zh"]),
                         spreadsheet_safe(p["message"])])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def start_in_background(jobs: ImportJobs, job_id: str, run: Callable[[Callable[[ImportReport], None]], ImportReport]
                        ) -> threading.Thread:
    """Run an import the page started, its progress and end recorded; an error fails the job, visibly."""

    def work() -> None:
        try:
            report = run(lambda r: jobs.progress(job_id, r))
        except ImportFileError as error:
            jobs.fail(job_id, error.message, error.message_zh)
        except Exception as error:  # noqa: BLE001 - recorded on the job and logged, never lost in the thread
            log.exception("import %s failed", job_id)
            jobs.fail(job_id, f"the import stopped: {error!r}; import the file again to resume",
                      f"导入中断：{error!r}；重新导入同一文件即可从中断处继续")
        else:
            jobs.finish(job_id, report)

    thread = threading.Thread(target=work, name=f"import-{job_id[:8]}", daemon=True)
    thread.start()
    return thread


__all__ = ["ImportFileError", "ImportJob", "ImportJobs", "estimated_rows", "problems_csv", "run_import", "start_in_background"]


def launch(jobs: ImportJobs, households: HouseholdsApp, principal: Principal, mapping: Mapping, data: bytes,
           filename: str, sheet: str | None = None) -> str:
    """Start an import in the background and answer its job id; a file that is wrong in itself (encoding,
    headers, sheet) raises ImportFileError at once, so the uploader is told before anything starts."""
    table = open_table(data, filename, sheet if sheet is not None else mapping.sheet)
    try:
        check_headers(mapping, table.headers)
    finally:
        table.rows.close()  # type: ignore[attr-defined]  # only the headers were wanted here (a workbook closes)
    job_id = jobs.start(principal.name, mapping.department, filename, estimated_rows(data, filename))
    start_in_background(jobs, job_id, lambda progress: run_import(households, principal, mapping, data, filename,
                                                                  sheet=sheet, progress=progress))
    return job_id
