"""The API over real HTTP on a real pipeline (SQLite, the session's broker, the engine child)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from infra.runtime import Runtime
from tests.people import People
from tests.serving import served_pipeline


@pytest.fixture()
def served(broker: Any, tmp_path: Path) -> Iterator[tuple[str, Runtime, People]]:
    """A served API on a real pipeline: its URL, the runtime behind it, and one user per role."""
    with served_pipeline(broker, tmp_path) as served:
        yield served


@pytest.fixture()
def people(served: tuple[str, Runtime, People]) -> People:
    return served[2]


@pytest.fixture()
def api(served: tuple[str, Runtime, People]) -> Iterator[tuple[httpx.Client, Runtime]]:
    """A client authenticated as the district's caseworker (other roles: the `people` fixture's headers)."""
    url, runtime, people = served
    with httpx.Client(base_url=url, timeout=30, headers=people.headers("caseworker")) as client:
        yield client, runtime
