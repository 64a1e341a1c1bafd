"""`qianshao import FILE --mapping MAPPING --user NAME`: a department's file into the event store, with progress.

The rules judge behind it: a running `qianshao serve` (or its relay and rule workers) picks the new
observations up from the store. The report is printed and written beside the file's name (`.report.json`,
and `.rejected.csv` when rows were rejected).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from domain.identity.access import Action, Principal, allowed
from domain.imports.importer import ImportReport
from domain.imports.mapping import MappingError
from infra.at_rest import prepare_encryption
from infra.event_store import open_households, open_identity
from infra.imports.jobs import ImportJobs, estimated_rows, problems_csv, run_import
from infra.imports import mapping_named
from infra.imports.readers import ImportFileError
from infra.settings import Settings, default_data_dir
from infra.shared_tables import open_shared_tables

console = Console()


def importer(name: str, settings: Settings) -> Principal:
    """The importing user, from the identity store: an integration user or an admin, not revoked."""
    identity = open_identity(settings)
    try:
        user = identity.user(name)
    except Exception as error:  # noqa: BLE001 - the store's own "no such user", told plainly
        raise typer.BadParameter(f"没有此用户 no such user: {name}", param_hint="--user") from error
    if user.revoked or not allowed(user.role, Action.IMPORT_DEPARTMENT_DATA):
        raise typer.BadParameter(f"此用户无权导入部门数据 {name} may not import department data "
                                 f"(role {user.role}; integration or admin may)", param_hint="--user")
    return Principal(user.name, user.role, user.jurisdiction)


def import_file(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV (UTF-8 or GBK), XLSX or JSON lines"),
    mapping: str = typer.Option(..., "--mapping", help="a mapping YAML file, or a shipped department's code"),
    user: str = typer.Option(..., "--user", help="the importing user (role integration or admin)"),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="the XLSX sheet (default: the mapping's, or the first)"),
    data: Optional[Path] = typer.Option(None, "--data", help="data directory (default: $QIANSHAO_DATA or ./var)"),
) -> None:
    """Import a department's file: rows about known residents become observations, unknown people leads."""
    settings = Settings.from_env(data_dir=data or default_data_dir())
    prepare_encryption(settings)
    try:
        chosen = mapping_named(mapping)
    except MappingError as error:
        raise typer.BadParameter(f"{error.message_zh} {error.message}", param_hint="--mapping") from error
    principal = importer(user, settings)
    content = file.read_bytes()
    jobs = ImportJobs(open_shared_tables(settings, "imports"))
    job_id = jobs.start(principal.name, chosen.department, file.name, estimated_rows(content, file.name))
    try:
        report = _with_progress(settings, principal, chosen, content, file.name, sheet, jobs, job_id)
    except ImportFileError as error:
        jobs.fail(job_id, error.message, error.message_zh)
        console.print(f"[red]{error.message_zh}[/]\n{error.message}")
        raise typer.Exit(2) from None
    jobs.finish(job_id, report)
    _write_report(file, report)


def _with_progress(settings: Settings, principal: Principal, mapping: object, content: bytes, name: str,
                   sheet: Optional[str], jobs: ImportJobs, job_id: str) -> ImportReport:
    households = open_households(settings)
    columns = (TextColumn("导入 importing"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]:,.0f} 行/s rows/s"), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("import", total=estimated_rows(content, name), rate=0.0)

        def seen(report: ImportReport) -> None:
            elapsed = bar.tasks[0].elapsed or 0.0
            bar.update(task, completed=report.rows_read, rate=report.rows_read / elapsed if elapsed else 0.0)
            jobs.progress(job_id, report)

        return run_import(households, principal, mapping, content, name, sheet=sheet,  # type: ignore[arg-type]
                          progress=seen)


def _write_report(file: Path, report: ImportReport) -> None:
    summary = report.to_json()
    counts = {k: v for k, v in summary.items() if k != "problems"}
    console.print(f"读取 read {counts['rows_read']}  匹配 matched {counts['matched']}  "
                  f"接收 accepted {counts['accepted']}  重复 duplicates {counts['duplicates']}  "
                  f"拒收 rejected {counts['rejected']}  线索 leads {counts['leads']}  "
                  f"空行 empty {counts['empty_rows']}", highlight=False)
    target = file.with_name(file.name + ".report.json")
    target.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    console.print(f"报告 report: {target}")
    if report.rejected:
        rejected = file.with_name(file.name + ".rejected.csv")
        rejected.write_bytes(problems_csv(report))
        console.print(f"拒收的行 rejected rows: {rejected}")
        for problem in report.rejected[:10]:
            console.print(f"  第 {problem.line} 行 line {problem.line} · {problem.column}: {problem.message_zh}",
                          highlight=False)
