"""A city on the embedded backends (and PostgreSQL): load, judge, a daily tick, a dibao-standard change.

Residents are generated household by household from the synthetic district's mix (constant memory)
into JSON lines ahead of the load (timed apart: a city's intake parses what it is sent, it does not
make it up), loaded through the bulk path (`HouseholdsApp.accept_batch`, one transaction per batch) by
two loader processes side by side (each every other household, as two intake processes would), into
stores encrypted at rest as a deployment's are; judged by two
rule workers in their own processes (each its own engine process, half the partitions each), then a
daily tick and a change of the urban dibao standard for the whole county are judged the same way.
Figures: seconds for each step, peak memory of every process, the store's size. `--residents 1000000`
is the city of DESIGN.md § Targets; `make bench` runs it scaled down and says so in every line.
"""

from __future__ import annotations

import argparse
import base64
import json
import multiprocessing
import os
import queue
import resource
import sys
import tempfile
import time
from contextlib import nullcontext
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any, Iterator

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.cli.demo.synthetic import iter_district  # noqa: E402
from bench import pg  # noqa: E402
from bench.figures import figure, note, profiled  # noqa: E402
from bench.serving import bench_settings  # noqa: E402
from domain.households.clock import tick  # noqa: E402
from domain.policy.parameters import ParameterTable  # noqa: E402
from domain.policy.policy_service import PolicyService  # noqa: E402
from infra.due_dates import SqlDueDates  # noqa: E402
from infra.known_households import SqlKnownHouseholds  # noqa: E402
from infra.event_store import open_alerts, open_households  # noqa: E402
from infra.garbage_collection import tune_for_service  # noqa: E402
from infra.kafka.clients import partition_for  # noqa: E402
from infra.settings import Settings  # noqa: E402
from infra.shared_tables import open_shared_tables  # noqa: E402

AS_OF = date(2026, 11, 30)
PARTITIONS = 8
WORKERS = 2
LOADERS = 2  # intake processes loading side by side (each its own share of the households)
BATCH = 1000
RESIDENTS_PER_HOUSEHOLD = 2.86  # the synthetic district's mean, for sizing the run
TARGETS = {"load_and_judge_s": 600.0, "daily_tick_s": 60.0, "standard_change_s": 60.0}
PEAK_TARGET_MB = 4096.0
CITY_HOUSEHOLDS = 350_000  # DESIGN.md § Targets: a million residents
PROFILED_HOUSEHOLDS = 500  # the load's profile: one loader, a store of its own


def generate_share(path: Path, households: int, share: tuple[int, int]) -> None:
    """One loader's share of the city as JSON lines (each household whole and in its own order): the
    input an intake process parses, written ahead so that the load times intake, not the generator."""
    with path.open("w", encoding="utf-8") as out:
        for envelope in iter_district(seed=2026, households=households, county="500103", as_of=AS_OF, share=share):
            out.write(json.dumps(envelope, ensure_ascii=False) + "\n")


def generate(directory: Path, households: int) -> tuple[float, list[Path]]:
    """Seconds to write every loader's share (LOADERS processes), and the files."""
    context = multiprocessing.get_context("spawn")
    paths = [directory / f"share-{k + 1}-of-{LOADERS}.jsonl" for k in range(LOADERS)]
    start = time.perf_counter()
    writers = [context.Process(target=generate_share, args=(path, households, (k, LOADERS)), name=f"generator {k + 1}")
               for k, path in enumerate(paths)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
        if writer.exitcode != 0:
            raise RuntimeError(f"{writer.name} exited with code {writer.exitcode}")
    return time.perf_counter() - start, paths


def batches(path: Path) -> Iterator[list[dict[str, Any]]]:
    """The file's envelopes, parsed, BATCH at a time (constant memory)."""
    batch: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            batch.append(json.loads(line))
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def load_share(settings: Settings, path: Path, results: Any) -> None:
    """One loader (a process of its own, as one intake process of several): its share of the households
    through the bulk path, progress and totals reported on `results`."""
    tune_for_service()  # as `qianshao serve` does
    store = open_households(settings)
    observations = residents = 0
    for batch in batches(path):
        outcomes = store.accept_batch(batch)
        refused = [o for o in outcomes if o.status != "accepted"]
        if refused:
            raise RuntimeError(f"the bulk path refused {len(refused)} items, e.g. {refused[0]}")
        observations += len(batch)
        registrations = [e for e in batch if e["kind"] == "household.registered"]
        residents += sum(len(e["data"]["members"]) for e in registrations)
        residents += sum(e["kind"] == "resident.joined" for e in batch)
        results.put(("households", len(registrations)))
    store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results.put(("done", {"observations": observations, "residents": residents, "peak_mb": peak}))


def load(settings: Settings, households: int, shares: list[Path]) -> tuple[float, int, int, float]:
    """Seconds, observations and residents loaded by LOADERS processes, and their peak memory (MB)."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    columns = (TextColumn("loading households"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    start = time.perf_counter()
    loaders = [context.Process(target=load_share, args=(settings, path, results), name=f"loader {k + 1}")
               for k, path in enumerate(shares)]
    for loader in loaders:
        loader.start()
    reports: list[dict[str, Any]] = []
    with Progress(*columns, transient=True, redirect_stdout=False) as progress:
        task = progress.add_task("load", total=households)
        while len(reports) < LOADERS:
            kind, value = _next_report(results, loaders)
            if kind == "households":
                progress.advance(task, value)
            else:
                reports.append(value)
    seconds = time.perf_counter() - start
    for loader in loaders:
        loader.join()
    return (seconds, sum(r["observations"] for r in reports), sum(r["residents"] for r in reports),
            max(r["peak_mb"] for r in reports))


def _next_report(results: Any, processes: list[Any]) -> tuple[str, Any]:
    """The next report of a loader or worker; one that died says so instead of leaving the bench waiting."""
    while True:
        try:
            return results.get(timeout=5)  # type: ignore[no-any-return]
        except queue.Empty:
            failed = [p for p in processes if p.exitcode not in (None, 0)]
            if failed:
                raise RuntimeError(f"{failed[0].name} exited with code {failed[0].exitcode}") from None


def judge_partitions(settings: Settings, partitions: list[int], results: Any, profile: bool = False) -> None:
    """One rule worker (a process of its own with its engine process) catching up on its partitions;
    with `profile`, under cProfile, reporting its top functions (`bench.figures.top_functions`)."""
    from rules.catalog import CATALOG
    from rules.engine_process import EngineProcess
    from rules.findings import Judge
    from rules.worker import RuleWorker

    tune_for_service()  # as `qianshao serve` does
    engine = EngineProcess()
    try:  # the due dates the deployment keeps (infra.bootstrap): a tick re-judges only the households due
        tables = open_shared_tables(settings, "rule_due")
        worker = RuleWorker(open_households(settings), open_alerts(settings),
                            Judge(CATALOG, engine, ParameterTable()), partial(partition_for, partitions=PARTITIONS),
                            SqlDueDates(tables), known=SqlKnownHouseholds(tables))
        engine.evaluate([])  # an empty round trip: the engine process is up and its rules loaded
        ready = time.monotonic()  # started, imported, engine up: what a bigger city does not cost more of
        top: list[str] = []
        if profile:
            top = profiled(lambda: worker.catch_up(partitions)).top
        else:
            worker.catch_up(partitions)
        evaluations = worker.evaluations
    finally:
        engine.close()
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_engine = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    results.put({"pid": os.getpid(), "ready": ready, "evaluations": evaluations, "peak_mb": peak_self,
                 "engine_peak_mb": peak_engine, "top": top})


def judge(settings: Settings, profile: bool = False) -> tuple[float, list[dict[str, Any]]]:
    """Seconds for two workers to start and catch up, and what each reported (with `start_s`: until it
    was ready to read; with `profile`, its top functions)."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    halves = [list(range(PARTITIONS))[i::WORKERS] for i in range(WORKERS)]
    start = time.monotonic()
    workers = [context.Process(target=judge_partitions, args=(settings, half, results, profile),
                               name=f"rule worker {i + 1}")
               for i, half in enumerate(halves)]
    for worker in workers:
        worker.start()
    reports = [_next_report(results, workers) for _ in workers]
    seconds = time.monotonic() - start
    for worker in workers:
        worker.join()
    for report in reports:
        report["start_s"] = report.pop("ready") - start
    return seconds, reports


def where_time_goes(settings: Settings, directory: Path) -> dict[str, list[str]]:
    """Top functions of each step, from runs after the measured ones (a profile slows what it watches):
    one loader in this process on a store of its own (on the same backend), a tick and another standard
    change by profiled workers."""
    sample = directory / "profiled-share.jsonl"
    generate_share(sample, PROFILED_HOUSEHOLDS, (0, 1))
    with pg.fresh_database() if settings.postgres else nullcontext() as postgres:
        other = bench_settings(directory / "profiled-load", postgres)
        other.cipher_key = settings.cipher_key
        load_top = profiled(lambda: load_share(other, sample, queue.Queue())).top
    open_households(settings).accept(tick(AS_OF + timedelta(days=2), "bench"))
    tick_top = judge(settings, profile=True)[1][0]["top"]
    PolicyService(open_households(settings), ParameterTable()).set_value(
        "dibao.standard_monthly.urban", "500103", AS_OF + timedelta(days=2), 1300, "bench", "city bench, profiled")
    change_top = judge(settings, profile=True)[1][0]["top"]
    return {"load_and_judge_s": load_top, "daily_tick_s": tick_top, "standard_change_s": change_top}


def store_mb(settings: Settings, postgres: dict[str, str] | None) -> float:
    if postgres:
        import psycopg

        with psycopg.connect(**pg.SERVER, dbname=postgres["QIANSHAO_POSTGRES_DBNAME"]) as db:
            return db.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2**20
    return sum(path.stat().st_size for path in settings.data_dir.glob("*.sqlite*")) / 2**20


def run(backend: str, residents: int, scaled: bool) -> None:
    households = max(10, round(residents / RESIDENTS_PER_HOUSEHOLD))
    context = pg.fresh_database if backend == "postgres" else nullcontext
    with tempfile.TemporaryDirectory() as tmp, context() as postgres:
        settings = bench_settings(Path(tmp) / "data", postgres)
        settings.cipher_key = base64.b64encode(os.urandom(32)).decode()  # encrypted at rest, as deployed
        note(f"city on {backend}: {households} households…")
        (inputs := Path(tmp) / "input").mkdir()
        generate_s, shares = generate(inputs, households)
        load_s, observations, counted, loader_peak = load(settings, households, shares)
        open_households(settings).accept(tick(AS_OF, "bench"))
        judge_s, first = judge(settings)
        open_households(settings).accept(tick(AS_OF + timedelta(days=1), "bench"))
        tick_s, ticked = judge(settings)
        PolicyService(open_households(settings), ParameterTable()).set_value(
            "dibao.standard_monthly.urban", "500103", AS_OF + timedelta(days=1), 1200, "bench", "city bench")
        change_s, changed = judge(settings)
        size = store_mb(settings, postgres)
        tops = where_time_goes(settings, Path(tmp))
    common = {"backend": backend, "residents": counted, "households": households, "observations": observations,
              "scaled_down": scaled, "workers": WORKERS}
    figure("city", "load_and_judge_s", load_s + judge_s, "s", None if scaled else TARGETS["load_and_judge_s"],
           better="lower", where_time_goes=tops["load_and_judge_s"], load_s=load_s, judge_s=judge_s, loaders=LOADERS,
           generated_ahead_s=round(generate_s, 2),
           evaluations=sum(r["evaluations"] for r in first), **common)
    ticked_n, changed_n = (sum(r["evaluations"] for r in step) for step in (ticked, changed))
    figure("city", "daily_tick_s", tick_s, "s", None if scaled else TARGETS["daily_tick_s"], better="lower",
           where_time_goes=tops["daily_tick_s"], evaluations=ticked_n, share_judged=round(ticked_n / households, 3), tick_to=str(AS_OF + timedelta(days=1)),
           **common)
    figure("city", "standard_change_s", change_s, "s", None if scaled else TARGETS["standard_change_s"],
           better="lower", where_time_goes=tops["standard_change_s"], evaluations=changed_n, share_judged=round(changed_n / households, 3), **common)
    peaks = [r["peak_mb"] for r in first + ticked + changed] + [r["engine_peak_mb"] for r in first + ticked + changed]
    main_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figure("city", "peak_process_mb", max([main_peak, loader_peak, *peaks]), "MB", None if scaled else PEAK_TARGET_MB,
           better="lower", main_mb=main_peak, loader_mb=loader_peak, worker_mb=max(r["peak_mb"] for r in first + ticked + changed),
           engine_mb=max(r["engine_peak_mb"] for r in first + ticked + changed), **common)
    figure("city", "store_mb", size, "MB", None, per_household_kb=size * 1024 / households, **common)
    if scaled:  # a step's work scales with the households; its workers' start (imports, engine) does not
        scale = CITY_HOUSEHOLDS / households
        started = {step: max(r["start_s"] for r in reports) for step, reports in
                   (("judge", first), ("tick", ticked), ("change", changed))}
        for name, seconds, start in (
                ("load_and_judge_s", load_s * scale + started["judge"] + (judge_s - started["judge"]) * scale, None),
                ("daily_tick_s", started["tick"] + (tick_s - started["tick"]) * scale, started["tick"]),
                ("standard_change_s", started["change"] + (change_s - started["change"]) * scale, started["change"])):
            figure("city", f"{name}_extrapolated_to_{CITY_HOUSEHOLDS}_households", seconds, "s", TARGETS[name],
                   better="lower", where_time_goes=tops[name], workers_start_s=round(start if start is not None else started["judge"], 2),
                   **common)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=10_000, help="1000000 for the whole city")
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()
    scaled = args.residents < 1_000_000
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        if backend == "postgres" and not pg.available():
            note("PostgreSQL is not running (bash .ci/postgres.sh): its city figures are left out")
            continue
        run(backend, args.residents, scaled)


if __name__ == "__main__":  # worker processes are spawned: guard the entry point
    main()
