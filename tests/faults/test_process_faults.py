"""Fault tests on real processes: `qianshao serve` killed with `kill -9` mid-stream, and its broker
frozen past the producer's delivery timeout and then killed or resumed.

Each fault run gets the same synthetic district as one uninterrupted run, and must end with exactly
the open alerts that run ended with, slot by slot (household, rule, subject): none lost, none
duplicated. Waiting is polling with a deadline.
"""

from __future__ import annotations

import json
import os
import signal
import time
from datetime import date
from pathlib import Path
from typing import Any, Callable

import pytest

from domain.households.clock import tick
from api.cli.demo.synthetic import generate_district
from tests.conftest import poll_until
from tests.faults.served import Served, pid_alive

HOUSEHOLDS = 300
AS_OF = date(2026, 11, 30)
BATCH = 100
CONVERGE_DEADLINE_S = float(os.environ.get("QIANSHAO_FAULT_DEADLINE_S", "120"))
DELIVERY_TIMEOUT_MS = 3000

Alerts = list[tuple[str, str, str]]


def workload() -> list[list[dict[str, Any]]]:
    """The district's observations in batches as a field gateway would post them, the day's tick last."""
    # in the test caseworker's county (tests/people), who posts them
    envelopes = generate_district(seed=6, households=HOUSEHOLDS, county="500103", as_of=AS_OF) + [tick(AS_OF, "faults")]
    return [envelopes[i : i + BATCH] for i in range(0, len(envelopes), BATCH)]


BATCHES = workload()


def post_all(served: Served, batches: list[list[dict[str, Any]]]) -> None:
    """Field and programme records as the district's caseworker; the day's tick as the integration user."""
    for batch in batches:
        for role, items in (("caseworker", [e for e in batch if e["kind"] != "clock.tick"]),
                            ("integration", [e for e in batch if e["kind"] == "clock.tick"])):
            if not items:
                continue
            response = served.post(items, role)
            assert response.status_code in (202, 207), response.text[:500]
            statuses = {item["status"] for item in response.json()["results"]}
            assert statuses <= {"accepted", "duplicate"}, response.text[:500]


def settled(served: Served) -> bool:
    """Healthy, and nothing behind the stores anywhere."""
    report = served.health()
    if report is None or report["status"] != "ok":
        return False
    return all(not c.get("lag") for c in report["components"].values())


def wait(predicate: Callable[[], Any], deadline_s: float, what: str | Callable[[], str]) -> float:
    """Poll until `predicate()` holds (the suite's `poll_until`); the seconds it took."""
    started = time.monotonic()
    poll_until(predicate, timeout=deadline_s, interval=0.2, message=what)
    return time.monotonic() - started


def converge(served: Served, expected: Alerts) -> float:
    """Seconds until the open alerts equal `expected` and the pipeline has settled."""
    def differences() -> str:
        found = served.open_alerts()
        missing = [a for a in expected if a not in found]
        unexpected = [a for a in found if a not in expected or found.count(a) > 1]
        return (f"the {len(expected)} expected open alerts; missing {missing[:10]}, "
                f"unexpected or repeated {unexpected[:10]}; health {served.health()}")

    return wait(lambda: settled(served) and served.open_alerts() == expected, CONVERGE_DEADLINE_S, differences)


def report(fault: str, expected: Alerts, found: Alerts, seconds: float) -> None:
    print(json.dumps({"fault": fault, "households": HOUSEHOLDS, "alerts_expected": len(expected),
                      "alerts_found": len(found), "converged_s": round(seconds, 1)}))


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> Alerts:
    """The open alerts of one uninterrupted run of the workload."""
    served = Served(tmp_path_factory.mktemp("uninterrupted")).start()
    try:
        post_all(served, BATCHES)
        wait(lambda: settled(served), CONVERGE_DEADLINE_S, "the uninterrupted run to settle")
        alerts = served.open_alerts()
    finally:
        served.stop()
    assert len(alerts) > 20, "the district should raise a fair number of alerts"
    return alerts


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
