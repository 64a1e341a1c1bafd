"""The deployment's shared tables on each backend: the embedded SQLite file and a fresh PostgreSQL database."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Iterator

import pytest

from infra.settings import Settings
from tests.infra.test_postgres import PG, _admin


@pytest.fixture(params=["sqlite", "postgres"])
def backend_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings of one deployment on SQLite (a data directory) or PostgreSQL (a database dropped afterwards)."""
    settings = Settings(data_dir=tmp_path, partitions=2)
    if request.param == "sqlite":
        yield settings
        return
    name = f"qianshao_{uuid.uuid4().hex[:12]}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    settings.postgres = {**PG, "POSTGRES_DBNAME": name}
    yield settings
    with _admin() as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
