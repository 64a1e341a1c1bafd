"""The `qianshao` command line: serve, demo, scenario run."""

from __future__ import annotations

import json
import logging
import signal
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Optional
from zoneinfo import ZoneInfo

import typer
import uvicorn
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from infra.runtime import Runtime
from infra.settings import Settings, default_data_dir

app = typer.Typer(help="Qianshao 前哨 — proactive discovery for social assistance", no_args_is_help=True)
scenario_app = typer.Typer(help="Scenario files: stories with the alerts they must produce")
app.add_typer(scenario_app, name="scenario")
console = Console()
CHINA = ZoneInfo("Asia/Shanghai")

DataOption = typer.Option(None, "--data", help="data directory (default: $QIANSHAO_DATA or ./var)")
HostOption = typer.Option("127.0.0.1", "--host")
PortOption = typer.Option(8000, "--port")
KafkaPortOption = typer.Option(None, "--kafka-port", help="port of the embedded broker (default: a free one)")


def today() -> date:
    return datetime.now(CHINA).date()


def _start(data: Optional[Path], kafka_port: Optional[int]) -> Runtime:
    settings = Settings.from_env(data_dir=data or default_data_dir(), kafka_port=kafka_port)
    with console.status("starting backends…"):
        return Runtime(settings).start()


def _banner(runtime: Runtime, host: str, port: int) -> None:
    console.print(f"[bold]Qianshao 前哨[/] serving on [link]http://{host}:{port}[/]  (API docs: /docs)")
    console.print(f"Kafka bootstrap: {runtime.bootstrap}   data: {runtime.settings.data_dir.resolve()}")


def _serve(runtime: Runtime, host: str, port: int) -> None:
    """Serve the API until Ctrl-C, ticking the clock once a day."""
    from api.app import create_app

    stop = threading.Event()
    threading.Thread(target=_daily_ticks, args=(runtime, stop), name="scheduler", daemon=True).start()
    server = uvicorn.Server(uvicorn.Config(create_app(runtime), host=host, port=port, log_level="warning"))
    _banner(runtime, host, port)
    try:
        server.run()
    finally:
        stop.set()
        runtime.stop()


def _daily_ticks(runtime: Runtime, stop: threading.Event) -> None:
    """The scheduler: one `clock.tick` per day (re-sent ticks are duplicates and change nothing)."""
    from infra.scenario import tick

    while not stop.is_set():
        runtime.intake.accept(tick(today(), "scheduler"))
        stop.wait(600)


@app.command()
def serve(
    data: Optional[Path] = DataOption,
    host: str = HostOption,
    port: int = PortOption,
    kafka_port: Optional[int] = KafkaPortOption,
) -> None:
    """Run every component in one process on the embedded backends (or those configured)."""
    _serve(_start(data, kafka_port), host, port)


@app.command()
def demo(
    data: Optional[Path] = DataOption,
    host: str = HostOption,
    port: int = PortOption,
    kafka_port: Optional[int] = KafkaPortOption,
    households: int = typer.Option(3000, help="size of the synthetic district"),
    seed: int = typer.Option(2026, help="random seed: the same seed gives the same district"),
    exit_after: bool = typer.Option(False, "--exit", help="stop after printing the summary"),
) -> None:
    """Load a synthetic district through the real intake, summarise the alerts, keep serving."""
    from infra.synthetic import generate_district

    runtime = _start(data, kafka_port)
    envelopes = generate_district(seed=seed, households=households, as_of=today())
    _load(runtime, envelopes)
    runtime.intake.accept(_tick_now())
    with console.status("evaluating rules…"):
        runtime.drain(timeout=600)
    _summary(runtime)
    if exit_after:
        runtime.stop()
        return
    _serve(runtime, host, port)


def _tick_now() -> dict[str, object]:
    from infra.scenario import tick

    return tick(today(), "scheduler")


def _load(runtime: Runtime, envelopes: list[dict[str, object]], batch: int = 500) -> None:
    rejected = 0
    with Progress(console=console) as progress:
        task = progress.add_task("loading observations", total=len(envelopes))
        for start in range(0, len(envelopes), batch):
            chunk = envelopes[start : start + batch]
            rejected += sum(o.status == "rejected" for o in runtime.intake.accept_batch(chunk))
            progress.advance(task, len(chunk))
    console.print(f"{len(envelopes)} observations sent, {rejected} rejected")


def _summary(runtime: Runtime) -> None:
    rows = runtime.views.query(
        "SELECT rule, severity, COUNT(*) AS n FROM alerts WHERE status = 'open' GROUP BY rule, severity ORDER BY rule"
    )
    table = Table(title="Open alerts by rule 按规则统计的待处理预警")
    for column in ("rule", "severity", "open"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["rule"], row["severity"], str(row["n"]))
    console.print(table)
    console.print(f"total open alerts: {sum(r['n'] for r in rows)}")


@scenario_app.command("run")
def scenario_run(
    files: list[Path] = typer.Argument(..., help="scenario YAML files"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON line per file with its open alerts"),
) -> None:
    """Replay each file through the real pipeline into a fresh store; exit 1 if any fails."""
    from infra.scenario import ScenarioError, ScenarioRunner, load

    runner = ScenarioRunner()
    failed = 0
    try:
        for path in files:
            try:
                result = runner.run(load(path))
            except ScenarioError as error:
                failed += 1
                console.print(f"[red]ERROR[/] {error}") if not as_json else print(
                    json.dumps({"file": str(path), "passed": False, "error": str(error), "open_alerts": []})
                )
                continue
            failed += 0 if result.passed else 1
            _report(result, as_json)
    finally:
        runner.close()
    raise typer.Exit(1 if failed else 0)


def _report(result: object, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False))  # type: ignore[attr-defined]
        return
    status = "[green]PASS[/]" if result.passed else "[red]FAIL[/]"  # type: ignore[attr-defined]
    console.print(f"{status} {result.scenario.path} — {result.scenario.name}")  # type: ignore[attr-defined]
    for line in [*result.rejected, *result.failures]:  # type: ignore[attr-defined]
        console.print(f"    {line}")


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    app()
