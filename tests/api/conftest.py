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
from tests.people import People, seed_people


@pytest.fixture()
def served(broker: Any, tmp_path: Path) -> Iterator[tuple[str, Runtime, People]]:
    """A served API on a real pipeline: its URL, the runtime behind it, and one user per role."""
    settings = Settings(data_dir=tmp_path, kafka_bootstrap=broker.bootstrap, partitions=2)
    settings.topic_prefix = f"{tmp_path.name}-"
    runtime = bootstrap(settings, PIPELINE, group_consumers=False).start()
    people = seed_people(runtime.identity)
    server = BackgroundServer(create_app(runtime)).start()
    yield server.url, runtime, people
    server.stop()
    runtime.stop()


@pytest.fixture()
def people(served: tuple[str, Runtime, People]) -> People:
    return served[2]


@pytest.fixture()
def api(served: tuple[str, Runtime, People]) -> Iterator[tuple[httpx.Client, Runtime]]:
    """A client authenticated as the district's caseworker (other roles: the `people` fixture's headers)."""
    url, runtime, people = served
    with httpx.Client(base_url=url, timeout=30, headers=people.headers("caseworker")) as client:
        yield client, runtime
