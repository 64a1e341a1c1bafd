"""Processes starting together on a fresh data directory (two rule workers, an API and the projections of
`qianshao serve` on one host) each open the stores and create their tables: every one of them starts.

eventsourcing's SQLite process recorder records its tracking table's migration when it finds no such table;
two processes that both found none both recorded it, and the second was refused (`IntegrityError`) and
died at start. Real processes, released together by a barrier.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

from infra.event_store import open_alerts, open_households
from infra.settings import Settings

PROCESSES = 6


def _open_stores(data_dir: str, barrier: Any, results: Any) -> None:
    settings = Settings(data_dir=Path(data_dir))
    barrier.wait(timeout=60)
    try:
        alerts, households = open_alerts(settings), open_households(settings)
        results.put(("started", alerts.recorder.max_tracking_id("rules"), households.recorder.max_notification_id()))
    except Exception as error:  # noqa: BLE001 - reported to the test, which names it
        results.put(("failed", repr(error), None))


def test_processes_opening_a_fresh_data_directory_together_all_start(tmp_path: Path) -> None:
    for round_ in range(3):  # without the lock, about two rounds in three had a process refused
        _start_together(tmp_path / f"data-{round_}")


def _start_together(data_dir: Path) -> None:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    processes = [context.Process(target=_open_stores, args=(str(data_dir), barrier, results))
                 for _ in range(PROCESSES)]
    for process in processes:
        process.start()
    reports = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert [r for r in reports if r[0] != "started"] == []
    assert reports == [("started", None, None)] * PROCESSES
