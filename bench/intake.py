"""Intake throughput: observations/s accepted through `POST /api/v1/observations` in batches of 100.

Measured alone (the API and its event store) and with every component running beside it, on
SQLite and on PostgreSQL. Beside it, a raw `sqlite3` insert of the same rows (one JSON blob each,
one transaction per batch) gives the ratio: what validation, aggregates, receipts and HTTP cost
over the bare minimum. One JSON line per figure (bench/figures.py).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

import httpx
from rich.progress import Progress

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.cli.demo.seed import seed_demo  # noqa: E402
from api.cli.demo.synthetic import generate_district  # noqa: E402
from bench import pg  # noqa: E402
from bench.figures import figure, note, profiled  # noqa: E402
from bench.serving import ServedRuntime, bench_settings  # noqa: E402
from infra.event_store import open_households, open_identity  # noqa: E402

BATCH = 100
PIPELINE = "api,relay,rules,projections,intake"
TARGET_RATE = 10_000
TARGET_RATIO = 8.0


def http_rate(envelopes: list[dict], url: str, token: str) -> tuple[float, int]:
    accepted = 0
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, timeout=120, headers=headers) as client, Progress(transient=True) as progress:
        task = progress.add_task("POST /api/v1/observations", total=len(envelopes))
        start = time.perf_counter()
        for i in range(0, len(envelopes), BATCH):
            chunk = envelopes[i : i + BATCH]
            response = client.post("/api/v1/observations", json={"observations": chunk})
            accepted += response.json()["accepted"]
            progress.advance(task, len(chunk))
        return len(envelopes) / (time.perf_counter() - start), accepted


def raw_sqlite_rate(envelopes: list[dict], path: Path) -> float:
    db = sqlite3.connect(str(path))
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE rows (id TEXT PRIMARY KEY, household TEXT, body TEXT)")
    start = time.perf_counter()
    for i in range(0, len(envelopes), BATCH):
        with db:
            db.executemany(
                "INSERT INTO rows VALUES (?, ?, ?)",
                [(e["observation_id"], e["household"], json.dumps(e, ensure_ascii=False)) for e in envelopes[i : i + BATCH]],
            )
    rate = len(envelopes) / (time.perf_counter() - start)
    db.close()
    return rate


def served_rate(envelopes: list[dict], data_dir: Path, only: str, postgres: dict[str, str] | None) -> tuple[float, int]:
    """The demo's district caseworker (as `qianshao demo` seeds them) posts every observation."""
    identity = open_identity(bench_settings(data_dir, postgres))
    seed_demo(identity, envelopes)
    token = identity.issue_token("demo-caseworker")
    served = ServedRuntime(data_dir, only, postgres)
    try:
        return http_rate(envelopes, served.url, token)
    finally:
        served.stop()


def write_path_profile(envelopes: list[dict], data_dir: Path, postgres: dict[str, str] | None) -> list[str]:
    """Where the time goes without HTTP: the households application's batch save, profiled."""
    store = open_households(bench_settings(data_dir, postgres))
    sample = envelopes[: 5000]
    return profiled(lambda: [store.accept_batch(sample[i : i + BATCH]) for i in range(0, len(sample), BATCH)]).top


def one_backend(envelopes: list[dict], tmp: Path, backend: str, raw: float) -> None:
    context = pg.fresh_database if backend == "postgres" else nullcontext
    rates = {}
    for label, only in (("alone", "api"), ("with_pipeline", PIPELINE)):
        with context() as postgres:
            note(f"intake on {backend}, {label}…")
            rates[label], accepted = served_rate(envelopes, tmp / f"{backend}-{label}", only, postgres)
    with context() as postgres:
        top = write_path_profile(envelopes, tmp / f"{backend}-profile", postgres)
    common = {"backend": backend, "observations": len(envelopes), "batch": BATCH}
    figure("intake", "accepted_obs_per_s_alone", rates["alone"], "obs/s", TARGET_RATE, where_time_goes=top, **common)
    figure("intake", "accepted_obs_per_s_with_pipeline", rates["with_pipeline"], "obs/s", TARGET_RATE,
           where_time_goes=top, **common)
    if backend == "sqlite":
        figure("intake", "raw_sqlite_insert_rows_per_s", raw, "rows/s", None, **common)
        figure("intake", "slowdown_vs_raw_sqlite_with_pipeline", raw / rates["with_pipeline"], "×", TARGET_RATIO,
               better="lower", where_time_goes=top, **common)


def main(households: int = 3000) -> None:
    envelopes = generate_district(seed=7, households=households)
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        raw = raw_sqlite_rate(envelopes, tmp / "raw.sqlite")
        one_backend(envelopes, tmp, "sqlite", raw)
        if pg.available():
            one_backend(envelopes, tmp, "postgres", raw)
        else:
            note("PostgreSQL is not running (bash .ci/postgres.sh): its intake figures are left out")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
