"""`qianshao demo` serves its pages at once and fills the district in behind them (issue 18: the first page
within 60 s): a real process, logged into over real HTTP while it loads; its summary follows, then Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from tests.conftest import poll_until

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_the_login_page_serves_before_the_district_is_judged_and_the_summary_follows(tmp_path: Path) -> None:
    port, printed = free_port(), tmp_path / "demo.out"
    with printed.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "demo", "--households", "200", "--data", str(tmp_path / "var"),
             "--port", str(port)], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        poll_until(lambda: answers(f"{base}/login") or process.poll() is not None, timeout=120,
                   message=lambda: printed.read_text(errors="replace")[-2000:])
        assert process.poll() is None, printed.read_text(errors="replace")
        assert "total open alerts" not in printed.read_text(errors="replace")  # served before the summary
        login = httpx.post(f"{base}/api/v1/login", json={"name": "demo-caseworker", "password": "caseworker-demo"},
                           timeout=30)
        assert login.status_code == 200, login.text
        token = login.json()["token"]
        poll_until(lambda: "total open alerts" in printed.read_text(errors="replace") or process.poll() is not None,
                   timeout=300, message="the demo's summary")
        text = printed.read_text(errors="replace")
        assert "total open alerts" in text and "载入失败" not in text, text[-3000:]
        alerts = httpx.get(f"{base}/api/v1/alerts", headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert alerts.status_code == 200 and alerts.json()["alerts"], alerts.text[:500]
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=120)
    assert process.returncode == 0, printed.read_text(errors="replace")[-2000:]
