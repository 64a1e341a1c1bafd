"""Start a runtime and its HTTP API on a free port, for benchmarks (real server, real HTTP)."""

from __future__ import annotations

from pathlib import Path

from api.app import create_app
from infra.http_server import BackgroundServer
from infra.runtime import COMPONENTS, Runtime
from infra.settings import Settings


class ServedRuntime:
    """A runtime on a data directory, with uvicorn serving its API."""

    def __init__(self, data_dir: Path, components: frozenset[str] = COMPONENTS) -> None:
        self.runtime = Runtime(Settings(data_dir=data_dir, kafka_bootstrap=None), components=components).start()
        self.server = BackgroundServer(create_app(self.runtime)).start()

    @property
    def url(self) -> str:
        return self.server.url

    def stop(self) -> None:
        self.server.stop()
        self.runtime.stop()
