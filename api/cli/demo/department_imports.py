"""The demo's department imports: six files about the district written and imported after it is loaded, so a
newcomer sees alerts and leads arise from department data (a death still covered, a large medical bill …)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from rich.console import Console
from rich.table import Table

from api.cli.demo.departments import FORMATS, department_rows, district_people, write_file
from domain.identity.access import Principal
from domain.imports.importer import ImportReport
from infra.imports.jobs import run_import
from infra.imports import shipped_mapping
from infra.runtime import Runtime

IMPORTER = "demo-integration"


def import_departments(runtime: Runtime, envelopes: list[dict[str, Any]], today: date, console: Console) -> list[ImportReport]:
    """Write each department's file and import it as the demo's integration user.

    The files hold names and ID numbers in the clear, as a department's export does, so they are written
    to a temporary folder and deleted once imported: nothing personal is left unencrypted in the data directory.
    """
    people = district_people(envelopes)
    user = runtime.services.identity.user(IMPORTER)
    principal = Principal(user.name, user.role, user.jurisdiction)
    reports = []
    with console.status("importing department files 导入部门数据…"), TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for department, form in FORMATS.items():
            mapping = shipped_mapping(department)
            path = write_file(mapping, department_rows(department, people, today), folder / department, form)
            report = run_import(runtime.services.households, principal, mapping, path.read_bytes(), path.name)
            jobs = runtime.services.imports
            jobs.finish(jobs.start(principal.name, department, path.name, report.rows_read), report)
            reports.append(report)
    console.print(_table(reports))
    return reports


def _table(reports: list[ImportReport]) -> Table:
    table = Table(title="Department imports 部门数据导入")
    for column in ("file 文件", "read 读取", "accepted 接收", "duplicates 重复", "rejected 拒收", "leads 线索"):
        table.add_column(column)
    for r in reports:
        table.add_row(Path(r.file).name, str(r.rows_read), str(r.accepted), str(r.duplicates), str(r.rejected_rows),
                      str(r.leads))
    return table
