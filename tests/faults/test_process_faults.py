"""Fault tests on real processes: `qianshao serve` killed with `kill -9` mid-stream, and its broker
frozen past the producer's delivery timeout and then killed or resumed.

Each fault run gets the same synthetic district as one uninterrupted run, and must end with exactly
the open alerts that run ended with, slot by slot (household, rule, subject): none lost, none
duplicated. Waiting is polling with a deadline.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.faults.served import Served, pid_alive
from tests.faults.workload import BATCHES, DELIVERY_TIMEOUT_MS, Alerts, converge, post_all, report, wait


def test_kill_9_mid_stream_twice_then_restart_loses_and_doubles_nothing(expected: Alerts, tmp_path: Path) -> None:
    data = tmp_path / "data"
    cuts = [len(BATCHES) // 3, 2 * len(BATCHES) // 3]
    pieces = [BATCHES[: cuts[0]], BATCHES[cuts[0] : cuts[1]], BATCHES[cuts[1] :]]
    for piece in pieces[:-1]:
        served = Served(data).start()
        broker = served.broker_pid()
        post_all(served, piece)
        served.kill_9()  # at once: relay, rules and projections are still working on what was posted
        wait(lambda: not pid_alive(broker), 30, "the embedded broker to die with its parent")
    served = Served(data).start()
    try:
        post_all(served, pieces[-1])
        seconds = converge(served, expected)
        found = served.open_alerts()
        assert found == expected
        report("kill -9 twice mid-stream", expected, found, seconds)
    finally:
        served.stop()


@pytest.mark.parametrize("ending", ["killed", "resumed"])
def test_a_broker_down_past_the_delivery_timeout_loses_nothing(expected: Alerts, tmp_path: Path, ending: str) -> None:
    served = Served(tmp_path / "data", env={"QIANSHAO_DELIVERY_TIMEOUT_MS": str(DELIVERY_TIMEOUT_MS)}).start()
    try:
        half = len(BATCHES) // 2
        post_all(served, BATCHES[:half])
        broker = served.broker_pid()
        os.kill(broker, signal.SIGSTOP)  # the broker stops answering, its connections stay open
        post_all(served, BATCHES[half:])  # intake does not need the broker

        def relay_gave_up_on_a_send() -> bool:
            health = served.health()
            return bool(health and health["http_status"] == 503 and "broker" in health["down"]
                        and health["components"]["relay"]["errors"] >= 1
                        and health["components"]["relay"]["lag"] > 0)

        wait(relay_gave_up_on_a_send, 60, lambda: f"health to report the broker down and the relay behind: {served.health()}")
        health = served.health()
        assert health is not None and health["status"] == "degraded"
        if ending == "killed":
            os.kill(broker, signal.SIGKILL)  # comes back empty: the keeper restarts it on the same port
        else:
            os.kill(broker, signal.SIGCONT)
        seconds = converge(served, expected)
        found = served.open_alerts()
        assert found == expected
        after = served.health()
        assert after is not None and after["components"]["broker"]["restarts"] == (1 if ending == "killed" else 0)
        report(f"broker frozen past the delivery timeout, then {ending}", expected, found, seconds)
    finally:
        served.stop()
