"""Shared fixtures: one real embedded broker for the test session, and polling with a deadline.

Tests never sleep for a fixed time: they poll a condition with `wait_for`, which
fails with a clear message when the deadline passes.

Property tests run under a Hypothesis profile chosen here, before any test module is imported
(a `@settings(...)` decorator inherits from the profile loaded when it runs): with `CI=true` the
`ci` profile (derandomized: the same examples on every run, so CI never turns red at random), else
the randomized `dev` profile (new examples each run, so local runs keep exploring).
`pytest --hypothesis-profile=<name>` still overrides either.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import pytest
from hypothesis import HealthCheck, settings

from infra.kafka.broker import EmbeddedBroker

# --- Hypothesis profiles (self-contained; keep at the top) -----------------------------------------
# `ci`: derandomize (examples seeded from each test, so a failure reproduces and nothing flips at
# random), a fixed example count, no deadline and no too_slow check (timing would make a slow runner
# fail), no example database (derandomize implies none) and print_blob so a failure names its input.
settings.register_profile(
    "ci", settings.get_profile("default"), derandomize=True, max_examples=100, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# `dev`: Hypothesis' randomized defaults, loaded explicitly: Hypothesis itself would switch to its own
# `ci` profile whenever a variable named CI exists (even CI=false).
settings.register_profile("dev", settings.get_profile("default"))
settings.load_profile("ci" if os.environ.get("CI", "").strip().lower() == "true" else "dev")

# Keys that `serve`/`demo` create for new data directories go to a scratch directory, never the
# real ~/.config/qianshao/keys (set before any test, so child processes inherit it too).
os.environ["QIANSHAO_KEY_DIR"] = tempfile.mkdtemp(prefix="qianshao-test-keys-")

T = TypeVar("T")


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    """One Tansu broker for the whole session; its log is kept under pytest's temp directory."""
    log_dir: Path = tmp_path_factory.mktemp("broker")
    with EmbeddedBroker(log_dir=log_dir) as running:
        yield running


def poll_until(
    predicate: Callable[[], T], timeout: float = 10.0, interval: float = 0.05,
    message: str | Callable[[], str] | None = None,
) -> T:
    """Call `predicate` until it returns something truthy and return that; fail at the deadline
    (`message` may be a callable, to describe the state at that moment)."""
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        if time.monotonic() > deadline:
            what = message() if callable(message) else message or getattr(predicate, "__name__", repr(predicate))
            pytest.fail(f"waited {timeout}s for {what}; last result: {result!r}")
        time.sleep(interval)  # the polling interval of a deadline-bounded wait
    return result


@pytest.fixture()
def wait_for() -> Callable[..., object]:
    """`wait_for(predicate, timeout=10.0, interval=0.05, message=None)`: see `poll_until`."""
    return poll_until
