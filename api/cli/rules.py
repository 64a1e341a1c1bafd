"""`qianshao rules`: the catalog (with no subcommand) and `rules backtest`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from rules import backtest_reports
from infra.settings import Settings, default_data_dir
from rules.backtest_comparison import OUTCOME_LABELS, OUTCOMES
from rules.engine_process import DEFAULT_CATALOG

if TYPE_CHECKING:
    from rules.backtest_run import BacktestReport

rules_app = typer.Typer(
    help="With no command: the rule catalog. backtest: replay history with other parameters or rules",
    invoke_without_command=True)
console = Console()


@rules_app.callback()
def rules_catalog(ctx: typer.Context) -> None:
    """The rule catalog: id, version, subject, severity, title, and the choices made where RULES.md is silent."""
    if ctx.invoked_subcommand is not None:
        return
    from rules.catalog import CATALOG

    table = Table(title="Rule catalog 规则目录", show_lines=True)
    for column in ("id", "v", "subject", "severity", "title", "choices"):
        table.add_column(column)
    for rule in CATALOG:
        table.add_row(rule.id, str(rule.version), rule.subject, rule.severity,
                      f"{rule.title_zh}\n{rule.title_en}", "\n".join(rule.choices))
    console.print(table)


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"日期须为 YYYY-MM-DD / must be YYYY-MM-DD (got {value!r})",
                                 param_hint=option) from None


@rules_app.command("backtest")
def backtest(
    start: str = typer.Option(..., "--from", help="first day replayed, YYYY-MM-DD"),
    end: str = typer.Option(..., "--to", help="last day replayed, YYYY-MM-DD"),
    parameters: Optional[Path] = typer.Option(None, "--parameters",
                                              help="YAML/JSON list of {name, value, region, from} to replay with"),
    catalog: str = typer.Option(DEFAULT_CATALOG, "--rules", help="rule-catalog version to replay (module:NAME)"),
    data: Optional[Path] = typer.Option(None, "--data", help="data directory (default: $QIANSHAO_DATA or ./var)"),
    as_json: bool = typer.Option(False, "--json", help="print the report as one JSON line"),
) -> None:
    """Replay the recorded history day by day with other parameters or rules into a scratch store,
    and compare per rule with the alerts actually raised (the live stores are only read)."""
    from rules.backtest_run import BacktestRequest, ParameterFileError, load_parameter_file, report_json, run_backtest
    from infra.event_store import open_alerts, open_households
    from rules.engine_process import load_catalog

    first, last = _day(start, "--from"), _day(end, "--to")
    if last < first:
        raise typer.BadParameter("--to 不能早于 --from / must not be before --from", param_hint="--to")
    try:
        values = load_parameter_file(parameters) if parameters else []
        load_catalog(catalog)
    except ParameterFileError as error:
        for problem in error.problems:
            console.print(f"{problem.field}: {problem.message_zh} / {problem.message}", style="red", markup=False,
                          highlight=False)
        raise typer.Exit(2) from error
    except (ImportError, AttributeError, ValueError) as error:
        raise typer.BadParameter(f"无法加载规则目录 / cannot load the catalog: {error}", param_hint="--rules")
    settings = Settings.from_env(data_dir=data or default_data_dir())
    if settings.postgres is None and not settings.data_dir.joinpath("households.sqlite").exists():
        raise typer.BadParameter(f"{settings.data_dir} 中没有记录的历史 / holds no recorded history",
                                 param_hint="--data")
    request = BacktestRequest(first, last, values, catalog)
    with Progress(console=console, transient=as_json) as progress:
        task = progress.add_task("replaying days 逐日回放", total=(last - first).days + 1)
        report = run_backtest(open_households(settings), open_alerts(settings), request,
                              progress=lambda _: progress.advance(task))
    saved = backtest_reports.save(settings.data_dir, report.to_json())
    if as_json:
        print(report_json(report))
        return
    _print(report)
    console.print(f"saved 已保存: {saved}")


def _print(report: "BacktestReport") -> None:
    figures = report.to_json()
    console.print(f"{figures['households']} households, {figures['events']} recorded events, {figures['days']} days, "
                  f"{figures['evaluations']} evaluations in {figures['seconds']} s")
    summary = Table(title="Back-test by rule 按规则回测")
    for column in ("rule", "actual", "replay", *(OUTCOME_LABELS[o][0] + "\n" + OUTCOME_LABELS[o][1] for o in OUTCOMES)):
        summary.add_column(column)
    for rule in figures["rules"]:
        summary.add_row(rule["rule"], str(rule["actual"]), str(rule["replay"]),
                        *(str(rule["counts"][o]) for o in OUTCOMES))
    console.print(summary)
    changed = Table(title="Households found differently 发现时间变化的家庭")
    for column in ("rule", "household", "resident", "change", "actual", "replay", "days"):
        changed.add_column(column)
    for rule in figures["rules"]:
        for c in rule["changes"]:
            days = "" if c["days"] is None else (f"≥{c['days']}" if c["at_least"] else str(c["days"]))
            changed.add_row(rule["rule"], c["household"], c["resident"] or "", " / ".join(OUTCOME_LABELS[c["outcome"]]),
                            c["actual_on"] or "—", c["replay_on"] or "—", days)
    console.print(changed)
