"""Run `qianshao serve` in its own process on a free port, for benchmarks (real server, real HTTP).

A separate process keeps the load generator from competing with the server for the GIL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from infra.kafka.broker import free_port
from infra.settings import Settings, postgres_from


def bench_settings(data_dir: Path, postgres: dict[str, str] | None = None) -> Settings:
    """The settings a served process gets from `postgres` (the `QIANSHAO_POSTGRES_*` environment)."""
    settings = Settings(data_dir=data_dir)
    settings.postgres = postgres_from(postgres or {})
    return settings


class ServedRuntime:
    """`qianshao serve --only …` on a data directory (and PostgreSQL when `postgres` is given)."""

    def __init__(self, data_dir: Path, only: str = "api,relay,rules,projections,intake",
                 postgres: dict[str, str] | None = None) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "api.cli", "serve", "--data", str(data_dir), "--port", str(self.port),
                   "--only", only]
        env = {**os.environ, **(postgres or {})}
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + 90
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
