"""A served application (API and pages) on a real pipeline, for tests that go through HTTP or a browser."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Collection, Iterator

from api.http.app import create_app
from infra.bootstrap import PIPELINE, bootstrap
from infra.http_server import BackgroundServer
from infra.runtime import Runtime
from infra.settings import Settings
from tests.people import People, seed_people


@contextmanager
def served_pipeline(broker: Any, data_dir: Path, components: Collection[str] = PIPELINE,
                    **settings: Any) -> Iterator[tuple[str, Runtime, People]]:
    """Its URL, the runtime behind it (SQLite in `data_dir`, the session's broker, the engine child, the
    `components`) and one user per role; `settings` are passed to `Settings` (e.g. `cipher_key`)."""
    configured = Settings(data_dir=data_dir, kafka_bootstrap=broker.bootstrap, partitions=2, **settings)
    configured.topic_prefix = f"{data_dir.name}-"
    runtime = bootstrap(configured, components, group_consumers=False).start()
    people = seed_people(runtime.identity)
    server = BackgroundServer(create_app(runtime.services, runtime)).start()
    try:
        yield server.url, runtime, people
    finally:
        server.stop()
        runtime.stop()
