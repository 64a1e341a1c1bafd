"""End to end: an observation accepted → its alert visible in `GET /api/v1/alerts`, at offered loads.

A small district is loaded first (so the stores are not empty), then observations are offered at a
steady rate (200 and 500 obs/s) for a while, every one a new household with an income below the dibao
line, so each pair (registration, income) raises MISSED.DIBAO through relay → Kafka → rule worker →
alert store → projections → API. One pair in ten is a probe: a poller asks the API for that household's
alerts every 20 ms until it appears; the time from the income's acceptance to then is its latency.
One JSON line per figure: p50/p95/p99 at each load (target p95 ≤ 250 ms at 500 obs/s).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.cli.demo.seed import seed_demo  # noqa: E402
from api.cli.demo.synthetic import generate_district  # noqa: E402
from bench.figures import figure, note  # noqa: E402
from bench.serving import ServedRuntime, bench_settings  # noqa: E402
from infra.event_store import open_identity  # noqa: E402

CHINA = timezone(timedelta(hours=8))
TICK_S = 0.05  # the sender offers one small batch every 50 ms
PROBE_EVERY = 10  # one household in ten is polled for
POLL_S = 0.02
LATE_S = 60.0  # how long probes may still arrive after the load stops
TARGET_P95_MS = 250.0


def pair(n: int, region: str, grid: str, now: datetime) -> list[dict[str, Any]]:
    """A new two-person household of `n` with an income far below any dibao line."""
    household = f"LAT-{n}"
    at = now.isoformat(timespec="seconds")
    return [
        {"observation_id": f"lat-{n}-r", "informant": "bench", "observed_at": at, "kind": "household.registered",
         "household": household,
         "data": {"region": region, "grid": grid, "address": "压测地址", "hukou": "urban",
                  "members": [{"resident": f"{household}-1", "name": "测某", "sex": "M", "birth_date": "1975-03-02",
                               "relation": "head"},
                              {"resident": f"{household}-2", "name": "试某", "sex": "F", "birth_date": "1978-06-11",
                               "relation": "spouse"}]}},
        {"observation_id": f"lat-{n}-i", "informant": "bench", "observed_at": at, "kind": "household.income_reported",
         "household": household,
         "data": {"monthly_income": 300, "period": (now.replace(day=1) - timedelta(days=1)).strftime("%Y-%m"),
                  "income_type": "irregular", "source": "declared"}},
    ]


class Probes:
    """Households waiting for their alert, and the latencies measured so far."""

    def __init__(self) -> None:
        self.waiting: dict[str, float] = {}
        self.latencies: list[float] = []
        self.achieved = 0.0  # obs/s the sender really offered (below `rate` when intake is the bottleneck)
        self.lock = threading.Lock()

    def poll(self, client: httpx.Client, stop: threading.Event) -> None:
        """Ask for each waiting household's alerts every POLL_S; after `stop`, wait at most LATE_S more
        for the last ones (any still missing are reported as lost)."""
        deadline = None
        while self.waiting or not stop.is_set():
            if stop.is_set():
                deadline = deadline or time.perf_counter() + LATE_S
                if time.perf_counter() > deadline:
                    return
            with self.lock:
                pending = list(self.waiting.items())
            for household, accepted_at in pending:
                if client.get("/api/v1/alerts", params={"household": household}).json().get("alerts"):
                    with self.lock:
                        self.latencies.append((time.perf_counter() - accepted_at) * 1000)
                        del self.waiting[household]
            time.sleep(POLL_S)  # the poller's pace: a benchmark's load generator, not a test waiting


def offer(client: httpx.Client, rate: int, seconds: float, first: int, place: tuple[str, str], probes: Probes) -> int:
    """Send `rate` obs/s for `seconds`, paced by the clock (a late batch is sent at once, not skipped)."""
    per_tick = max(2, round(rate * TICK_S) // 2 * 2)
    n, start, sent = first, time.perf_counter(), 0
    while sent < rate * seconds:
        due = start + (sent / rate)
        if (wait := due - time.perf_counter()) > 0:
            time.sleep(wait)  # pacing the offered load, not waiting for a result
        batch, probe = [], None
        for _ in range(per_tick // 2):
            batch += pair(n, *place, datetime.now(CHINA))
            probe = probe or (f"LAT-{n}" if n % PROBE_EVERY == 0 else None)
            n += 1
        client.post("/api/v1/observations", json={"observations": batch}).raise_for_status()
        if probe:
            with probes.lock:
                probes.waiting[probe] = time.perf_counter()
        sent += len(batch)
    probes.achieved = sent / (time.perf_counter() - start)
    return n


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main(seconds: float = 20.0) -> None:
    envelopes = generate_district(seed=3, households=300)
    registration = next(e for e in envelopes if e["kind"] == "household.registered")
    place = (registration["data"]["region"], registration["data"]["grid"])
    with tempfile.TemporaryDirectory() as tmp:
        identity = open_identity(bench_settings(Path(tmp)))
        seed_demo(identity, envelopes)
        token = identity.issue_token("demo-caseworker")
        served = ServedRuntime(Path(tmp))
        try:
            with httpx.Client(base_url=served.url, timeout=60, headers={"Authorization": f"Bearer {token}"}) as client:
                for i in range(0, len(envelopes), 500):
                    client.post("/api/v1/observations", json={"observations": envelopes[i : i + 500]})
                first = 0
                for rate in (200, 500):
                    note(f"offering {rate} obs/s for {seconds:.0f} s…")
                    probes, stop = Probes(), threading.Event()
                    with httpx.Client(base_url=served.url, timeout=60,
                                      headers={"Authorization": f"Bearer {token}"}) as reader:
                        poller = threading.Thread(target=probes.poll, args=(reader, stop), daemon=True)
                        poller.start()
                        first = offer(client, rate, seconds, first, place, probes)
                        stop.set()
                        poller.join()
                    report(rate, probes)
        finally:
            served.stop()


def report(rate: int, probes: Probes) -> None:
    values = probes.latencies
    if not values:
        figure("end_to_end", f"p95_ms_at_{rate}_obs_per_s", float("inf"), "ms", TARGET_P95_MS, better="lower")
        return
    context = {"offered_obs_per_s": rate, "achieved_obs_per_s": round(probes.achieved), "probes": len(values), "lost": len(probes.waiting),
               "p50_ms": round(statistics.median(values)), "p99_ms": round(percentile(values, 0.99))}
    target = TARGET_P95_MS if rate == 500 else None
    figure("end_to_end", f"p95_ms_at_{rate}_obs_per_s", percentile(values, 0.95), "ms", target, better="lower",
           where_time_goes=["relay → Kafka → rule worker → alert store → projections: see bench/rules.py and "
                            "bench/replay.py for the stages"], **context)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 20.0)
