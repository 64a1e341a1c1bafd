"""The `qianshao` command line: serve, demo, scenario run, rules, parameters, users, jurisdictions."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional
from zoneinfo import ZoneInfo

import typer
import uvicorn
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from infra.at_rest import prepare_encryption
from infra.bootstrap import COMPONENTS, bootstrap
from api.cli.audit import audit_app
from api.cli.identity import demo_users_table, jurisdictions_app, users_app
from api.cli.imports import import_file
from api.cli.rules import rules_app
from api.cli.keys import keys_app
from api.cli.households import households_app
from api.cli.projections import projections_app
from infra.garbage_collection import tune_for_service
from infra.http_server import server_config
from infra.runtime import Runtime
from infra.settings import Settings, SettingsError, default_data_dir

if TYPE_CHECKING:
    from api.cli.demo.seed import DemoUser

app = typer.Typer(help="Qianshao 前哨 — proactive discovery for social assistance", no_args_is_help=True)
scenario_app = typer.Typer(help="Scenario files: stories with the alerts they must produce")
app.add_typer(scenario_app, name="scenario")
parameters_app = typer.Typer(help="Policy parameters, effective-dated per region")
app.add_typer(parameters_app, name="parameters")
app.add_typer(users_app, name="users")
app.add_typer(jurisdictions_app, name="jurisdictions")
app.add_typer(rules_app, name="rules")
app.add_typer(audit_app, name="audit")
app.add_typer(projections_app, name="projections")
app.add_typer(keys_app, name="keys")
app.command("import")(import_file)
app.add_typer(households_app, name="households")
console = Console()
CHINA = ZoneInfo("Asia/Shanghai")

DataOption = typer.Option(None, "--data", help="data directory (default: $QIANSHAO_DATA or ./var)")
HostOption = typer.Option("127.0.0.1", "--host")
PortOption = typer.Option(8000, "--port")
KafkaPortOption = typer.Option(None, "--kafka-port", help="port of the embedded broker (default: a free one)")


def today() -> date:
    return datetime.now(CHINA).date()


def _start(data: Optional[Path], kafka_port: Optional[int], components: frozenset[str] = COMPONENTS) -> Runtime:
    """Check (or, for a new data directory, create) the key, then start the components."""
    settings = Settings.from_env(data_dir=data or default_data_dir(), kafka_port=kafka_port)
    console.print(prepare_encryption(settings).note(), highlight=False)
    tune_for_service()
    with console.status("starting backends…"):
        return bootstrap(settings, components).start()


def login_url(host: str, port: int) -> str:
    return f"http://{host}:{port}/login"


def _banner(runtime: Runtime, host: str, port: int) -> None:
    console.print(f"[bold]Qianshao 前哨[/] serving on [link]http://{host}:{port}[/]  (API docs: /docs; "
                  f"pages: {login_url(host, port)})")
    console.print(f"Kafka bootstrap: {runtime.kafka or '(none: no Kafka component)'}   "
                  f"data: {runtime.settings.data_dir.resolve()}")


def _serve(runtime: Runtime, host: str, port: int) -> None:
    """Serve the API until Ctrl-C (the scheduler component ticks the clock once a day)."""
    from api.http.app import create_app

    app = create_app(runtime.services, runtime)
    config = server_config(app, host, port, runtime.settings.trusted_proxies, lifespan="off")
    server = uvicorn.Server(config)
    _banner(runtime, host, port)
    try:
        server.run()
    except KeyboardInterrupt:
        pass  # uvicorn re-raises Ctrl-C after its graceful shutdown
    finally:
        with console.status("stopping…"):
            runtime.stop()
        console.print("stopped")


@app.command()
def serve(
    data: Optional[Path] = DataOption,
    host: str = HostOption,
    port: int = PortOption,
    kafka_port: Optional[int] = KafkaPortOption,
    only: Optional[str] = typer.Option(
        None, "--only", help="comma-separated subset of api,relay,rules,projections,intake,scheduler,reports (the API always serves)"
    ),
) -> None:
    """Run every component in one process on the embedded backends (or those configured)."""
    chosen = frozenset(only.split(",")) - {"api"} if only else COMPONENTS
    unknown = chosen - COMPONENTS
    if unknown:
        raise typer.BadParameter(f"unknown components: {', '.join(sorted(unknown))}", param_hint="--only")
    _serve(_start(data, kafka_port, chosen), host, port)


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
    from api.cli.demo.seed import seed_demo, seed_parameters
    from api.cli.demo.synthetic import generate_district

    runtime = _start(data, kafka_port)
    console.print(f"Kafka bootstrap: {runtime.kafka}   data: {runtime.settings.data_dir.resolve()}")
    envelopes = generate_district(seed=seed, households=households, as_of=today())
    demo_users = seed_demo(runtime.services.identity, envelopes)
    county = next(e["data"]["region"][:6] for e in envelopes if e["kind"] == "household.registered")
    seed_parameters(runtime.services.policy, county)
    fill = partial(_fill_district, runtime, envelopes, demo_users, host, port)
    if exit_after:
        fill()
        runtime.stop()
        return
    # The pages are served at once and the district fills in behind them, as the rules judge it: a newcomer
    # logs in within seconds, not after the whole load (issue 18); the summary follows when it is judged.
    console.print(f"Pages 网页 [link]{login_url(host, port)}[/]: served now; the district loads behind them "
                  "(演示数据正在后台载入，预警随规则判定陆续出现)")
    threading.Thread(target=_reporting_failure(fill), name="demo-fill", daemon=True).start()
    _serve(runtime, host, port)


def _fill_district(runtime: Runtime, envelopes: list[dict[str, object]], demo_users: list[DemoUser], host: str,
                   port: int) -> None:
    """Load the district through the real intake, import the department files, wait for the rules, summarise."""
    from api.cli.demo.department_imports import import_departments

    _load(runtime, envelopes)
    runtime.services.intake.accept(_tick_now())
    import_departments(runtime, envelopes, today(), console)
    with console.status("evaluating rules…"):
        runtime.drain(timeout=600)
    _summary(runtime)
    console.print(demo_users_table(demo_users))
    console.print(f"Pages 网页: log in at 登录 [link]{login_url(host, port)}[/] with a name and password above")


def _reporting_failure(work: Callable[[], None]) -> Callable[[], None]:
    """`work` for a thread: a failure is printed and logged, not lost with the thread."""

    def run() -> None:
        try:
            work()
        except Exception as error:  # noqa: BLE001 - shown to the user; the pages keep serving what was loaded
            logging.getLogger("qianshao.demo").exception("loading the demo district failed")
            console.print(f"[red]loading the demo district failed 演示数据载入失败[/]: {error!r}")

    return run


def _tick_now() -> dict[str, object]:
    from domain.households.clock import tick

    return tick(today(), "scheduler")


def _load(runtime: Runtime, envelopes: list[dict[str, object]], batch: int = 500) -> None:
    rejected = 0
    with Progress(console=console) as progress:
        task = progress.add_task("loading observations", total=len(envelopes))
        for start in range(0, len(envelopes), batch):
            chunk = envelopes[start : start + batch]
            rejected += sum(o.status == "rejected" for o in runtime.services.intake.accept_batch(chunk))
            progress.advance(task, len(chunk))
    console.print(f"{len(envelopes)} observations sent, {rejected} rejected")


def _summary(runtime: Runtime) -> None:
    rows = runtime.services.views.query(
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
    from api.cli.scenario import ScenarioError, ScenarioRunner, load

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


@parameters_app.command("set")
def parameters_set(
    name: str = typer.Argument(..., help="e.g. dibao.standard_monthly.urban"),
    value: str = typer.Argument(..., help="a JSON value: 800, 1.5, true, [3, 4]"),
    region: str = typer.Option(..., "--region", help="admin code read by level: 500000 = all of Chongqing, 500103100 = town 100 alone"),
    effective_from: str = typer.Option(..., "--from", help="YYYY-MM-DD"),
    by: str = typer.Option(..., "--by", help="who sets it (recorded)"),
    reason: str = typer.Option("", "--reason"),
    data: Optional[Path] = DataOption,
) -> None:
    """Add a dated parameter value (recorded as an event; a running server re-judges households).
    A value of the wrong type or range, or a date not written YYYY-MM-DD, is refused (exit 2)."""
    from infra.event_store import open_households
    from domain.policy.policy_service import PolicyError, PolicyService
    from domain.policy.parameters import ParameterTable

    try:
        parsed = json.loads(value)
    except ValueError as error:
        raise typer.BadParameter(f"值必须是 JSON（如 800、1.5、true、[3, 4]） / must be JSON: {error}",
                                 param_hint="VALUE") from error
    settings = Settings.from_env(data_dir=data or default_data_dir())
    try:
        stored = PolicyService(open_households(settings), ParameterTable()).set_value(
            name, region, effective_from, parsed, by, reason)
    except PolicyError as error:
        for problem in error.problems:
            console.print(f"{problem.field}: {problem.message_zh} / {problem.message}", style="red", markup=False,
                          highlight=False)
        console.print("未保存 / nothing was stored", style="red")
        raise typer.Exit(2) from error
    console.print(f"{name} = {json.dumps(stored.value)} for {region} from {stored.effective_from} (set by {by})")


@parameters_app.command("show")
def parameters_show(
    region: str = typer.Option(..., "--region"),
    on: Optional[str] = typer.Option(None, "--on", help="YYYY-MM-DD (default: today)"),
    data: Optional[Path] = DataOption,
) -> None:
    """The value of every parameter for a region on a date, and where it comes from."""
    from infra.event_store import open_households
    from domain.policy.policy_service import PolicyService
    from domain.policy.parameters import ParameterTable
    from domain.region_codes import InvalidRegionCode, check_region_code

    try:
        check_region_code(region)
    except InvalidRegionCode as error:
        raise typer.BadParameter(f"{error.message_zh} / {error.message}", param_hint="--region") from error
    settings = Settings.from_env(data_dir=data or default_data_dir())
    table = PolicyService(open_households(settings), ParameterTable()).table()
    day = date.fromisoformat(on) if on else today()
    out = Table(title=f"parameters for {region} on {day}")
    for column in ("name", "value", "region", "from"):
        out.add_column(column)
    for name in table.names():
        found = table.lookup(name, region, day)
        out.add_row(name, *(map(str, found.to_json().values())) if found else ("—", "", ""))
    console.print(out)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("kafka").setLevel(logging.ERROR)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        app()
    except SettingsError as error:  # a setting or key that cannot be used: say why, no traceback
        Console(stderr=True).print(f"{error.message_zh}\n{error.message}", style="red", markup=False,
                                   highlight=False, soft_wrap=True)
        sys.exit(2)
