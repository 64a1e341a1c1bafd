"""`qianshao audit verify`: check every application's hash chain and name the first break."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from infra.integrity import ChainReport, open_applications, verify_all
from infra.settings import Settings, default_data_dir

audit_app = typer.Typer(help="Auditors: integrity of the event logs 事件日志完整性")
console = Console()


@audit_app.command("verify")
def verify(
    data: Optional[Path] = typer.Option(None, "--data", help="data directory (default: $QIANSHAO_DATA or ./var)"),
    as_json: bool = typer.Option(False, "--json", help="one JSON object instead of the table"),
) -> None:
    """Recompute each log's hash chain; exit 1 and name the event where it first breaks."""
    apps = open_applications(Settings.from_env(data_dir=data or default_data_dir()))
    recorders = {name: app.recorder for name, app in apps.items()}
    total = sum(r.max_notification_id() or 0 for r in recorders.values())
    started = time.perf_counter()
    with Progress(TextColumn("verifying 校验"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, disable=as_json, transient=True) as progress:
        task = progress.add_task("verify", total=total)
        reports = verify_all(recorders, lambda n: progress.advance(task, n))
    seconds = time.perf_counter() - started
    broken = [r for r in reports if not r.ok]
    if as_json:
        print(json.dumps({"ok": not broken, "events": sum(r.events for r in reports), "seconds": round(seconds, 3),
                          "applications": [r.to_json() for r in reports]}, ensure_ascii=False))
    else:
        _print(reports, seconds)
    raise typer.Exit(1 if broken else 0)


def _print(reports: list[ChainReport], seconds: float) -> None:
    table = Table(title="Hash chains 哈希链")
    for column in ("application", "events", "head", "verdict"):
        table.add_column(column)
    for r in reports:
        table.add_row(r.application, str(r.events), (r.head or "—")[:16],
                      "[green]intact 完整[/]" if r.ok else f"[red]{r.broken.problem}[/]")  # type: ignore[union-attr]
    console.print(table)
    for r in reports:
        if r.broken is not None:
            b = r.broken
            console.print(f"[red]BROKEN[/] {r.application} at notification {b.notification_id}: {b.problem} — "
                          f"originator {b.originator_id} v{b.originator_version}, topic {b.topic}", highlight=False)
            console.print(f"    {b.detail}", markup=False, highlight=False)
    verdict = "all chains intact 全部完整" if all(r.ok for r in reports) else "chain broken 链已断裂"
    console.print(f"{verdict}: {sum(r.events for r in reports)} events verified in {seconds:.2f} s")
