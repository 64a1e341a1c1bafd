"""One deployment's views opened by several processes: on PostgreSQL (and in one SQLite file on one host)
every store sees the rows the others wrote, fresh views are created once by processes starting together,
and the API's threads read while the projections write."""

from __future__ import annotations

import threading
from typing import Any

from infra.settings import Settings
from infra.view_database import open_views
from projections.view_store import VIEWS_VERSION, advance
from tests.projections.conftest import ViewsOn

ROW = ("INSERT INTO alerts (alert_id, household, region, rule, status, raised_on) "
       "VALUES (?, 'H1', '500103001001', 'MISSED.DIBAO', 'open', '2026-11-02')")


def test_two_stores_of_one_deployment_see_each_others_rows(views_on: ViewsOn) -> None:
    one, other = views_on.open(), views_on.open()  # two API processes, or the projections and an API
    with one.transaction() as db:
        db.execute(ROW, ("a-1",))
        advance(db, "alerts", 5)
    assert other.position("alerts") == 5
    assert other.query("SELECT alert_id, rule FROM alerts") == [{"alert_id": "a-1", "rule": "MISSED.DIBAO"}]
    with other.transaction() as db:
        db.execute(ROW, ("a-2",))
        advance(db, "alerts", 6)
    assert [r["alert_id"] for r in one.query("SELECT alert_id FROM alerts ORDER BY alert_id")] == ["a-1", "a-2"]
    assert one.position("alerts") == 6


def test_a_failed_batch_leaves_neither_rows_nor_position(views_on: ViewsOn) -> None:
    views = views_on.open()
    try:
        with views.transaction() as db:
            db.execute(ROW, ("a-1",))
            advance(db, "alerts", 1)
            advance(db, "alerts", 1)  # a replayed position: the whole batch is refused
    except ValueError:
        pass
    assert views.position("alerts") == 0 and views.query("SELECT * FROM alerts") == []


def _open_and_record(settings: Settings, source: str, start: Any, done: Any) -> None:
    """In a child process: wait for the others, open the fresh views (creating them), record one position."""
    start.wait(timeout=60)
    try:
        views = open_views(settings)
        try:
            with views.transaction() as db:
                advance(db, source, 1)
            done.put(views.is_outdated())
        finally:
            views.close()
    except Exception as error:  # noqa: BLE001 - told to the test, which fails naming it
        done.put(repr(error))


def test_processes_opening_fresh_views_together_create_them_once(views_on: ViewsOn) -> None:
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    start, done = context.Barrier(4), context.Queue()
    children = [context.Process(target=_open_and_record, args=(views_on.settings, f"s{n}", start, done))
                for n in range(4)]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=120)
    assert [done.get(timeout=5) for _ in children] == [False] * 4  # not outdated, and no error
    assert [child.exitcode for child in children] == [0, 0, 0, 0]
    views = views_on.open()
    assert [r["source"] for r in views.query("SELECT source FROM tracking ORDER BY source")] == ["s0", "s1", "s2", "s3"]
    with views.snapshot() as db:
        assert db.version() == VIEWS_VERSION


def test_the_apis_threads_read_while_batches_are_written(views_on: ViewsOn) -> None:
    views = views_on.open()
    failures: list[BaseException] = []
    seen: list[int] = []

    def read() -> None:
        try:
            for _ in range(30):
                (row,) = views.query("SELECT COUNT(*) AS n FROM alerts")
                seen.append(int(row["n"]))
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    readers = [threading.Thread(target=read) for _ in range(6)]
    for reader in readers:
        reader.start()
    for batch in range(10):
        with views.transaction() as db:
            for n in range(5):
                db.execute(ROW, (f"a-{batch}-{n}",))
            advance(db, "alerts", batch + 1)
    for reader in readers:
        reader.join(timeout=60)
    assert failures == []
    assert all(n % 5 == 0 for n in seen)  # a batch is seen whole or not at all
    assert views.query("SELECT COUNT(*) AS n FROM alerts")[0]["n"] == 50 and views.position("alerts") == 10


def test_two_projections_processes_racing_apply_each_event_once(views_on: ViewsOn) -> None:
    """Started twice by mistake, two runners on one deployment's views: counts equal a single run's."""
    from domain.households.application import HouseholdsApp

    from api.cli.demo.synthetic import generate_district
    from projections.runner import ProjectionRunner

    households = HouseholdsApp(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    assert all(o.status == "accepted" for o in households.accept_batch(generate_district(households=15)))
    alone = views_on.open("alone")
    while ProjectionRunner({"households": households}, alone, batch=7).run_once():
        pass
    shared = [views_on.open(), views_on.open()]
    failures: list[BaseException] = []

    def run(views: Any, batch: int) -> None:
        try:  # batches of different sizes: a stale batch overlaps the other's, it does not merely repeat it
            runner = ProjectionRunner({"households": households}, views, batch=batch)
            while not runner.caught_up():
                runner.run_once()
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    racers = [threading.Thread(target=run, args=(views, batch)) for views, batch in zip(shared, (7, 11))]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=120)
    assert failures == []
    sums = "SELECT informant, grid, month, observations, registrations FROM informant_activity ORDER BY 1, 2, 3"
    assert shared[0].query(sums) == alone.query(sums) != []
    counted = "SELECT household, observations FROM households ORDER BY household"
    assert shared[1].query(counted) == alone.query(counted)
