"""Back-test: how fast `rules backtest` replays a recorded history day by day.

A synthetic district is recorded over DAYS days (household i joins on day i mod DAYS, each
observation on the later of that day and the day it happened) through the real intake into a
fresh SQLite store, with the live rule worker judging after each day's clock tick. The
back-test then replays the window with higher dibao standards (engine in its child process,
as the command runs it) and is timed alone. Prints one JSON line.

Usage: .venv/bin/python bench/backtest.py [HOUSEHOLDS] [DAYS]
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.policy.parameters import ParameterTable, ParameterValue  # noqa: E402
from rules.backtest_run import BacktestRequest, run_backtest  # noqa: E402
from infra.event_store import open_alerts, open_households  # noqa: E402
from infra.kafka.clients import partition_for  # noqa: E402
from domain.policy.policy_service import PolicyService  # noqa: E402
from domain.households.clock import tick  # noqa: E402
from infra.settings import Settings  # noqa: E402
from api.cli.demo.synthetic import iter_district  # noqa: E402
from rules.catalog import CATALOG  # noqa: E402
from rules.engine_process import EngineProcess  # noqa: E402
from rules.findings import Judge  # noqa: E402
from rules.worker import RuleWorker  # noqa: E402
from domain.recording_clock import RecordingClock  # noqa: E402

AS_OF = date(2026, 11, 30)
PARTITIONS = 4
CHANGED = [ParameterValue("dibao.standard_monthly.urban", "5001", date(2026, 1, 1), 800, "bench"),
           ParameterValue("dibao.standard_monthly.rural", "5001", date(2026, 1, 1), 650, "bench")]


def recording_days(households: int, days: int) -> dict[date, list[dict[str, Any]]]:
    """Each household's envelopes grouped by the day they are recorded, in the household's order."""
    first = AS_OF - timedelta(days=days - 1)
    by_day: dict[date, list[dict[str, Any]]] = defaultdict(list)
    number, current = -1, None
    for envelope in iter_district(seed=2026, households=households, as_of=AS_OF):
        if envelope["household"] != current:
            number, current = number + 1, envelope["household"]
        joins = first + timedelta(days=number % days)
        by_day[max(joins, datetime.fromisoformat(envelope["observed_at"]).date())].append(envelope)
    return by_day


def record(data: Path, households: int, days: int) -> int:
    """Record the district day by day with the live worker; how many envelopes were accepted."""
    settings = Settings(data_dir=data)
    store, alerts = open_households(settings), open_alerts(settings)
    engine = EngineProcess()
    worker = RuleWorker(store, alerts, Judge(CATALOG, engine, PolicyService(store, ParameterTable()).table),
                        partial(partition_for, partitions=PARTITIONS))
    by_day, accepted, clock = recording_days(households, days), 0, RecordingClock()
    try:
        with clock.active():
            for offset in range(days):
                day = AS_OF - timedelta(days=days - 1 - offset)
                clock.on(day)
                batch = [*sorted(by_day.get(day, []), key=lambda e: e["observed_at"]), tick(day, "bench")]
                for start in range(0, len(batch), 500):
                    accepted += sum(o.status != "rejected" for o in store.accept_batch(batch[start:start + 500]))
                worker.catch_up(range(PARTITIONS))
    finally:
        engine.close()
    return accepted


def main(households: int = 500, days: int = 30) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        record(data, households, days)
        settings = Settings(data_dir=data)
        request = BacktestRequest(AS_OF - timedelta(days=days - 1), AS_OF, CHANGED)
        began = time.perf_counter()
        report = run_backtest(open_households(settings), open_alerts(settings), request)
        seconds = time.perf_counter() - began
    outcomes: Counter[str] = Counter()
    for rule in report.rules():
        outcomes.update(rule["counts"])
    print(json.dumps({"bench": "backtest", "households": report.households, "days": report.days,
                      "events": report.events, "evaluations": report.evaluations, "seconds": round(seconds, 2),
                      "days_per_s": round(report.days / seconds, 2),
                      "evaluations_per_s": round(report.evaluations / seconds), "outcomes": dict(outcomes)}))


if __name__ == "__main__":  # the engine process is spawned: guard the entry point
    main(*(int(a) for a in sys.argv[1:3]))
