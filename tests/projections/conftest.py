"""The view tests run on both backends: `views_on` opens view stores on SQLite (files of a scratch data
directory) or PostgreSQL (schemas of a fresh database, dropped after the test), as one deployment would."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import psycopg
import pytest

from infra.settings import Settings
from infra.shared_tables import postgres_connect
from infra.view_database import open_views
from projections.sealing import PLAIN, Sealer
from projections.sql_dialect import PostgresConnection, connect_sqlite
from projections.view_store import SCHEMA_NAME, ViewStore
from tests.infra.shared_backends import backend_settings  # noqa: F401  (the fixture, parametrized)


class ViewsOn:
    """View stores of one deployment's backend; `name` tells stores apart ("views" is the deployment's own)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.backend = "postgres" if settings.postgres else "sqlite"
        self._opened: list[ViewStore] = []

    def schema(self, name: str) -> str:
        return SCHEMA_NAME if name == "views" else f"views_{name}"

    def open(self, name: str = "views", sealer: Sealer = PLAIN, rebuild_outdated: bool = True) -> ViewStore:
        if self.backend == "postgres":
            views = open_views(self.settings, rebuild_outdated, sealer=sealer, schema=self.schema(name))
        else:
            views = ViewStore(self.settings.data_dir / f"{name}.sqlite", sealer, rebuild_outdated)
        self._opened.append(views)
        return views

    @contextmanager
    def raw(self, name: str = "views") -> Iterator[Any]:
        """A connection of its own to the stored views (as another release left them), committed at the end."""
        if self.backend == "sqlite":
            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
            db = connect_sqlite(str(self.settings.data_dir / f"{name}.sqlite"))
            try:
                db.execute("BEGIN")
                yield db
                db.execute("COMMIT")
            finally:
                db.close()
            return
        assert self.settings.postgres
        with psycopg.connect(**postgres_connect(self.settings.postgres),
                             options=f"-c search_path={self.schema(name)}") as conn:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema(name)}")  # type: ignore[arg-type]
            yield PostgresConnection(conn, self.schema(name))

    def close(self) -> None:
        for views in self._opened:
            views.close()  # again, when the test closed it: closing twice is harmless on both backends


@pytest.fixture()
def views_on(backend_settings: Settings) -> Iterator[ViewsOn]:  # noqa: F811
    on = ViewsOn(backend_settings)
    yield on
    on.close()
