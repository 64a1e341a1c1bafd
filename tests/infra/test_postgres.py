"""Production backend: the same pipeline with PostgreSQL event stores (started by `make test`)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any, Iterator

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError

from domain.households.clock import Clock
from infra.event_store import open_alerts, open_households
from infra.bootstrap import PIPELINE, bootstrap
from infra.settings import Settings, postgres_from
from tests.conftest import poll_until
from tests.infra.test_pipeline import ENROL, INCOME, REGISTER

PG = {
    "POSTGRES_HOST": os.environ.get("QIANSHAO_TEST_PG_HOST", "127.0.0.1"),
    "POSTGRES_PORT": os.environ.get("QIANSHAO_TEST_PG_PORT", "5432"),
    "POSTGRES_USER": os.environ.get("QIANSHAO_TEST_PG_USER", "postgres"),
    "POSTGRES_PASSWORD": os.environ.get("QIANSHAO_TEST_PG_PASSWORD", "postgres"),
}


def _admin() -> psycopg.Connection[Any]:
    return psycopg.connect(host=PG["POSTGRES_HOST"], port=PG["POSTGRES_PORT"], user=PG["POSTGRES_USER"],
                           password=PG["POSTGRES_PASSWORD"], dbname="postgres", autocommit=True)


@pytest.fixture()
def pg_settings(tmp_path: Path) -> Iterator[Settings]:
    """A fresh database per test, dropped afterwards."""
    name = f"qianshao_{uuid.uuid4().hex[:12]}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    settings = Settings(data_dir=tmp_path, partitions=2)
    settings.postgres = {**PG, "POSTGRES_DBNAME": name}
    yield settings
    with _admin() as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_each_application_has_its_own_tables(pg_settings: Settings) -> None:
    households, alerts = open_households(pg_settings), open_alerts(pg_settings)
    clock = Clock()
    clock.tick(date="2025-01-01", observation_id="t1")
    households.save(clock)
    assert households.recorder.max_notification_id() == 2
    assert alerts.recorder.max_notification_id() in (None, 0)
    stale = households.repository.get(clock.id)
    clock.tick(date="2025-01-02", observation_id="t2")
    households.save(clock)
    stale.tick(date="2025-01-03", observation_id="t3")
    with pytest.raises(IntegrityError):
        households.save(stale)


def test_pipeline_on_postgres_raises_and_clears(pg_settings: Settings, broker: Any) -> None:
    pg_settings.kafka_bootstrap = broker.bootstrap
    pg_settings.topic_prefix = f"{uuid.uuid4().hex[:8]}-"
    runtime = bootstrap(pg_settings, PIPELINE, group_consumers=False).start()
    try:
        assert [o.status for o in runtime.intake.accept_batch([REGISTER, INCOME])] == ["accepted", "accepted"]
        runtime.drain()
        open_rules = runtime.views.query("SELECT rule FROM alerts WHERE status = 'open'")
        assert open_rules == [{"rule": "MISSED.DIBAO"}]
        runtime.intake.accept(ENROL)
        runtime.drain()
        assert runtime.views.query("SELECT close_reason FROM alerts") == [{"close_reason": "condition_cleared"}]
    finally:
        runtime.stop()



def _open_stores_together(settings: Settings, start: Any, heads: Any) -> None:
    """In a child process: wait for the others, then open both stores (which creates their tables)."""
    start.wait(timeout=60)
    households, alerts = open_households(settings), open_alerts(settings)
    try:
        heads.put((households.recorder.max_notification_id() or 0) + (alerts.recorder.max_notification_id() or 0))
    finally:
        households.close()
        alerts.close()


def test_processes_starting_together_on_a_fresh_database_all_open_their_stores(pg_settings: Settings) -> None:
    """Rule workers and APIs started at once all create the tables; none may fail ("tuple concurrently updated")."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    start, heads = context.Barrier(4), context.Queue()
    children = [context.Process(target=_open_stores_together, args=(pg_settings, start, heads)) for _ in range(4)]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=120)
    assert [child.exitcode for child in children] == [0, 0, 0, 0]
    assert sorted(heads.get(timeout=5) for _ in children) == [0, 0, 0, 0]


def test_an_alert_raised_on_postgres_is_read_through_another_apis_views(pg_settings: Settings, broker: Any) -> None:
    """The pipeline raises an alert; a second, API-only process on the same database serves it over HTTP
    from the views in PostgreSQL (no views file of its own)."""
    import httpx

    from api.http.app import create_app
    from infra.http_server import BackgroundServer
    from tests.serving import served_pipeline

    with served_pipeline(broker, pg_settings.data_dir / "pipeline", postgres=pg_settings.postgres) as served:
        _, runtime, people = served
        runtime.intake.accept_batch([REGISTER, INCOME])
        runtime.drain()
        other = Settings(data_dir=pg_settings.data_dir / "other-host", partitions=2, postgres=pg_settings.postgres)
        api_only = bootstrap(other, frozenset())
        server = BackgroundServer(create_app(api_only.services, api_only)).start()
        try:
            with httpx.Client(base_url=server.url, timeout=30, headers=people.headers("caseworker")) as client:
                response = client.get("/api/v1/alerts", params={"status": "open"})
            assert response.status_code == 200, response.text
            assert [a["rule"] for a in response.json()["alerts"]] == ["MISSED.DIBAO"]
            assert not (other.data_dir / "views.sqlite").exists()
        finally:
            server.stop()
            api_only.stop()


def test_health_says_what_is_down_when_the_database_goes_away(tmp_path: Path) -> None:
    """The database dropped under a running process: `/health` names the views and the component as down."""
    name = f"qianshao_{uuid.uuid4().hex[:12]}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    settings = Settings(data_dir=tmp_path, partitions=2)  # the production defaults: pools wait 5 s, not 30
    settings.postgres = postgres_from({f"QIANSHAO_{key}": value for key, value in {**PG, "POSTGRES_DBNAME": name}.items()})
    runtime = bootstrap(settings, {"projections"}).start()
    try:
        poll_until(lambda: runtime.health()["status"] == "ok", message="the projections to start")
        with _admin() as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        report = runtime.health()
        assert report["status"] == "degraded" and {"views", "projections"} <= set(report["down"])
        assert report["components"]["projections"]["last_error"]
    finally:
        runtime.stop()
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
