"""`qianshao import`: a real process imports a human-resources file; killed (-9) halfway and started again it
ends in the same state as one uninterrupted run, and a third run changes nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from stdnum.cn import ric

from api.cli.demo.departments import write_file
from domain.households.household import Household
from infra.at_rest import prepare_encryption
from infra.event_store import open_households, open_identity
from infra.imports.jobs import ImportJobs
from infra.imports import shipped_mapping
from infra.settings import Settings
from infra.shared_tables import open_shared_tables
from tests.conftest import poll_until

HOUSEHOLDS = 40
ROWS = 6000
ROOT = Path(__file__).resolve().parents[3]


def person(h: int, m: int) -> tuple[str, str]:
    born = date(1970 + m, 1 + h % 12, 1 + h % 28)
    body = f"500103{born:%Y%m%d}{(h * 2 + m) % 1000:03d}"
    return f"IMP-{h}-R{m}", body + ric.calc_check_digit(body + "0")


def registration(h: int) -> dict[str, Any]:
    members = []
    for m in range(2):
        rid, number = person(h, m)
        born = number[6:10] + "-" + number[10:12] + "-" + number[12:14]
        members.append({"resident": rid, "name": f"居民{h}-{m}", "sex": "MF"[m], "birth_date": born,
                        "relation": "head" if m == 0 else "spouse", "id_number": number})
    return {"observation_id": f"IMP-{h}-reg", "informant": "grid-1", "observed_at": "2025-01-02T09:00:00+08:00",
            "kind": "household.registered", "household": f"IMP-{h}", "data": {
                "region": "500103001001", "grid": "500103001001-03", "address": f"某社区{h}号", "hukou": "urban",
                "members": members}}


def deployment(root: Path) -> Settings:
    """A data directory with the households registered and an integration user."""
    settings = Settings.from_env(data_dir=root)
    prepare_encryption(settings)
    store = open_households(settings)
    assert all(o.status == "accepted" for o in store.accept_batch([registration(h) for h in range(HOUSEHOLDS)]))
    open_identity(settings).add_user("importer", "integration", "0", password="importer-password-1")
    return settings


def unemployment_file(root: Path) -> Path:
    rows = []
    for n in range(ROWS):
        _, number = person(n % HOUSEHOLDS, n % 2)
        rows.append({"id_number": number, "name": "居民", "region": "500103001001", "address": "某社区",
                     "status": "unemployed", "date": (date(2025, 2, 1) + timedelta(days=n % 600)).isoformat(),
                     "record": f"HR{n:06d}"})
    return write_file(shipped_mapping("human_resources"), rows, root / "unemployment", "csv")


def command(settings: Settings, file: Path) -> list[str]:
    return [sys.executable, "-m", "api.cli", "import", str(file), "--mapping", "human_resources", "--user",
            "importer", "--data", str(settings.data_dir)]


def run(settings: Settings, file: Path) -> dict[str, Any]:
    done = subprocess.run(command(settings, file), cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(file.with_name(file.name + ".report.json").read_text(encoding="utf-8"))


def recorded(settings: Settings) -> dict[str, list[tuple[str, str]]]:
    """Each household's imported observations as (observation id, kind), in order."""
    store = open_households(settings)
    out = {}
    for h in range(HOUSEHOLDS):
        household: Household = store.repository.get(Household.id_for(f"IMP-{h}"))
        out[f"IMP-{h}"] = [(o["observation_id"], o["kind"]) for o in household.observations
                           if o["observation_id"].startswith("import-")]
    return out


def test_a_killed_import_started_again_ends_as_an_uninterrupted_one(tmp_path: Path) -> None:
    whole = deployment(tmp_path / "whole")
    report = run(whole, unemployment_file(tmp_path / "whole"))
    assert (report["rows_read"], report["accepted"], report["rejected"]) == (ROWS, ROWS, 0), report

    cut = deployment(tmp_path / "cut")
    file = unemployment_file(tmp_path / "cut")
    process = subprocess.Popen(command(cut, file), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(ROOT)})
    jobs = ImportJobs(open_shared_tables(cut, "imports"))
    poll_until(lambda: any(0 < j.rows_done < ROWS for j in jobs.recent()), timeout=120,
               message="the import to be halfway")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    halfway = sum(len(v) for v in recorded(cut).values())
    assert 0 < halfway < ROWS

    resumed = run(cut, file)
    assert resumed["accepted"] + resumed["duplicates"] == ROWS and resumed["duplicates"] >= halfway, resumed
    assert recorded(cut) == recorded(whole)
    again = run(cut, file)
    assert (again["accepted"], again["duplicates"]) == (0, ROWS)
    assert recorded(cut) == recorded(whole)
