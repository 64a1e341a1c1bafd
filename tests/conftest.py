"""Shared fixtures: one real embedded broker per test session, and polling with a deadline."""

from __future__ import annotations

import time
from typing import Callable, Iterator

import pytest

from infra.broker import EmbeddedBroker


@pytest.fixture(scope="session")
def broker() -> Iterator[EmbeddedBroker]:
    running = EmbeddedBroker().start()
    yield running
    running.stop()


def poll_until(predicate: Callable[[], bool], timeout: float = 10.0, interval: float = 0.05) -> None:
    """Call `predicate` until it is true; fail with a clear message at the deadline."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"condition {getattr(predicate, '__name__', predicate)} not met within {timeout}s")
        time.sleep(interval)  # the polling interval of a deadline-bounded wait


@pytest.fixture()
def wait_for() -> Callable[..., None]:
    return poll_until
