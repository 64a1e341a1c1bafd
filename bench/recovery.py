"""Recovery: how fast a restarted rule worker catches up from the event store, and what /health costs.

A synthetic district is loaded into a fresh SQLite store through the real intake (no
broker at all), then a rule worker with its engine in a child process handles the whole
households log from position zero, as after a crash that lost every Kafka record.
`/health` is then asked many times on a running pipeline (embedded broker), in-process.
Prints one JSON line.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from datetime import date
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.policy.parameters import ParameterTable  # noqa: E402
from infra.bootstrap import PIPELINE, bootstrap  # noqa: E402
from infra.event_store import open_alerts, open_households  # noqa: E402
from infra.kafka.clients import partition_for  # noqa: E402
from api.cli.scenario import tick  # noqa: E402
from infra.settings import Settings  # noqa: E402
from api.cli.demo.synthetic import generate_district  # noqa: E402
from rules.catalog import CATALOG  # noqa: E402
from rules.engine_process import EngineProcess  # noqa: E402
from rules.findings import Judge  # noqa: E402
from rules.worker import RuleWorker  # noqa: E402

AS_OF = date(2026, 11, 30)
PARTITIONS = 4
HEALTH_CALLS = 500


def catch_up_figures(households: int, data: Path) -> dict[str, float]:
    settings = Settings(data_dir=data)
    store = open_households(settings)
    envelopes = generate_district(seed=2026, households=households, as_of=AS_OF) + [tick(AS_OF, "bench")]
    for i in range(0, len(envelopes), 500):
        store.accept_batch(envelopes[i : i + 500])
    engine = EngineProcess()
    try:
        worker = RuleWorker(store, open_alerts(settings), Judge(CATALOG, engine, ParameterTable()),
                            partial(partition_for, partitions=PARTITIONS))
        start = time.perf_counter()
        read = worker.catch_up(range(PARTITIONS))
        seconds = time.perf_counter() - start
    finally:
        engine.close()
    return {"households": households, "observations": len(envelopes), "notifications_read": read,
            "catch_up_s": round(seconds, 2), "evaluations": worker.evaluations,
            "evaluations_per_s": round(worker.evaluations / seconds)}


def health_figures(data: Path) -> dict[str, float]:
    runtime = bootstrap(Settings(data_dir=data, partitions=PARTITIONS), PIPELINE).start()
    try:
        timings = []
        for _ in range(HEALTH_CALLS):
            start = time.perf_counter()
            runtime.health()
            timings.append((time.perf_counter() - start) * 1000)
    finally:
        runtime.stop()
    timings.sort()
    return {"health_ms_median": round(statistics.median(timings), 2),
            "health_ms_p99": round(timings[int(len(timings) * 0.99) - 1], 2)}


def main(households: int = 3000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        figures = catch_up_figures(households, Path(tmp) / "catch-up")
        figures |= health_figures(Path(tmp) / "health")
    print(json.dumps({"bench": "recovery", **figures}))


if __name__ == "__main__":  # the engine process is spawned: guard the entry point
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
