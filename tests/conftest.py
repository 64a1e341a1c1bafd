"""Shared fixtures: one real embedded broker for the test session, and polling with a deadline.

Tests never sleep for a fixed time: they poll a condition with `wait_for`, which
fails with a clear message when the deadline passes.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import pytest

from infra.broker import EmbeddedBroker

T = TypeVar("T")


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    """One Tansu broker for the whole session; its log is kept under pytest's temp directory."""
    log_dir: Path = tmp_path_factory.mktemp("broker")
    with EmbeddedBroker(log_dir=log_dir) as running:
        yield running


def poll_until(
    predicate: Callable[[], T], timeout: float = 10.0, interval: float = 0.05, message: str | None = None
) -> T:
    """Call `predicate` until it returns something truthy and return that; fail at the deadline."""
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        if time.monotonic() > deadline:
            what = message or getattr(predicate, "__name__", repr(predicate))
            pytest.fail(f"waited {timeout}s for {what}; last result: {result!r}")
        time.sleep(interval)  # the polling interval of a deadline-bounded wait
    return result


@pytest.fixture()
def wait_for() -> Callable[..., object]:
    """`wait_for(predicate, timeout=10.0, interval=0.05, message=None)`: see `poll_until`."""
    return poll_until
