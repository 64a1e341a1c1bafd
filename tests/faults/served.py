"""`qianshao serve` as a real process for fault tests: started, killed with real signals, asked over HTTP.

The process is started in a session of its own, so `kill_9()` can SIGKILL its whole
process group (the server and the rule-engine child) as an operator's `kill -9` would;
the embedded broker dies with it (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from infra.event_store import open_identity
from infra.kafka.broker import free_port
from infra.settings import Settings
from tests.people import People, seed_people

START_DEADLINE_S = 90.0
SERVE_COMPONENTS = "api,relay,rules,projections,intake"  # no scheduler: the tests send their own ticks


class Served:
    """One `qianshao serve` process on a data directory."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None, only: str = SERVE_COMPONENTS) -> None:
        self.data_dir = data_dir
        self.only = only
        self.env = {**os.environ, **(env or {})}
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir / "serve.log"
        self.people: People | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Served":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.people is None:
            self.people = _people_of(self.data_dir)
        command = [sys.executable, "-m", "api.cli", "serve", "--data", str(self.data_dir), "--port", str(self.port),
                   "--only", self.only]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                            start_new_session=True)
        deadline = time.monotonic() + START_DEADLINE_S
        while self.health() is None:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.kill_9()
                raise RuntimeError(f"qianshao serve did not answer /health; log:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.1)  # polling for start-up, bounded by the deadline
        return self

    def health(self) -> dict[str, Any] | None:
        """The /health report in full (as the admin: lags, errors, the broker's pid) with its HTTP status, or
        None when the server does not answer."""
        try:
            response = httpx.get(f"{self.url}/health", timeout=2, headers=self.headers("admin"))
        except httpx.HTTPError:
            return None
        return {"http_status": response.status_code, **response.json()}

    def post(self, envelopes: list[dict[str, Any]], role: str = "caseworker") -> httpx.Response:
        return httpx.post(f"{self.url}/api/v1/observations", json={"observations": envelopes}, timeout=60,
                          headers=self.headers(role))

    def headers(self, role: str = "caseworker") -> dict[str, str]:
        assert self.people is not None
        return self.people.headers(role)

    def open_alerts(self) -> list[tuple[str, str, str]]:
        """Every open alert as (household, rule, subject), sorted, read from the queue page by page.

        A list, not a set: two open alerts for one slot would show as a repeated entry. Alert ids
        are left out on purpose: an episode number counts how often a slot opened, which depends on
        which intermediate states of a household were judged while a batch streamed in.
        """
        found: list[tuple[str, str, str]] = []
        offset = 0
        while True:
            page = httpx.get(f"{self.url}/api/v1/alerts", params={"status": "open", "limit": 1000, "offset": offset},
                             timeout=30, headers=self.headers("auditor")).json()
            found += [(a["household"], a["rule"], str(a.get("subject"))) for a in page["alerts"]]
            offset += len(page["alerts"])
            if not page["alerts"] or offset >= page["total"]:
                return sorted(found)

    def broker_pid(self) -> int:
        report = self.health()
        assert report is not None, "the server does not answer"
        return int(report["components"]["broker"]["pid"])

    def kill_9(self) -> None:
        """SIGKILL the whole process group, as `kill -9 -PGID` would, and wait for the server to die."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill_9()


_SEEDED: dict[Path, People] = {}


def _people_of(data_dir: Path) -> People:
    """Users of every role on the data directory (created once; a restart on the same data reuses them)."""
    if data_dir not in _SEEDED:
        app = open_identity(Settings(data_dir=data_dir))
        _SEEDED[data_dir] = seed_people(app)
        app.close()
    return _SEEDED[data_dir]


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
