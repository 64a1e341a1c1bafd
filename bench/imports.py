"""Department imports (issue 17): a 100,000-row medical-insurance file imported with the pipeline running.

The district (3,000 households) is loaded first; `qianshao serve --only api,relay,rules,projections` runs
beside the import as its own process, on the same data directory. Printed: rows/s of the import, the
seconds until every row was judged (the relay and the rule worker caught up, read from `/health`), and the
ratio to the single-observation HTTP path (one `POST /api/v1/observations` per observation). Targets: the
file in ≤ 60 s, every row judged within 120 s.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
from rich.progress import Progress

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.cli.demo.departments import district_people, write_file  # noqa: E402
from api.cli.demo.seed import seed_demo  # noqa: E402
from api.cli.demo.synthetic import generate_district  # noqa: E402
from bench.figures import figure, note, profiled  # noqa: E402
from bench.serving import ServedRuntime, bench_settings  # noqa: E402
from domain.identity.access import Principal  # noqa: E402
from infra.event_store import open_households, open_identity  # noqa: E402
from infra.imports.jobs import run_import  # noqa: E402
from infra.imports import shipped_mapping  # noqa: E402

ROWS = 100_000
SINGLE = 300
TARGET_IMPORT_S = 60.0
TARGET_JUDGED_S = 120.0


def medical_rows(people: list[Any], count: int, today: date, seed: int = 17) -> list[dict[str, Any]]:
    """`count` distinct expense records of the district's residents over the past year."""
    rng = random.Random(seed)
    return [{"id_number": p.id_number, "name": p.name, "region": p.region, "address": p.address, "kind": "medical",
             "amount": rng.randrange(100, 90_000, 10), "date": (today - timedelta(days=rng.randint(1, 360))).isoformat(),
             "record": f"YB{seed}-{n:08d}"}
            for n, p in enumerate(rng.choices(people, k=count))]


def judged_after(url: str, token: str, deadline_s: float = 600.0) -> float:
    """Seconds until the served relay and rule worker report no lag (polled with a deadline)."""
    start = time.monotonic()
    with httpx.Client(base_url=url, timeout=10, headers={"Authorization": f"Bearer {token}"}) as client:
        calm = 0
        while time.monotonic() - start < deadline_s:
            parts = client.get("/health").json().get("components", {})
            behind = [name for name in ("relay", "rules") if (parts.get(name, {}).get("lag") or 0) > 0]
            calm = calm + 1 if not behind else 0
            if calm >= 2:
                return time.monotonic() - start
            time.sleep(0.2)  # polling interval of a deadline-bounded wait
    raise TimeoutError("the pipeline did not catch up within 10 minutes")


def single_http_rate(url: str, token: str, rows: list[dict[str, Any]], people: dict[str, Any]) -> float:
    """Observations/s posted one per request, as the import's rows would be without the bulk path."""
    start = time.perf_counter()
    with httpx.Client(base_url=url, timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
        for n, row in enumerate(rows):
            household, resident = people[row["id_number"]]
            client.post("/api/v1/observations", json={
                "observation_id": f"single-{n}", "informant": "x", "kind": "household.expense_reported",
                "observed_at": datetime.now(timezone.utc).isoformat(), "household": household,
                "data": {"kind": "medical", "amount": row["amount"], "date": row["date"]}, "source": "medical_insurance"})
    return len(rows) / (time.perf_counter() - start)


def main(rows: int = ROWS, households: int = 3000) -> None:
    today = date.today()
    envelopes = generate_district(seed=7, households=households, as_of=today)
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch) / "data"
        settings = bench_settings(data_dir)
        store = open_households(settings)
        note(f"loading the district ({households} households)…")
        for i in range(0, len(envelopes), 500):
            store.accept_batch(envelopes[i : i + 500])
        identity = open_identity(settings)
        seed_demo(identity, envelopes)
        user = identity.user("demo-integration")
        principal = Principal(user.name, user.role, user.jurisdiction)
        people = district_people(envelopes)
        mapping = shipped_mapping("medical_insurance")
        path = write_file(mapping, medical_rows(people, rows, today), Path(scratch) / "medical", "csv")
        served = ServedRuntime(data_dir, "api,relay,rules,projections")
        try:
            token = identity.issue_token("demo-admin")
            judged_after(served.url, token)  # the district judged before the file comes
            note(f"importing {rows:,} rows with the pipeline running…")
            data = path.read_bytes()
            with Progress(transient=True) as bar:
                task = bar.add_task("import", total=rows)
                start = time.perf_counter()
                report = run_import(store, principal, mapping, data, path.name,
                                    progress=lambda r: bar.update(task, completed=r.rows_read))
                took = time.perf_counter() - start
            judged = took + judged_after(served.url, token)
            keys = {p.id_number: (p.household, "") for p in people}
            single = single_http_rate(served.url, identity.issue_token("demo-integration"),
                                      medical_rows(people, SINGLE, today, seed=19), keys)
        finally:
            served.stop()
        more = write_file(mapping, medical_rows(people, rows // 20, today, seed=18), Path(scratch) / "more", "csv")
        top = profiled(lambda: run_import(store, principal, mapping, more.read_bytes(), more.name)).top
        scale = rows / ROWS  # a smaller file is held to the same rate: its targets shrink with it
        common = {"rows": rows, "accepted": report.accepted, "duplicates": report.duplicates,
                  "rejected": report.rejected_rows, "households": households, "targets_scaled_by": round(scale, 4)}
        figure("imports", "import_seconds_with_pipeline", took, "s", TARGET_IMPORT_S * scale, better="lower",
               where_time_goes=top, **common)
        figure("imports", "import_rows_per_s", rows / took, "rows/s", ROWS / TARGET_IMPORT_S, where_time_goes=top,
               **common)
        figure("imports", "every_row_judged_seconds", judged, "s", TARGET_JUDGED_S * scale, better="lower", **common)
        figure("imports", "single_http_obs_per_s", single, "obs/s", None, observations=SINGLE)
        figure("imports", "import_vs_single_http", (rows / took) / single, "×", None)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else ROWS)
