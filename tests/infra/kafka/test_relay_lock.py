"""One relay publishes; a second one, started by mistake or as a hot standby, waits and takes over when the
first dies — on the embedded default (a file lock) and on PostgreSQL (an advisory lock)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from typing import Any, Iterator

import pytest

from infra.bootstrap import bootstrap
from infra.kafka.clients import make_consumer
from infra.kafka.relay_lock import FileRelayLock, PostgresRelayLock, RelayLock
from infra.runtime import Runtime
from infra.settings import TOPIC_EVENTS, Settings
from tests.infra.shared_backends import backend_settings  # noqa: F401 - the fixture
from tests.infra.test_pipeline import INCOME, REGISTER

HOLDER = """
import sys
from infra.kafka.relay_lock import FileRelayLock, PostgresRelayLock
lock = PostgresRelayLock(dict(a.split("=", 1) for a in sys.argv[2:])) if sys.argv[1] == "pg" else FileRelayLock(sys.argv[2])
assert lock.hold()
print("held", flush=True)
sys.stdin.read()  # hold until killed
"""


def lock_of(settings: Settings) -> RelayLock:
    return PostgresRelayLock(settings.postgres) if settings.postgres else FileRelayLock(settings.data_dir / "relay.lock")


def test_only_one_relay_holds_the_lock_until_it_lets_go(backend_settings: Settings, wait_for: Any) -> None:
    first, second = lock_of(backend_settings), lock_of(backend_settings)
    assert first.hold() and not second.hold()
    first.release()
    wait_for(second.hold, timeout=10)
    assert not first.hold()
    second.release()


def test_a_killed_relay_lets_the_standby_take_over(backend_settings: Settings, wait_for: Any) -> None:
    args = (["pg", *(f"{k}={v}" for k, v in backend_settings.postgres.items())] if backend_settings.postgres
            else ["file", str(backend_settings.data_dir / "relay.lock")])
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              env={**os.environ, "PYTHONPATH": os.getcwd()})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
        standby = lock_of(backend_settings)
        assert not standby.hold()
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        wait_for(standby.hold, timeout=20, message="the standby to take the lock of the killed relay")
        standby.release()
    finally:
        holder.kill()
        holder.wait(timeout=10)


@pytest.fixture()
def two_relays(backend_settings: Settings, broker: Any) -> Iterator[tuple[Runtime, Runtime]]:
    backend_settings.kafka_bootstrap = broker.bootstrap
    backend_settings.topic_prefix = f"{backend_settings.data_dir.name}-"
    first = bootstrap(backend_settings, {"relay"}, group_consumers=False).start()
    second = bootstrap(backend_settings, {"relay"}, group_consumers=False).start()
    try:
        yield first, second
    finally:
        second.stop()
        first.stop()


def roles(*runtimes: Runtime) -> list[str]:
    return [runtime.health()["components"]["relay"]["role"] for runtime in runtimes]


def test_a_second_relay_publishes_nothing_until_the_first_stops(two_relays: tuple[Runtime, Runtime],
                                                                 wait_for: Any) -> None:
    first, second = two_relays
    wait_for(lambda: sorted(roles(first, second)) == ["active", "standby"], timeout=20)
    active, standby = (first, second) if roles(first)[0] == "active" else (second, first)
    consumer = make_consumer(active.kafka, group_id=None, topics=[active.settings.topic(TOPIC_EVENTS)],
                             assign_all=True, partitions=2)
    seen: list[dict[str, Any]] = []

    def published(count: int) -> bool:
        for records in consumer.poll(timeout_ms=200).values():
            seen.extend(json.loads(r.value) for r in records if r.key == b"CQ-P1")
        return len(seen) >= count

    try:
        active.services.intake.accept_batch([REGISTER, INCOME])
        wait_for(lambda: published(2), timeout=30, message=lambda: f"two records, seen {len(seen)}")
        assert standby.relay is not None and standby.relay.published == 0
        active.stop()
        wait_for(lambda: roles(standby) == ["active"], timeout=20, message="the standby to take over")
        standby.services.intake.accept({**INCOME, "observation_id": "p-2b", "observed_at": "2025-09-03T10:20:00+08:00",
                                        "data": {**INCOME["data"], "period": "2025-08"}})
        wait_for(lambda: published(3), timeout=30, message=lambda: f"three records, seen {len(seen)}")
        published(99)  # whatever else arrives in one more poll
    finally:
        consumer.close()
    repeated = [event_id for event_id, n in Counter(e["event_id"] for e in seen).items() if n > 1]
    assert len(seen) == 3 and repeated == []
