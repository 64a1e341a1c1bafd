"""The API over real HTTP on a real pipeline (SQLite, the session's broker, the engine child)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from api.app import create_app
from infra.bootstrap import PIPELINE, bootstrap
from infra.http_server import BackgroundServer
from infra.runtime import Runtime
from infra.settings import Settings


@pytest.fixture()
def api(broker: Any, tmp_path: Path) -> Iterator[tuple[httpx.Client, Runtime]]:
    """A client of a served API, and the runtime behind it."""
    settings = Settings(data_dir=tmp_path, kafka_bootstrap=broker.bootstrap, partitions=2)
    settings.topic_prefix = f"{tmp_path.name}-"
    runtime = bootstrap(settings, PIPELINE, group_consumers=False).start()
    server = BackgroundServer(create_app(runtime)).start()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client, runtime
    server.stop()
    runtime.stop()
