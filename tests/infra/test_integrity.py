"""The hash chain names the first event where a log was edited, deleted from or inserted into behind the
application's back (raw SQL on the SQLite file and on PostgreSQL), and `qianshao audit verify` says so."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any, Callable

import psycopg
import pytest
from typer.testing import CliRunner

from api.cli.main import app
from infra.event_store import open_households
from infra.integrity import ChainReport, KeptVerdicts, open_applications, verify_application
from infra.settings import Settings
from tests.infra.test_pipeline import ENROL, INCOME, REGISTER
from tests.infra.test_postgres import pg_settings  # noqa: F401 - the fixture

Tamper = Callable[[str], None]  # runs one SQL statement on the households store behind the application


def _record(settings: Settings) -> Any:
    households = open_households(settings)
    outcomes = households.accept_batch([REGISTER, INCOME, ENROL])
    assert [o.status for o in outcomes] == ["accepted"] * 3
    return households


def _verify(settings: Settings) -> ChainReport:
    households = open_households(settings)
    return verify_application("households", households.recorder)


def _sqlite(settings: Settings) -> tuple[Tamper, Callable[[str], list[tuple[Any, ...]]]]:
    path = settings.data_dir / "households.sqlite"

    def run(sql: str) -> None:
        with sqlite3.connect(path) as db:
            db.execute(sql)

    def rows(sql: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(path) as db:
            return db.execute(sql).fetchall()

    return run, rows


def _postgres(settings: Settings) -> tuple[Tamper, Callable[[str], list[tuple[Any, ...]]]]:
    assert settings.postgres is not None
    pg = settings.postgres
    connect = lambda: psycopg.connect(host=pg["POSTGRES_HOST"], port=pg["POSTGRES_PORT"],  # noqa: E731
                                      user=pg["POSTGRES_USER"], password=pg["POSTGRES_PASSWORD"],
                                      dbname=pg["POSTGRES_DBNAME"], autocommit=True)

    def run(sql: str) -> None:
        with connect() as db:
            db.execute(sql.replace("stored_events", "households_events").replace("rowid", "notification_id"))

    def rows(sql: str) -> list[tuple[Any, ...]]:
        with connect() as db:
            sql = sql.replace("stored_events", "households_events").replace("rowid", "notification_id")
            return [tuple(str(v) if isinstance(v, uuid.UUID) else v for v in r) for r in db.execute(sql).fetchall()]

    return run, rows


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Settings, Tamper, Callable[[str], list[Any]]]:
    """A households store holding one registered, reported and enrolled household, on each backend."""
    if request.param == "sqlite":
        settings = Settings(data_dir=tmp_path)
        _record(settings)
        return (settings, *_sqlite(settings))
    settings = request.getfixturevalue("pg_settings")
    _record(settings)
    return (settings, *_postgres(settings))


def _row(rows: Callable[[str], list[Any]], notification_id: int) -> tuple[str, int, str]:
    [(originator, version, topic)] = rows(
        f"SELECT originator_id, originator_version, topic FROM stored_events WHERE rowid = {notification_id}")
    return uuid.UUID(str(originator)).hex, version, topic


def test_an_untouched_log_verifies_with_its_count_and_head(store: tuple[Settings, Tamper, Any]) -> None:
    settings, _, rows = store
    report = _verify(settings)
    [(count,)] = rows("SELECT COUNT(*) FROM stored_events")
    assert report.ok and report.events == count >= 3
    households = open_households(settings)
    assert report.head == households.recorder.chain_head().hash.hex()


def test_an_edited_event_is_named(store: tuple[Settings, Tamper, Any]) -> None:
    settings, tamper, rows = store
    expected = _row(rows, 2)
    tamper("UPDATE stored_events SET state = state || 'x'::bytea WHERE rowid = 2"
           if settings.postgres else "UPDATE stored_events SET state = state || x'20' WHERE rowid = 2")
    broken = _verify(settings).broken
    assert broken is not None and broken.problem == "edited" and broken.notification_id == 2
    assert (broken.originator_id, broken.originator_version, broken.topic) == expected


def test_a_deleted_event_is_named_from_its_link(store: tuple[Settings, Tamper, Any]) -> None:
    settings, tamper, rows = store
    expected = _row(rows, 3)
    tamper("DELETE FROM stored_events WHERE rowid = 3")
    report = _verify(settings)
    assert report.broken is not None and report.broken.problem == "deleted"
    assert report.broken.notification_id == 3 and report.events == 2
    assert (report.broken.originator_id, report.broken.originator_version, report.broken.topic) == expected


def test_an_event_deleted_with_its_link_breaks_the_next_link(store: tuple[Settings, Tamper, Any]) -> None:
    settings, tamper, _ = store
    tamper("DELETE FROM stored_events WHERE rowid = 2")
    tamper("DELETE FROM stored_events_chain WHERE rowid = 2")
    broken = _verify(settings).broken
    assert broken is not None and broken.problem == "deleted" and broken.notification_id == 3
    assert "after 1" in broken.detail


def test_an_inserted_event_is_named_even_after_later_genuine_events(store: tuple[Settings, Tamper, Any]) -> None:
    settings, tamper, rows = store
    [(last,)] = rows("SELECT MAX(rowid) FROM stored_events")
    forged = uuid.uuid4()
    tamper(f"INSERT INTO stored_events (originator_id, originator_version, topic, state) VALUES "
           f"('{forged if settings.postgres else forged.hex}', 1, 'domain.households.household:Household.Registered', "
           f"{'convert_to(' + chr(39) + '{}' + chr(39) + ', ' + chr(39) + 'UTF8' + chr(39) + ')' if settings.postgres else 'x' + chr(39) + '7b7d' + chr(39)})")
    open_households(settings).accept(dict(INCOME, observation_id="p-9", observed_at="2025-09-03T10:00:00+08:00"))
    report = _verify(settings)
    assert report.broken is not None and report.broken.problem == "inserted"
    assert report.broken.notification_id == last + 1 and report.broken.originator_id == forged.hex
    assert report.events == last


def _cli(*args: str) -> Any:
    return CliRunner().invoke(app, ["audit", "verify", *args])


def test_the_command_reports_counts_and_then_the_broken_event(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    _record(settings)
    result = _cli("--data", str(tmp_path), "--json")
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.output)
    total = sum(a.recorder.max_notification_id() or 0 for a in open_applications(settings).values())
    assert verdict["ok"] and verdict["events"] == total and {a["application"] for a in verdict["applications"]} == {
        "households", "alerts", "identity", "audit"}
    tamper, rows = _sqlite(settings)
    expected = _row(rows, 2)
    tamper("UPDATE stored_events SET topic = 'domain.households.household:Household.Observed' WHERE rowid = 2")
    result = _cli("--data", str(tmp_path))
    assert result.exit_code == 1
    assert "households at notification 2: edited" in result.output and expected[0] in result.output


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_concurrent_writers_do_not_fork_the_chain(backend: str, request: pytest.FixtureRequest,
                                                  tmp_path: Path) -> None:
    """Four writers, each with its own application (own connections), record at once; the chain stays one line."""
    from concurrent.futures import ThreadPoolExecutor

    from domain.households.household import Household
    from tests.projections.test_rebuild import REGISTERED

    settings = Settings(data_dir=tmp_path) if backend == "sqlite" else request.getfixturevalue("pg_settings")

    writers = [open_households(settings) for _ in range(4)]  # opened one by one: creating tables is not the test

    def write(writer: int) -> int:
        households = writers[writer]
        for n in range(15):
            household = f"H-{writer}-{n}"  # each save its own aggregate: no version conflicts, only interleaving
            households.save(Household(household, dict(REGISTERED, household=household, observation_id=household)))
        return writer

    with ThreadPoolExecutor(4) as pool:
        assert sorted(pool.map(write, range(4))) == [0, 1, 2, 3]
    report = _verify(settings)
    assert report.ok, report.broken
    assert report.events == 4 * 15



LATER = 10.0  # the kept verdicts' clock, ahead of the files' last write: every walk is "settled"


def _kept(settings: Settings, clock_ahead: float = LATER) -> tuple[KeptVerdicts, Any]:
    import time

    households = open_households(settings)
    return KeptVerdicts({"households": households.recorder}, clock=lambda: time.time() + clock_ahead), households


@pytest.mark.parametrize("change", ["edited", "deleted", "inserted"])
def test_a_kept_verdict_lasts_only_while_the_files_are_unchanged(change: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    _record(settings)
    verdicts, households = _kept(settings)
    [first] = verdicts.verify()
    assert first.ok and verdicts.verify()[0] is first  # nothing written: the verdict is kept, no walk
    tamper, _ = _sqlite(settings)
    tamper({"edited": "UPDATE stored_events SET state = state || x'20' WHERE rowid = 2",
            "deleted": "DELETE FROM stored_events WHERE rowid = 2",
            "inserted": "INSERT INTO stored_events (originator_id, originator_version, topic, state) VALUES "
                        f"('{uuid.uuid4().hex}', 1, 'x', x'7b7d')"}[change])
    [after] = verdicts.verify()
    assert not after.ok and after.broken is not None and after.broken.problem == change


def test_a_kept_verdict_is_walked_again_after_the_application_records(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    _record(settings)
    verdicts, households = _kept(settings)
    [first] = verdicts.verify()
    households.accept(dict(INCOME, observation_id="p-10", observed_at="2025-09-04T10:00:00+08:00"))
    [again] = verdicts.verify()
    assert again.ok and again.events > first.events and again.head != first.head


def test_a_verdict_walked_just_after_a_write_is_not_kept(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    _record(settings)
    verdicts, households = _kept(settings, clock_ahead=0.0)  # the files were written less than SETTLED_S ago
    [first] = verdicts.verify()
    assert verdicts.verify()[0] is not first


def test_postgres_verdicts_are_walked_every_time(pg_settings: Settings) -> None:  # noqa: F811 - the fixture
    _record(pg_settings)
    verdicts, households = _kept(pg_settings)  # kept: the recorder closes with its application
    [first] = verdicts.verify()
    tamper, _ = _postgres(pg_settings)
    assert verdicts.verify()[0] is not first
    tamper("DELETE FROM stored_events WHERE rowid = 2")
    assert verdicts.verify()[0].broken is not None


def test_a_refresh_walks_ahead_only_the_logs_written_since_and_settled(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    _record(settings)
    verdicts, households = _kept(settings)
    assert verdicts.refresh() is True and verdicts.refreshed == 1
    [kept] = verdicts.verify()
    assert verdicts.verify()[0] is kept  # the page finds the verdict walked ahead
    assert verdicts.refresh() is False  # nothing written since
    households.accept(dict(INCOME, observation_id="p-11", observed_at="2025-09-05T10:00:00+08:00"))
    verdicts._next_refresh.clear()  # the budget's wait is not the test
    assert verdicts.refresh() is True and verdicts.refreshed == 2
    [after] = verdicts.verify()
    assert after is not kept and after.ok and after.events > kept.events
    unsettled, _ = _kept(settings, clock_ahead=0.0)
    households.accept(dict(INCOME, observation_id="p-12", observed_at="2025-09-06T10:00:00+08:00"))
    assert unsettled.refresh() is False  # written just now: it waits for the files to settle
