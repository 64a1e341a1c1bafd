"""Intake throughput: observations/s through the batch HTTP endpoint into the event store.

Beside it, a raw `sqlite3` insert of the same rows (one JSON blob each, one
transaction per batch) gives the ratio: how much validation, aggregates,
receipts and HTTP cost over the bare minimum. Prints one JSON line.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import httpx
from rich.progress import Progress

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serving import ServedRuntime  # noqa: E402
from api.cli.demo.seed import seed_demo  # noqa: E402
from infra.event_store import open_identity  # noqa: E402
from infra.settings import Settings  # noqa: E402
from api.cli.demo.synthetic import generate_district  # noqa: E402

BATCH = 500


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


def caseworker_token(envelopes: list[dict], data_dir: Path) -> str:
    """The demo's district caseworker (the district's tree and users, as `qianshao demo` seeds them)."""
    identity = open_identity(Settings(data_dir=data_dir))
    seed_demo(identity, envelopes)
    return identity.issue_token("demo-caseworker")


def served_rate(envelopes: list[dict], data_dir: Path, only: str) -> tuple[float, int]:
    token = caseworker_token(envelopes, data_dir)
    served = ServedRuntime(data_dir, only)
    try:
        return http_rate(envelopes, served.url, token)
    finally:
        served.stop()


def main(households: int = 3000) -> None:
    """Intake alone (API and event store), then with relay, rules and projections running beside it."""
    envelopes = generate_district(seed=7, households=households)
    with tempfile.TemporaryDirectory() as tmp:
        alone, accepted = served_rate(envelopes, Path(tmp) / "alone", "api")
        full, _ = served_rate(envelopes, Path(tmp) / "full", "api,relay,rules,projections,intake")
        raw = raw_sqlite_rate(envelopes, Path(tmp) / "raw.sqlite")
    print(json.dumps({
        "bench": "intake", "households": households, "observations": len(envelopes), "accepted": accepted,
        "batch": BATCH, "http_obs_per_s": round(alone), "http_obs_per_s_with_pipeline_running": round(full),
        "raw_sqlite_rows_per_s": round(raw), "ratio_raw_over_http": round(raw / alone, 1),
    }))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
