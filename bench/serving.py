"""Run `qianshao serve` in its own process on a free port, for benchmarks (real server, real HTTP).

A separate process keeps the load generator from competing with the server for the GIL.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from infra.kafka.broker import free_port


class ServedRuntime:
    """`qianshao serve --only …` on a data directory, stopped with `stop()`."""

    def __init__(self, data_dir: Path, only: str = "api,relay,rules,projections,intake") -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "api.cli", "serve", "--data", str(data_dir), "--port", str(self.port),
                   "--only", only]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not self._healthy():
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("qianshao serve did not become healthy")
            time.sleep(0.1)  # polling for start-up, bounded by the deadline

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
