"""A city on the embedded backends (and PostgreSQL): load, judge, a daily tick, a dibao-standard change.

Residents are generated household by household from the synthetic district's mix (constant memory)
into JSON lines ahead of the load (timed apart: a city's intake parses what it is sent, it does not
make it up), loaded through the bulk path (`HouseholdsApp.accept_batch`, one transaction per batch) by
two loader processes side by side (each every other household, as two intake processes would), into
stores encrypted at rest as a deployment's are; judged by two
rule workers in their own processes (each its own engine process, half the partitions each, every fold
kept: `QIANSHAO_FOLDS_KEPT` sized to the households, as the README says a city's workers are), which keep
running, as a deployment's do, through a daily tick and a change of the urban dibao standard for the whole
county. The same change is judged once more by workers started for it (a restart: nothing kept).
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
from dataclasses import dataclass
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


def worker_process(settings: Settings, partitions: list[int], commands: Any, results: Any) -> None:
    """One rule worker (a process of its own with its engine process), running across the steps as a
    deployment's does: each command (profile or not; None stops) is a catch-up on its partitions, reported
    on `results` with the evaluations it made; with profile, under cProfile, its top functions too."""
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
                            SqlDueDates(tables), fold_cache_size=settings.folds_kept, known=SqlKnownHouseholds(tables))
        engine.evaluate([])  # an empty round trip: the engine process is up and its rules loaded
        ready: float | None = time.monotonic()  # started, imported, engine up: what a bigger city does not cost more of
        start_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        while (profile := commands.get()) is not None:
            before = worker.evaluations
            top: list[str] = []
            if profile:
                top = profiled(lambda: worker.catch_up(partitions)).top
            else:
                worker.catch_up(partitions)
            results.put({"pid": os.getpid(), "ready": ready, "evaluations": worker.evaluations - before,
                         "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "start_mb": start_mb,
                         "engine_peak_mb": peak_mb_of(engine.pid),
                         "top": top, "kept": len(worker.folds)})
            ready = None  # started once
    finally:
        engine.close()


def peak_mb_of(pid: int | None) -> float:
    """A running process's peak resident memory (Linux's VmHWM; RUSAGE_CHILDREN counts only children
    that have ended, and the engine process runs on between the steps)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM:")), 0.0)


class Workers:
    """WORKERS rule workers in processes of their own, half the partitions each, kept running across
    the steps (their kept folds with them) until closed."""

    def __init__(self, settings: Settings) -> None:
        context = multiprocessing.get_context("spawn")
        self.results = context.Queue()
        self.commands = [context.Queue() for _ in range(WORKERS)]
        self.started = time.monotonic()
        halves = [list(range(PARTITIONS))[i::WORKERS] for i in range(WORKERS)]
        self.processes = [context.Process(target=worker_process, args=(settings, half, commands, self.results),
                                          name=f"rule worker {i + 1}")
                          for i, (half, commands) in enumerate(zip(halves, self.commands))]
        for process in self.processes:
            process.start()

    def step(self, profile: bool = False) -> tuple[float, list[dict[str, Any]]]:
        """Seconds for every worker to catch up (the first step from the workers' start, with `start_s`:
        until each was ready to read), and what each reported."""
        start = time.monotonic()
        for commands in self.commands:
            commands.put(profile)
        reports = [_next_report(self.results, self.processes) for _ in self.processes]
        first = any(report["ready"] is not None for report in reports)
        if first:
            start = self.started
            for report in reports:
                report["start_s"] = report["ready"] - start
        return time.monotonic() - start, reports

    def close(self) -> None:
        for commands in self.commands:
            commands.put(None)
        for process in self.processes:
            process.join()


def judge(settings: Settings) -> tuple[float, list[dict[str, Any]]]:
    """Seconds for two workers started for it to catch up (start included), and their reports."""
    workers = Workers(settings)
    try:
        return workers.step()
    finally:
        workers.close()


def where_time_goes(settings: Settings, directory: Path, workers: Workers) -> dict[str, list[str]]:
    """Top functions of each step, from runs after the measured ones (a profile slows what it watches):
    one loader in this process on a store of its own (on the same backend), a tick and another standard
    change by the running workers, profiled."""
    sample = directory / "profiled-share.jsonl"
    generate_share(sample, PROFILED_HOUSEHOLDS, (0, 1))
    with pg.fresh_database() if settings.postgres else nullcontext() as postgres:
        other = bench_settings(directory / "profiled-load", postgres)
        other.cipher_key = settings.cipher_key
        load_top = profiled(lambda: load_share(other, sample, queue.Queue())).top
    open_households(settings).accept(tick(AS_OF + timedelta(days=2), "bench"))
    tick_top = workers.step(profile=True)[1][0]["top"]
    change_standard(settings, 1300, "city bench, profiled")
    change_top = workers.step(profile=True)[1][0]["top"]
    return {"load_and_judge_s": load_top, "daily_tick_s": tick_top, "standard_change_s": change_top}


def change_standard(settings: Settings, value: int, reason: str) -> None:
    """The urban dibao standard of the whole county, in force from the day after the city was judged."""
    PolicyService(open_households(settings), ParameterTable()).set_value(
        "dibao.standard_monthly.urban", "500103", AS_OF + timedelta(days=1), value, "bench", reason)


def store_mb(settings: Settings, postgres: dict[str, str] | None) -> float:
    if postgres:
        import psycopg

        with psycopg.connect(**pg.SERVER, dbname=postgres["QIANSHAO_POSTGRES_DBNAME"]) as db:
            return db.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 2**20
    return sum(path.stat().st_size for path in settings.data_dir.glob("*.sqlite*")) / 2**20


@dataclass
class CityRun:
    """What one run measured: seconds of each step, and what its loaders and workers reported."""

    backend: str
    households: int
    scaled: bool
    generate_s: float
    load_s: float
    observations: int
    residents: int
    loader_peak_mb: float
    steps: dict[str, tuple[float, list[dict[str, Any]]]]  # judge, tick, change, restarted: seconds, reports
    store_mb: float
    tops: dict[str, list[str]]


def run(backend: str, residents: int, scaled: bool) -> CityRun:
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
        settings.folds_kept = households  # every household's fold kept, as a city's workers are sized (README)
        workers, steps = Workers(settings), {}
        try:
            steps["judge"] = workers.step()
            open_households(settings).accept(tick(AS_OF + timedelta(days=1), "bench"))
            steps["tick"] = workers.step()
            change_standard(settings, 1200, "city bench")
            steps["change"] = workers.step()
            change_standard(settings, 1250, "city bench, judged by restarted workers")
            steps["restarted"] = judge(settings)  # workers started for it: nothing kept, every fold read
            size = store_mb(settings, postgres)
            tops = where_time_goes(settings, Path(tmp), workers)
        finally:
            workers.close()
    return CityRun(backend, households, scaled, generate_s, load_s, observations, counted, loader_peak, steps, size,
                   tops)


def report(city: CityRun) -> None:
    """One line per figure; a scaled run also extrapolates each step to the city (its workers' start,
    imports and engine, is not scaled: a bigger city does not cost more of it)."""
    common = {"backend": city.backend, "residents": city.residents, "households": city.households,
              "observations": city.observations, "scaled_down": city.scaled, "workers": WORKERS}
    target = (lambda name: None) if city.scaled else TARGETS.get
    (judge_s, first), (tick_s, ticked), (change_s, changed), (restarted_s, restarted) = (
        city.steps[k] for k in ("judge", "tick", "change", "restarted"))
    count = lambda reports: sum(r["evaluations"] for r in reports)  # noqa: E731
    figure("city", "load_and_judge_s", city.load_s + judge_s, "s", target("load_and_judge_s"), better="lower",
           where_time_goes=city.tops["load_and_judge_s"], load_s=city.load_s, judge_s=judge_s, loaders=LOADERS,
           generated_ahead_s=round(city.generate_s, 2), evaluations=count(first), **common)
    figure("city", "daily_tick_s", tick_s, "s", target("daily_tick_s"), better="lower",
           where_time_goes=city.tops["daily_tick_s"], evaluations=count(ticked),
           share_judged=round(count(ticked) / city.households, 3), tick_to=str(AS_OF + timedelta(days=1)), **common)
    figure("city", "standard_change_s", change_s, "s", target("standard_change_s"), better="lower",
           where_time_goes=city.tops["standard_change_s"], evaluations=count(changed),
           share_judged=round(count(changed) / city.households, 3), restarted_workers_s=round(restarted_s, 2),
           restarted_evaluations=count(restarted), **common)
    report_memory(city, common)
    figure("city", "store_mb", city.store_mb, "MB", None, per_household_kb=city.store_mb * 1024 / city.households,
           **common)
    if city.scaled:
        scale = CITY_HOUSEHOLDS / city.households
        start = max(r["start_s"] for r in first)
        restarted_start = max(r["start_s"] for r in restarted)
        for name, seconds, started in (
                ("load_and_judge_s", city.load_s * scale + start + (judge_s - start) * scale, start),
                ("daily_tick_s", tick_s * scale, 0.0),
                ("standard_change_s", change_s * scale, 0.0)):
            extra = ({"restarted_workers_s": round(restarted_start + (restarted_s - restarted_start) * scale, 1)}
                     if name == "standard_change_s" else {})
            figure("city", f"{name}_extrapolated_to_{CITY_HOUSEHOLDS}_households", seconds, "s", TARGETS[name],
                   better="lower", where_time_goes=city.tops[name], workers_start_s=round(started, 2), **extra,
                   **common)


def report_memory(city: CityRun, common: dict[str, Any]) -> None:
    """Peak memory of every process; scaled, also a worker's at the city's size: its start plus its kept
    folds, which grow with the households it judges (the other processes' do not)."""
    reports = [r for _, step in city.steps.values() for r in step]
    main_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = max(reports, key=lambda r: r["peak_mb"])
    engine = max(r["engine_peak_mb"] for r in reports)
    figure("city", "peak_process_mb", max(main_peak, city.loader_peak_mb, worker["peak_mb"], engine), "MB",
           None if city.scaled else PEAK_TARGET_MB, better="lower", main_mb=main_peak, loader_mb=city.loader_peak_mb,
           worker_mb=worker["peak_mb"], engine_mb=engine, **common)
    if city.scaled and worker["kept"]:
        per_household_kb = (worker["peak_mb"] - worker["start_mb"]) * 1024 / worker["kept"]
        city_mb = worker["start_mb"] + per_household_kb * CITY_HOUSEHOLDS / WORKERS / 1024
        figure("city", f"peak_worker_mb_extrapolated_to_{CITY_HOUSEHOLDS}_households", city_mb, "MB", PEAK_TARGET_MB,
               better="lower", worker_start_mb=round(worker["start_mb"], 1), kept_folds=worker["kept"],
               kb_per_kept_household=round(per_household_kb, 2), **common)


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
        report(run(backend, args.residents, scaled))


if __name__ == "__main__":  # worker processes are spawned: guard the entry point
    main()
