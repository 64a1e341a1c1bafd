"""Failed-login limits: at most `max_failures` failures per key (a user name, a client address) in
a sliding `window`, then `LoginLocked` with the seconds until the next try may be made.

Why both keys: per user stops guessing one account's password from many addresses, per address
stops one client trying many accounts. `LoginThrottle` keeps the failures in memory (unit tests, one
process); deployments plug in a shared store (`infra.login_failures`) so every API process, on any
host, counts the same failures. A successful login clears its user's failures, never its address's (an attacker's own account
must not reset the address count).
"""

from __future__ import annotations

import math
from collections import deque
from datetime import datetime, timedelta
from threading import Lock
from typing import Iterable, Protocol, Sequence

from domain.identity.user import UserError

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
MAX_KEYS = 100_000  # past this many keys, expired ones are swept (bounded memory under a spray)


class LoginLocked(UserError):
    """Too many failed logins for this user or address; `retry_after` seconds until the next try."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"登录失败次数过多，请在 {retry_after} 秒后再试",
                         f"too many failed logins; try again in {retry_after} s")
        self.retry_after = retry_after


class Throttle(Protocol):
    """What the identity application asks of a throttle, wherever it keeps the failures."""

    def check(self, keys: Iterable[str], now: datetime) -> None: ...

    def failed(self, keys: Iterable[str], now: datetime) -> None: ...

    def succeeded(self, key: str) -> None: ...


def wait_seconds(recent: Sequence[datetime], now: datetime, max_failures: int, window: timedelta) -> float:
    """Seconds until a key with these failures (oldest first, all within the window) may try again."""
    if len(recent) < max_failures:
        return 0.0
    return max(0.0, (recent[-max_failures] + window - now).total_seconds())


def locked(waits: Iterable[float]) -> None:
    """Raise LoginLocked for the longest wait, if any key must wait."""
    longest = max(waits, default=0.0)
    if longest > 0:
        raise LoginLocked(max(1, math.ceil(longest)))


class LoginThrottle:
    """Counts failures per key within the window (thread-safe: requests run in a thread pool)."""

    def __init__(self, max_failures: int = MAX_FAILURES, window: timedelta = WINDOW) -> None:
        self.max_failures = max_failures
        self.window = window
        self._failures: dict[str, deque[datetime]] = {}
        self._lock = Lock()

    def check(self, keys: Iterable[str], now: datetime) -> None:
        """Raise LoginLocked when any key has reached the limit within the window."""
        with self._lock:
            waits = [self._wait(key, now) for key in keys]
        locked(waits)

    def failed(self, keys: Iterable[str], now: datetime) -> None:
        with self._lock:
            if len(self._failures) > MAX_KEYS:
                self._sweep(now)
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str, now: datetime) -> deque[datetime]:
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def _wait(self, key: str, now: datetime) -> float:
        """Seconds until `key` may try again (0: it may now)."""
        failures = self._recent(key, now)
        if not failures:
            self._failures.pop(key, None)
            return 0.0
        return wait_seconds(list(failures), now, self.max_failures, self.window)

    def _sweep(self, now: datetime) -> None:
        for key in list(self._failures):
            if not self._recent(key, now):
                del self._failures[key]
