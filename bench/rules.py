"""Rule evaluation throughput for one worker: household evaluations per second.

A synthetic district is judged as of one date in engine batches, the way a
worker judges a partition on a clock tick. Time is split into folding the
observations, deriving facts, and the durable_rules engine; then the same run
with alert reconciliation into a SQLite alert store gives the worker's rate, first
when every alert is new, then in the steady state (a daily tick: nothing changes).
One JSON line per figure (bench/figures.py); a missed target names each phase's share of the time.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from rich.progress import Progress

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.facts.derived import derive  # noqa: E402
from domain.households.state import fold  # noqa: E402
from domain.alerts.application import AlertsApp  # noqa: E402
from domain.policy.parameters import ParameterTable  # noqa: E402
from infra.event_store import open_alerts  # noqa: E402
from infra.settings import Settings  # noqa: E402
from api.cli.demo.synthetic import generate_district  # noqa: E402
from bench.figures import figure  # noqa: E402
from rules.alerting import reconcile, save_changes  # noqa: E402
from rules.catalog import CATALOG  # noqa: E402
from rules.engine import RuleEngine  # noqa: E402
from rules.engine_process import EngineProcess  # noqa: E402
from rules.findings import Judge, engine_facts  # noqa: E402
from domain.households.clock import tick  # noqa: E402
from domain.policy.policy_service import PolicyService  # noqa: E402
from infra.due_dates import SqlDueDates  # noqa: E402
from infra.event_store import open_households  # noqa: E402
from infra.kafka.clients import partition_for  # noqa: E402
from infra.shared_tables import SqliteTables  # noqa: E402
from rules.worker import RuleWorker  # noqa: E402

AS_OF = date(2025, 11, 30)
BATCH = 200
TARGET = 10_000  # household evaluations/s per worker with the alert store (DESIGN.md § Targets)


def households(count: int) -> list[list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for envelope in generate_district(seed=11, households=count, as_of=AS_OF):
        if envelope.get("household"):
            grouped[envelope["household"]].append(envelope)
    return list(grouped.values())


def phases(population: list[list[dict[str, Any]]], engine: RuleEngine, table: ParameterTable) -> dict[str, float]:
    """Seconds spent in each phase over the whole population."""
    start = time.perf_counter()
    states = [fold(obs, AS_OF) for obs in population]
    folded = time.perf_counter()
    derived = [derive(state, AS_OF, table) for state in states]
    derived_at = time.perf_counter()
    facts = [fact for household in derived for fact in engine_facts(household)]
    for i in range(0, len(facts), BATCH * 4):
        engine.evaluate(facts[i : i + BATCH * 4])
    end = time.perf_counter()
    return {"fold_s": folded - start, "derive_s": derived_at - folded, "engine_s": end - derived_at,
            "facts": len(facts)}


def judge_rate_with(population: list[list[dict[str, Any]]], judge: Judge) -> float:
    start = time.perf_counter()
    for i in range(0, len(population), BATCH):
        judge.judge_many([(obs, AS_OF) for obs in population[i : i + BATCH]])
    return len(population) / (time.perf_counter() - start)


def worker_rate(population: list[list[dict[str, Any]]], judge: Judge, alerts: AlertsApp) -> tuple[float, int]:
    raised = 0
    with Progress(transient=True) as progress:
        task = progress.add_task("judging households", total=len(population))
        start = time.perf_counter()
        for i in range(0, len(population), BATCH):
            chunk = population[i : i + BATCH]
            results = judge.judge_many([(obs, AS_OF) for obs in chunk])
            for obs, findings in zip(chunk, results):
                book, changes = reconcile(alerts, obs[0]["household"], findings, AS_OF, ["bench"])
                if changes:
                    save_changes(alerts, book, changes)
                    raised += len(changes.raised)
            progress.advance(task, len(chunk))
        return len(population) / (time.perf_counter() - start), raised


def main(count: int = 5000) -> None:
    population = households(count)
    table = ParameterTable()
    engine = RuleEngine(CATALOG)
    process = EngineProcess()
    try:
        split = phases(population, engine, table)
        in_process = judge_rate_with(population, Judge(CATALOG, engine, table))
        judge = Judge(CATALOG, process, table)
        judge_rate = judge_rate_with(population, judge)
        with tempfile.TemporaryDirectory() as tmp:
            alerts = open_alerts(Settings(data_dir=Path(tmp)))
            rate, raised = worker_rate(population, judge, alerts)
            steady, _ = worker_rate(population, judge, alerts)
    finally:
        engine.close()
        process.close()
    total = split["fold_s"] + split["derive_s"] + split["engine_s"]
    shares = [f"{phase} {split[f'{phase}_s'] / total:.0%}" for phase in ("fold", "derive", "engine")]
    common = {"households": len(population), "rules": len(CATALOG), "facts": split["facts"]}
    figure("rules", "judge_evals_per_s", judge_rate, "evals/s", None,
           engine_in_process_evals_per_s=round(in_process), **common)
    figure("rules", "worker_evals_per_s_with_alert_store", rate, "evals/s", TARGET, where_time_goes=shares,
           alerts_raised=raised, **common)
    figure("rules", "worker_evals_per_s_steady_state", steady, "evals/s", TARGET, where_time_goes=shares, **common)

# --- the share of a district a tick touches (issue 16: due-only ticks) -------------------------------

DUE_DAYS = 30
DUE_STREET = "500116001"  # the synthetic district's first street (api.cli.demo.places)


def due_share(count: int = 3000, days: int = DUE_DAYS) -> None:
    """Load a synthetic district into a real households store, judge it once, then tick `days` days one
    by one and change the urban dibao standard of one street: the share of households each judges."""
    engine = RuleEngine(CATALOG)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp))
            store = open_households(settings)
            policy = PolicyService(store, ParameterTable())
            envelopes = generate_district(seed=11, households=count, as_of=AS_OF)
            for start in range(0, len(envelopes), 5000):
                store.accept_batch(envelopes[start : start + 5000])
            store.accept(tick(AS_OF))
            worker = RuleWorker(store, open_alerts(settings, policy.table), Judge(CATALOG, engine, policy.table),
                                partial(partition_for, partitions=1),
                                SqlDueDates(SqliteTables(settings.sqlite_path("rule_due"))))
            worker.catch_up([0])
            worker.rejudged.clear()
            began = time.perf_counter()
            for day in range(1, days + 1):
                store.accept(tick(AS_OF + timedelta(days=day)))
                worker.catch_up([0])
            tick_seconds = (time.perf_counter() - began) / days
            ticks = list(worker.rejudged)
            worker.rejudged.clear()
            today = AS_OF + timedelta(days=days)
            policy.set_value("dibao.standard_monthly.urban", DUE_STREET, today, 800, "bench", "one street")
            began = time.perf_counter()
            worker.catch_up([0])
            change_seconds = time.perf_counter() - began
            in_street = sum(1 for e in envelopes
                            if e["kind"] == "household.registered" and e["data"]["region"].startswith(DUE_STREET))
    finally:
        engine.close()
    figure("rules", "daily_tick_share_rejudged", sum(ticks) / (count * days), "share", None, better="lower",
           households=count, days=days, per_tick=[round(t / count, 4) for t in ticks],
           max_share=round(max(ticks) / count, 4), seconds_per_tick=round(tick_seconds, 3))
    figure("rules", "standard_change_share_rejudged", sum(worker.rejudged) / count, "share", None, better="lower",
           households=count, street=DUE_STREET, street_households=in_street, seconds=round(change_seconds, 3))


if __name__ == "__main__":  # the engine process is spawned: guard the entry point
    if sys.argv[1:2] == ["--due"]:
        due_share(int(sys.argv[2]) if len(sys.argv) > 2 else 3000)
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
        due_share()
