"""Integrity costs: intake with and without the hash chain (and with encryption), `audit verify` and a
projection rebuild over the same store. Prints one JSON line.

Intake goes through the real `HouseholdsApp.accept_batch` (validation, aggregates, receipts) into a SQLite households
store, in batches of 500, without HTTP; "events" are the notifications it recorded.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from eventsourcing.cipher import AESCipher
from rich.progress import Progress

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.households.application import HouseholdsApp  # noqa: E402
from api.cli.projections import projection_sources  # noqa: E402
from infra.integrity import open_applications, verify_all  # noqa: E402
from infra.settings import Settings  # noqa: E402
from api.cli.demo.synthetic import generate_district  # noqa: E402
from infra.view_database import open_views  # noqa: E402
from projections.rebuild import rebuild_in_place  # noqa: E402

BATCH = 500


def intake_rate(envelopes: list[dict], settings: Settings, chained: bool, label: str) -> tuple[float, float, int]:
    """Events recorded per wall-clock second and per CPU second through the intake (the chain's recorders, or
    eventsourcing's own). CPU seconds compare fairly on a shared machine; intake here is CPU-bound."""
    env = settings.store_env("households")
    if not chained:
        env.pop("APPLICATION_RECORDER_TOPIC"), env.pop("PROCESS_RECORDER_TOPIC")
    app = HouseholdsApp(env=env)
    with Progress(transient=True) as progress:
        task = progress.add_task(label, total=len(envelopes))
        started, cpu = time.perf_counter(), time.process_time()
        for i in range(0, len(envelopes), BATCH):
            app.accept_batch(envelopes[i : i + BATCH])
            progress.advance(task, BATCH)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    events = app.recorder.max_notification_id() or 0
    return events / seconds, events / cpu, events


def timed_verify(settings: Settings) -> tuple[float, int, bool]:
    apps = open_applications(settings)
    started = time.perf_counter()
    reports = verify_all({name: app.recorder for name, app in apps.items()})
    return time.perf_counter() - started, sum(r.events for r in reports), all(r.ok for r in reports)


def timed_rebuild(settings: Settings) -> tuple[float, int]:
    views = open_views(settings)
    started = time.perf_counter()
    events = rebuild_in_place(projection_sources(settings), views)
    seconds = time.perf_counter() - started
    views.close()
    return seconds, events


def main(households: int = 3000) -> None:
    envelopes = generate_district(seed=7, households=households)
    with tempfile.TemporaryDirectory() as tmp:
        rates: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
        for run in range(2):  # alternating, best of two each: the machine is shared
            for chain in (False, True):
                settings = Settings(data_dir=Path(tmp) / f"{'chained' if chain else 'plain'}-{run}", cipher_key=None)
                wall, cpu, events = intake_rate(envelopes, settings, chain, f"intake, chain={chain}, run {run + 1}")
                rates[chain].append((wall, cpu))
        plain, chained = max(r[0] for r in rates[False]), max(r[0] for r in rates[True])
        plain_cpu, chained_cpu = max(r[1] for r in rates[False]), max(r[1] for r in rates[True])
        chained_settings = Settings(data_dir=Path(tmp) / "chained-1", cipher_key=None)
        encrypted, encrypted_cpu, _ = intake_rate(envelopes, Settings(data_dir=Path(tmp) / "encrypted",
                                                       cipher_key=AESCipher.create_key(32)), True,
                                   "intake, chained and encrypted")
        verify_s, verified, ok = timed_verify(chained_settings)
        rebuild_s, rebuilt = timed_rebuild(chained_settings)
    print(json.dumps({
        "bench": "integrity", "households": households, "observations": len(envelopes), "events": events,
        "intake_events_per_s_without_chain": round(plain), "intake_events_per_s_with_chain": round(chained),
        "intake_events_per_cpu_s_without_chain": round(plain_cpu), "intake_events_per_cpu_s_with_chain": round(chained_cpu),
        "chain_overhead_pct_cpu": round(100 * (plain_cpu - chained_cpu) / plain_cpu, 1),
        "intake_events_per_s_chained_and_encrypted": round(encrypted),
        "intake_events_per_cpu_s_chained_and_encrypted": round(encrypted_cpu),
        "verify_seconds": round(verify_s, 3), "verified_events": verified, "verify_ok": ok,
        "verify_events_per_s": round(verified / verify_s),
        "rebuild_seconds": round(rebuild_s, 3), "rebuilt_events": rebuilt, "rebuild_events_per_s": round(rebuilt / rebuild_s),
    }))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
