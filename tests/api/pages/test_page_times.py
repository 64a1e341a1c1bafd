"""Every page of every role on a demo-sized district, loaded in Chromium and timed: first (nothing kept
yet), again, and after a new observation went through the whole pipeline. The times are printed as a
table, slowest first (no timed assert: speed is `bench/pages.py`'s, which prints the same loads beside
the 500 ms target); the test fails only when a page does not answer, or a role's page is not walked.

The district is the demo's: `generate_district` (3,000 households, or `QIANSHAO_PAGE_TIMES_HOUSEHOLDS`),
its tree and demo users (`seed_demo`), loaded through the real intake into a served pipeline with the
reports component (`projections.report_warmer`) running as `qianshao serve` runs it."""

from __future__ import annotations

import os
from datetime import date
from typing import Any, Iterator

import httpx
import pytest
from playwright.sync_api import Browser

from api.cli.demo.seed import demo_password, seed_demo
from api.cli.demo.synthetic import generate_district
from bench.pages import LOADS, PAGES, new_report, role_paths, table, time_pages
from infra.bootstrap import PIPELINE
from tests.api.pages.data import tick
from tests.serving import served_pipeline

AS_OF = "2025-11-30"
HOUSEHOLDS = int(os.environ.get("QIANSHAO_PAGE_TIMES_HOUSEHOLDS", "3000"))
BATCH = 500


@pytest.fixture(scope="module")
def demo_district(broker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, dict]]:
    """The served pipeline on the demo's district, caught up; the demo users by role."""
    data_dir = tmp_path_factory.mktemp("times")
    with served_pipeline(broker, data_dir, PIPELINE | {"reports"}) as (url, runtime, _):
        envelopes = generate_district(households=HOUSEHOLDS, as_of=date.fromisoformat(AS_OF))
        users = {u.role: (u.name, demo_password(u.role)) for u in seed_demo(runtime.identity, envelopes)}
        for start in range(0, len(envelopes), BATCH):
            outcomes = runtime.intake.accept_batch(envelopes[start:start + BATCH])
            assert {o.status for o in outcomes} == {"accepted"}
        assert runtime.intake.accept(tick(AS_OF)).status == "accepted"
        runtime.drain(timeout=900)
        yield url, runtime, {role: users[role] for role in PAGES}


def _grid_household(runtime: Any, users: dict[str, tuple[str, str]]) -> str:
    grid = next(u.jurisdiction for u in runtime.identity.users() if u.name == users["informant"][0])
    rows = runtime.views.query("SELECT household FROM households WHERE grid = ? ORDER BY household LIMIT 1", (grid,))
    return str(rows[0]["household"])


def test_every_page_of_every_role_is_timed(browser: Browser, demo_district: Any,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    url, runtime, users = demo_district
    times = time_pages(browser, url, users, "first")
    time_pages(browser, url, users, "again", times)
    with httpx.Client(base_url=url, timeout=60) as client:
        token = client.post("/api/v1/login", json=dict(zip(("name", "password"), users["informant"]))).json()["token"]
        answer = client.post("/api/v1/observations", json=new_report(_grid_household(runtime, users), 1),
                             headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 202, answer.text
    runtime.drain(timeout=120)
    time_pages(browser, url, users, "after_event", times)
    with capsys.disabled():
        print(f"\npage times on {HOUSEHOLDS} households (ms; first, again, after a new observation):")
        print(table(times))
    walked = {(t.role, t.path) for t in times.values()}
    for role in PAGES:
        assert sum(1 for r, _ in walked if r == role) == len(role_paths(role, {"household": "x", "alert": "x"})), role
    failed = {f"{t.role} {t.path}": t.status for t in times.values() if t.status != 200}
    assert not failed, failed
    untimed = [f"{t.role} {t.path}" for t in times.values() if set(t.ms) != set(LOADS) or min(t.ms.values()) <= 0]
    assert not untimed, untimed
