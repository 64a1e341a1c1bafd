"""The production topology as separate OS processes: PostgreSQL, one broker, two API processes on different
ports, two relays (the second started "by mistake"), two rule workers in one consumer group, one projections
process and the scheduler — each a `qianshao serve --only …` of its own, as the README's Procfile starts them.

What must hold: an observation posted to one API is read from the other; a rule worker killed with -9
mid-stream hands its partitions to the other and the deployment ends with exactly the open alerts of one
uninterrupted single-process run of the same observations (the workload plus the scheduler's tick of the
day), slot by slot; the second relay stays on standby and doubles nothing.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

import httpx
import pytest
from eventsourcing.application import AggregateNotFoundError

from domain.households.clock import CLOCK_ID, tick
from infra.event_store import open_households, open_identity
from infra.kafka.broker import EmbeddedBroker
from infra.settings import Settings
from tests.faults.served import Served
from tests.faults.workload import BATCHES, CONVERGE_DEADLINE_S, post_all, report, uninterrupted, wait
from tests.conftest import poll_until
from tests.infra.test_postgres import PG, _admin
from tests.people import People, seed_people

PARTITIONS = 4
T = TypeVar("T")
ROLES = ("api-1", "api-2", "relay-1", "relay-2", "rules-1", "rules-2", "projections", "scheduler")


class Deployment:
    """Every process of one deployment, sharing its database, broker and (for the read views) data directory."""

    def __init__(self, data_dir: Path, postgres: dict[str, str], kafka: str) -> None:
        settings = Settings(data_dir=data_dir, partitions=PARTITIONS)
        settings.postgres = postgres
        identity = open_identity(settings)
        self.people: People = seed_people(identity)
        identity.close()
        env = {"QIANSHAO_KAFKA": kafka, "QIANSHAO_PARTITIONS": str(PARTITIONS),
               "QIANSHAO_TOPIC_PREFIX": f"{data_dir.parent.name}-",
               **{f"QIANSHAO_{key}": value for key, value in postgres.items()}}
        self.processes: dict[str, Served] = {}
        for role in ROLES:
            served = Served(data_dir, env=env, only="api" if role.startswith("api") else role.split("-")[0])
            served.log = data_dir.parent / f"{role}.log"
            served.people = self.people
            self.processes[role] = served

    def __getitem__(self, role: str) -> Served:
        return self.processes[role]

    def start(self) -> "Deployment":
        for served in self.processes.values():
            served.start()
        return self

    def stop(self) -> None:
        for served in reversed(list(self.processes.values())):
            served.stop()

    def settled(self) -> bool:
        """Every live process healthy, nothing behind anywhere, and every partition owned by a live rule worker."""
        owned: set[int] = set()
        for served in self.processes.values():
            if served.process is None or served.process.poll() is not None:
                continue
            report = served.health()
            if report is None or report["status"] != "ok" or any(c.get("lag") for c in report["components"].values()):
                return False
            owned |= set(report["components"].get("rules", {}).get("partitions", []))
        return owned == set(range(PARTITIONS))


@pytest.fixture()
def postgres() -> Iterator[dict[str, str]]:
    name = f"qianshao_{uuid.uuid4().hex[:12]}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield {**PG, "POSTGRES_DBNAME": name}
    with _admin() as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture()
def deployment(tmp_path: Path, postgres: dict[str, str]) -> Iterator[Deployment]:
    with EmbeddedBroker(log_dir=tmp_path / "broker") as broker:
        running = Deployment(tmp_path / "data", postgres, broker.bootstrap)
        try:
            yield running.start()
        finally:
            running.stop()


def relay_roles(deployment: Deployment) -> list[str]:
    return sorted(str((deployment[r].health() or {}).get("components", {}).get("relay", {}).get("role"))
                  for r in ("relay-1", "relay-2"))


def scheduled_day(postgres: dict[str, str]) -> date | None:
    """The day the deployment's scheduler ticked (the clock's date, read from the store), once it has."""
    settings = Settings(data_dir=Path("unused"))
    settings.postgres = postgres
    households = open_households(settings)
    try:
        today = households.repository.get(CLOCK_ID).today
    except AggregateNotFoundError:
        return None
    finally:
        households.close()
    return date.fromisoformat(today)


def wait_for_value(produce: Callable[[], T | None], deadline_s: float, what: str) -> T:
    return poll_until(produce, timeout=deadline_s, interval=0.2, message=what)


def test_a_city_deployment_loses_and_doubles_nothing_when_a_rule_worker_is_killed(
        deployment: Deployment, postgres: dict[str, str], tmp_path: Path) -> None:
    wait(lambda: relay_roles(deployment) == ["active", "standby"], 30,
         lambda: f"one relay active and one on standby, got {relay_roles(deployment)}")
    day = wait_for_value(lambda: scheduled_day(postgres), 30, "the scheduler's first tick")
    expected = uninterrupted(Served(tmp_path / "uninterrupted"), BATCHES + [[tick(day, "scheduler")]])
    first, rest = BATCHES[:1], BATCHES[1:]
    post_all(deployment["api-1"], first)
    household = first[0][0]["household"]
    other = deployment["api-2"]

    def seen_from_the_other_api() -> bool:
        answer = httpx.get(f"{other.url}/api/v1/households/{household}", headers=other.headers("caseworker"),
                           timeout=10)
        return answer.status_code == 200

    wait(seen_from_the_other_api, 60, f"household {household}, posted to api-1, to be read from api-2")
    half = len(rest) // 2
    post_all(deployment["api-1"], rest[:half])
    deployment["rules-1"].kill_9()  # mid-stream: its partitions move to rules-2
    post_all(deployment["api-2"], rest[half:])

    def differences() -> str:
        found = other.open_alerts()
        missing = [a for a in expected if a not in found]
        unexpected = [a for a in found if a not in expected or found.count(a) > 1]
        return (f"the {len(expected)} expected open alerts; missing {missing[:10]}, unexpected or repeated "
                f"{unexpected[:10]}; rules-2 {deployment['rules-2'].health()}")

    seconds = wait(lambda: deployment.settled() and other.open_alerts() == expected, CONVERGE_DEADLINE_S, differences)
    found = other.open_alerts()
    assert found == expected and deployment["api-1"].open_alerts() == expected
    assert relay_roles(deployment) == ["active", "standby"]
    report("topology: rule worker killed with -9 mid-stream", expected, found, seconds)
