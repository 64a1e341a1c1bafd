"""Failed-login limits: five failures per key in fifteen minutes, then locked until the oldest expires."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from domain.identity.login_throttle import LoginLocked, LoginThrottle

T0 = datetime(2025, 11, 3, 9, 0, tzinfo=timezone.utc)
MINUTE = timedelta(minutes=1)


def test_the_fifth_failure_locks_until_the_first_leaves_the_window() -> None:
    throttle = LoginThrottle()
    for n in range(4):
        throttle.failed(["user:wang"], T0 + n * MINUTE)
        throttle.check(["user:wang"], T0 + n * MINUTE)
    throttle.failed(["user:wang"], T0 + 4 * MINUTE)
    with pytest.raises(LoginLocked) as locked:
        throttle.check(["user:wang"], T0 + 5 * MINUTE)
    assert locked.value.retry_after == 10 * 60  # the first failure (T0) leaves the window at T0 + 15 min
    assert "请在 600 秒后再试" in str(locked.value) and "try again in 600 s" in str(locked.value)
    throttle.check(["user:wang"], T0 + 15 * MINUTE)  # one failure fewer in the window: may try again
    throttle.check(["user:li"], T0 + 5 * MINUTE)  # other keys are not affected


def test_any_locked_key_locks_and_the_longest_wait_is_given() -> None:
    throttle = LoginThrottle(max_failures=2, window=timedelta(minutes=15))
    throttle.failed(["address:10.0.0.1"], T0)
    throttle.failed(["address:10.0.0.1", "user:wang"], T0 + MINUTE)
    throttle.failed(["user:wang"], T0 + 3 * MINUTE)
    with pytest.raises(LoginLocked) as locked:
        throttle.check(["user:wang", "address:10.0.0.1"], T0 + 4 * MINUTE)
    assert locked.value.retry_after == 12 * 60  # wang unlocks at T0+16 min, the address at T0+15 min


def test_success_clears_only_the_users_failures() -> None:
    throttle = LoginThrottle(max_failures=2)
    throttle.failed(["user:wang", "address:a"], T0)
    throttle.failed(["user:wang", "address:a"], T0)
    throttle.succeeded("user:wang")
    throttle.check(["user:wang"], T0)
    with pytest.raises(LoginLocked):
        throttle.check(["address:a"], T0)


def test_a_wait_under_a_second_is_still_one_second() -> None:
    throttle = LoginThrottle(max_failures=1)
    throttle.failed(["user:wang"], T0)
    with pytest.raises(LoginLocked) as locked:
        throttle.check(["user:wang"], T0 + timedelta(minutes=15) - timedelta(milliseconds=10))
    assert locked.value.retry_after == 1
