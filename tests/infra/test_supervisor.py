"""Loops never die silently: failures are counted, retried with backoff, and a dead loop restarts."""

from __future__ import annotations

import threading
from typing import Any

from infra.supervisor import SupervisedLoop, Supervisor


class Dies(BaseException):
    """Escapes `except Exception`, as a thread-killing error would."""


def test_a_failing_step_is_counted_retried_and_reported(wait_for: Any) -> None:
    calls = {"n": 0}

    def step() -> bool:
        calls["n"] += 1
        if calls["n"] <= 2:
            raise RuntimeError(f"boom {calls['n']}")
        return False

    loop = SupervisedLoop("flaky", step, idle_wait=0.01)
    loop.start()
    try:
        wait_for(lambda: calls["n"] >= 4, timeout=10)
        health = loop.health(lag=3)
        assert health.up and health.errors == 2 and health.lag == 3
        assert health.last_error == "RuntimeError: boom 2" and health.last_error_at
    finally:
        loop.stop()


def test_health_is_down_while_the_step_keeps_failing(wait_for: Any) -> None:
    def step() -> bool:
        raise ConnectionError("broker unreachable")

    loop = SupervisedLoop("down", step)
    loop.start()
    try:
        wait_for(lambda: loop.errors >= 1, timeout=10)
        report = loop.health().to_json()
        assert report["status"] == "down" and "broker unreachable" in report["last_error"]
    finally:
        loop.stop()


def test_a_loop_whose_thread_died_is_restarted_by_the_supervisor(wait_for: Any) -> None:
    calls = {"n": 0}
    ran_again = threading.Event()

    def step() -> bool:
        calls["n"] += 1
        if calls["n"] == 1:
            raise Dies()
        ran_again.set()
        return False

    loop = SupervisedLoop("dies", step, idle_wait=0.01)
    supervisor = Supervisor([loop], interval=0.05)
    threading.excepthook, saved = (lambda args: None), threading.excepthook  # the death is expected here
    try:
        loop.start()
        supervisor.start()
        wait_for(ran_again.is_set, timeout=10)
        assert loop.restarts == 1 and loop.health().restarts == 1
    finally:
        threading.excepthook = saved
        supervisor.stop()
        loop.stop()


def test_a_stopped_loop_is_not_restarted() -> None:
    loop = SupervisedLoop("stopped", lambda: False)
    loop.start()
    loop.stop()
    assert not loop.restart_if_dead() and loop.restarts == 0
