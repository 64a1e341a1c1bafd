"""What every process of a deployment must see alike, on SQLite and on PostgreSQL: the relay's positions and
dead letters, failed logins, and sessions — each written through one instance and read through another, as
two processes (or two hosts) would."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from argon2 import PasswordHasher

from domain.identity.login_throttle import LoginLocked
from infra.event_store import open_identity
from infra.kafka.relay import DeadLetter, DeadLetters
from infra.login_failures import SharedLoginThrottle
from infra.positions import PositionStore
from infra.settings import Settings
from infra.shared_tables import open_shared_tables
from tests.infra.shared_backends import backend_settings  # noqa: F401 - the fixture

T0 = datetime(2025, 11, 3, 9, 0, tzinfo=timezone.utc)
MINUTE = timedelta(minutes=1)
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def test_a_position_set_by_one_relay_is_where_another_resumes(backend_settings: Settings) -> None:
    first, second = (PositionStore(open_shared_tables(backend_settings, "relay")) for _ in range(2))
    assert second.get("relay:households") == 0
    first.set("relay:households", 41)
    first.set("relay:households", 42)
    assert second.get("relay:households") == 42 and second.get("relay:alerts") == 0
    first.close(), second.close()


def test_dead_letters_are_shared_and_a_repeated_one_is_kept_once(backend_settings: Settings) -> None:
    first, second = (DeadLetters(open_shared_tables(backend_settings, "relay")) for _ in range(2))
    letter = DeadLetter("households", 7, "household.registered", "h-1", "MessageSizeTooLargeError: 2 MB", "2025-11-03T09:00:00+00:00")
    first.add(letter)
    second.add(letter)
    assert second.all() == [letter] and first.count() == 1 and first.last() == letter
    first.close(), second.close()


def test_failures_on_one_api_process_lock_the_login_on_another(backend_settings: Settings) -> None:
    one, other = (SharedLoginThrottle(open_shared_tables(backend_settings, "logins")) for _ in range(2))
    for n in range(5):
        one.check(["user:wang", "address:10.0.0.1"], T0 + n * MINUTE)
        one.failed(["user:wang", "address:10.0.0.1"], T0 + n * MINUTE)
    with pytest.raises(LoginLocked) as locked:
        other.check(["user:wang"], T0 + 5 * MINUTE)
    assert locked.value.retry_after == 10 * 60  # the first failure (T0) leaves the window at T0 + 15 min
    other.check(["user:wang"], T0 + 15 * MINUTE)  # one failure fewer in the window: may try again
    other.check(["user:li"], T0 + 5 * MINUTE)  # other keys are not affected
    other.succeeded("user:wang")
    one.check(["user:wang"], T0 + 5 * MINUTE)  # a success clears the user's failures everywhere…
    with pytest.raises(LoginLocked):
        one.check(["address:10.0.0.1"], T0 + 5 * MINUTE)  # …never the address's


def test_the_table_keeps_no_user_name_or_address(backend_settings: Settings) -> None:
    tables = open_shared_tables(backend_settings, "logins")
    SharedLoginThrottle(tables).failed(["user:wang", "address:10.0.0.1"], T0)
    rows = tables.execute("SELECT key FROM login_failures")
    assert len(rows) == 2 and not any("wang" in key or "10.0.0.1" in key for (key,) in rows)


def test_failures_older_than_the_window_are_deleted(backend_settings: Settings) -> None:
    tables = open_shared_tables(backend_settings, "logins")
    throttle = SharedLoginThrottle(tables)
    throttle.failed(["user:wang"], T0)
    throttle.failed(["user:li"], T0 + 16 * MINUTE)
    assert tables.execute("SELECT COUNT(*) FROM login_failures")[0][0] == 1


def _wang(identity: Any) -> None:
    identity.add_missing_jurisdictions([("50", "重庆市"), ("5001", "市辖区"), ("500103", "渝中区")])
    identity.add_user("wang", "caseworker", "500103", password="a-long-enough-password-1")


def test_a_login_through_one_api_process_is_throttled_by_another(backend_settings: Settings) -> None:
    one, other = (open_identity(backend_settings, hasher=FAST) for _ in range(2))
    _wang(one)
    for _ in range(5):
        with pytest.raises(Exception) as failed:
            one.login("wang", "wrong-password-xx", "10.0.0.9")
        assert type(failed.value).__name__ == "LoginFailed"
    with pytest.raises(LoginLocked):
        other.login("wang", "a-long-enough-password-1", "10.0.0.9")


def test_a_session_opened_on_one_process_is_honoured_and_ended_on_another(backend_settings: Settings) -> None:
    one, other = (open_identity(backend_settings, hasher=FAST) for _ in range(2))
    _wang(one)
    token = one.login("wang", "a-long-enough-password-1", "10.0.0.9")
    assert other.authenticate(token) is not None and one.authenticate(token) is not None
    other.logout(token)
    assert one.authenticate(token) is None
    second = other.login("wang", "a-long-enough-password-1", "10.0.0.9")
    assert one.authenticate(second) is not None
    other.revoke("wang")
    assert one.authenticate(second) is None
