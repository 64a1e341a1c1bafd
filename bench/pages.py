"""Every page of every role on the 3,000-household demo, timed in a real browser (Chromium through
Playwright): one JSON line per page with its slowest load beside the 500 ms target.

Each page is loaded three times, in a browser logged in as the demo's user of that role: first (nothing
kept yet in the serving process), again (what a report cache keeps), and after a new observation has gone
through the whole pipeline (the views and the households store moved on, so every kept report is stale).
The time is the browser's navigation timing, request start to the load event. The figure is the slowest of
the three (`first_ms`, `again_ms` and `after_event_ms` beside it).

The demo is built by the real `qianshao demo --exit` in a scratch directory, then served by
`qianshao serve` in its own process (`bench.serving.ServedRuntime`). The browser test
`tests/api/pages/test_page_times.py` walks the same pages with `time_pages` and prints the table.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from api.pages import forms  # noqa: E402
from bench.figures import figure, note  # noqa: E402

TARGET_MS = 500.0
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--lang=zh-CN"]
DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LOADS = ("first", "again", "after_event")
NAVIGATION_MS = """() => { const n = performance.getEntriesByType('navigation')[0];
  return n.loadEventEnd > 0 ? n.loadEventEnd - n.startTime : n.duration; }"""

# Every page of every role; `{household}` and `{alert}` are one of the role's own (`role_ids`).
PAGES: dict[str, list[str]] = {
    "informant": ["/home", "/field/tasks", "/field/register", "/field/mine", "/catalog",
                  *(f"/field/report?kind={form.kind}" for form in forms.report_forms())],
    "caseworker": ["/home", "/work", "/households", "/households/{household}", "/work/alerts/{alert}", "/catalog"],
    "supervisor": ["/home", "/dashboard", "/work", "/work/alerts/{alert}", "/leads", "/audit/response-times",
                   "/audit/response-times?group_by=rule", "/audit/response-times?group_by=caseworker",
                   "/audit/equity"],
    "auditor": ["/home", "/audit", "/audit/households/{household}", "/audit/alerts/{alert}", "/audit/backtests",
                "/audit/integrity", "/audit/access", "/audit/access?outcome=refused", "/audit/response-times",
                "/audit/response-times?group_by=rule", "/audit/equity", "/dashboard", "/work",
                "/households/{household}"],
    "admin": ["/home", "/catalog", "/imports"],
    "integration": ["/home", "/imports"],
}


@dataclass
class PageTime:
    """One page's loads (ms) and the status it answered."""

    role: str
    path: str
    status: int = 0
    ms: dict[str, float] = field(default_factory=dict)

    @property
    def slowest(self) -> float:
        return max(self.ms.values(), default=0.0)


def api_token(url: str, name: str, password: str) -> str:
    answer = httpx.post(f"{url}/api/v1/login", json={"name": name, "password": password}, timeout=30)
    answer.raise_for_status()
    return str(answer.json()["token"])


def role_ids(url: str, token: str) -> dict[str, str]:
    """One alert of the role's queue and its household (empty for a role without a queue)."""
    answer = httpx.get(f"{url}/api/v1/alerts", params={"limit": 1}, headers={"Authorization": f"Bearer {token}"},
                       timeout=30)
    if answer.status_code != 200 or not answer.json().get("alerts"):
        return {}
    alert = answer.json()["alerts"][0]
    return {"alert": str(alert["alert_id"]), "household": str(alert["household"])}


def role_paths(role: str, ids: dict[str, str]) -> list[str]:
    return [path.format(**ids) for path in PAGES[role] if "{" not in path or ids]


def log_in(page: Any, name: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def time_pages(browser: Any, url: str, users: dict[str, tuple[str, str]], load: str,
               times: dict[tuple[str, str], PageTime] | None = None) -> dict[tuple[str, str], PageTime]:
    """Load every page of every role in `users` (role -> name, password) once, as load `load`."""
    times = {} if times is None else times
    for role, (name, password) in users.items():
        ids = role_ids(url, api_token(url, name, password)) if role != "informant" else {}
        context = browser.new_context(base_url=url, viewport=PHONE if role == "informant" else DESK,
                                      locale="zh-CN")
        context.set_default_timeout(60_000)
        try:
            page = context.new_page()
            log_in(page, name, password)
            for path in role_paths(role, ids):
                answer = page.goto(path)
                entry = times.setdefault((role, path), PageTime(role, path))
                entry.status = answer.status if answer is not None else 0
                entry.ms[load] = round(float(page.evaluate(NAVIGATION_MS)), 1)
        finally:
            context.close()
    return times


def table(times: dict[tuple[str, str], PageTime]) -> str:
    """The times as a plain table, slowest first."""
    rows = [f"{'role':<11} {'page':<44} {'status':>6} " + " ".join(f"{load:>12}" for load in LOADS)]
    for t in sorted(times.values(), key=lambda t: -t.slowest):
        rows.append(f"{t.role:<11} {t.path[:44]:<44} {t.status:>6} "
                    + " ".join(f"{t.ms.get(load, float('nan')):>10.0f}ms" for load in LOADS))
    return "\n".join(rows)


def new_report(household: str, n: int) -> dict[str, Any]:
    """A household visit observed just now: a new event for the stores, the rules and every view."""
    at = (datetime.now(timezone(timedelta(hours=8))) - timedelta(minutes=5)).isoformat(timespec="seconds")
    return {"observation_id": f"bench-pages-{household}-{n}-{time.time_ns()}", "observed_at": at,
            "kind": "household.visited", "household": household, "data": {"purpose": "routine"}}


def grid_household(url: str, admin: tuple[str, str], views: Path) -> tuple[str, str]:
    """The demo informant's grid and one household in it (from the read views, opened read-only)."""
    users = httpx.get(f"{url}/api/v1/users", headers={"Authorization": f"Bearer {api_token(url, *admin)}"},
                      timeout=30).json()
    grid = next(u["jurisdiction"] for u in users if u["name"] == "demo-informant")
    with sqlite3.connect(f"file:{views}?mode=ro", uri=True) as db:
        (household,) = db.execute("SELECT household FROM households WHERE grid = ? ORDER BY household LIMIT 1",
                                  (grid,)).fetchone()
    return grid, str(household)


def wait_until(check: Callable[[], bool], seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the pipeline did not catch up")
        time.sleep(0.2)  # polling with a deadline


def caught_up(url: str) -> bool:
    health = httpx.get(f"{url}/health", timeout=10).json()
    return all((c.get("lag") or 0) == 0 for c in health.get("components", {}).values())


def main(households: int = 3000, data: Path | None = None) -> None:
    """`data`: a demo directory built before (used as it is: the new observation is added to it)."""
    from playwright.sync_api import sync_playwright

    from bench.serving import ServedRuntime

    with tempfile.TemporaryDirectory() as scratch:
        tmp = str(data or scratch)
        if data is None:
            started = time.monotonic()
            note(f"building the {households}-household demo (qianshao demo --exit)…")
            subprocess.run([sys.executable, "-m", "api.cli", "demo", "--data", tmp, "--exit", "--households",
                            str(households)], check=True, stdout=subprocess.DEVNULL)
            note(f"demo built in {time.monotonic() - started:.0f} s; serving it")
        served = ServedRuntime(Path(tmp), only="api,relay,rules,projections,intake,reports")
        users = {role: (f"demo-{role}", f"{role}-demo") for role in PAGES}
        try:
            wait_until(lambda: caught_up(served.url))
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
                times = time_pages(browser, served.url, users, "first")
                time_pages(browser, served.url, users, "again", times)
                informant = api_token(served.url, *users["informant"])
                _, household = grid_household(served.url, users["admin"], Path(tmp) / "views.sqlite")
                answer = httpx.post(f"{served.url}/api/v1/observations", json=new_report(household, 1),
                                    headers={"Authorization": f"Bearer {informant}"}, timeout=30)
                note(f"new observation: {answer.status_code}")
                wait_until(lambda: caught_up(served.url))
                time_pages(browser, served.url, users, "after_event", times)
                browser.close()
        finally:
            served.stop()
    note(table(times))
    for t in sorted(times.values(), key=lambda t: (t.role, t.path)):
        figure("pages", f"{t.role} {t.path}", t.slowest, "ms", TARGET_MS, better="lower", status=t.status,
               **{f"{load}_ms": t.ms.get(load) for load in LOADS}, households=households)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=3000)
    parser.add_argument("--data", type=Path, help="a demo directory built before (default: build one)")
    options = parser.parse_args()
    main(options.households, options.data)
