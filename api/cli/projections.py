"""`qianshao projections rebuild [--shadow]`: the read views, rebuilt from the event logs."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from infra.event_store import projection_sources
from infra.settings import Settings, default_data_dir
from infra.view_cipher import view_sealer
from infra.view_database import open_views
from projections.rebuild import ShadowReport, rebuild_in_place, rebuild_shadow

projections_app = typer.Typer(help="Read views 读视图: rebuild from the event logs")
console = Console()
SHOWN = 50  # differences printed in the table (all of them with --json)


@projections_app.command("rebuild")
def rebuild(
    data: Optional[Path] = typer.Option(None, "--data", help="data directory (default: $QIANSHAO_DATA or ./var)"),
    shadow: bool = typer.Option(False, "--shadow", help="rebuild into a scratch copy and compare with the live views"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Drop and rebuild every read view from the logs; with --shadow leave them alone and report every
    difference of a rebuilt copy (exit 1 when there is one)."""
    settings = Settings.from_env(data_dir=data or default_data_dir())
    sources = projection_sources(settings)
    total = sum(app.recorder.max_notification_id() or 0 for app in sources.values())
    sealer = view_sealer(settings)
    started = time.perf_counter()
    with Progress(TextColumn("rebuilding 重建"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, disable=as_json, transient=True) as progress:
        task = progress.add_task("rebuild", total=total)
        advance = lambda n: progress.advance(task, n)  # noqa: E731
        if shadow:
            views = open_views(settings)
            try:
                report = rebuild_shadow(sources, views, advance, sealer.reveal_within)
            finally:
                views.close()
        else:
            views = open_views(settings)
            events = rebuild_in_place(sources, views, advance)
            views.close()
    seconds = time.perf_counter() - started
    if not shadow:
        _done({"events": events, "seconds": round(seconds, 3)}, as_json)
        return
    _shadow_report(report, seconds, as_json)
    raise typer.Exit(1 if report.differences else 0)


def _done(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(summary))
    else:
        console.print(f"views rebuilt 读视图已重建: {summary['events']} events in {summary['seconds']:.2f} s")


def _shadow_report(report: ShadowReport, seconds: float, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"differences": [d.to_json() for d in report.differences], "positions": report.positions,
                          "rows": report.rows, "events": report.events, "seconds": round(seconds, 3)},
                         ensure_ascii=False, default=str))
        return
    if report.differences:
        table = Table(title=f"Differences 差异 ({len(report.differences)})")
        for column in ("view", "key", "column", "live", "rebuilt"):
            table.add_column(column, overflow="fold")
        for d in report.differences[:SHOWN]:
            table.add_row(d.view, d.key, d.column, str(d.live), str(d.rebuilt))
        console.print(table)
    rows = ", ".join(f"{view} {n}" for view, n in sorted(report.rows.items()))
    verdict = "[red]views differ 视图不一致[/]" if report.differences else "[green]identical 完全一致[/]"
    console.print(f"{verdict}: {report.events} events replayed in {seconds:.2f} s; live rows: {rows}")
