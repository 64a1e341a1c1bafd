"""The fault tests' workload: a synthetic district posted as a field gateway would, and how to tell that a
deployment has settled on the open alerts of one uninterrupted run (`expected`, in conftest.py)."""

from __future__ import annotations

import json
import os
import time
from datetime import date
from typing import Any, Callable

from domain.households.clock import tick
from api.cli.demo.synthetic import generate_district
from tests.conftest import poll_until
from tests.faults.served import Served

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


def uninterrupted(served: Served, batches: list[list[dict[str, Any]]] = BATCHES) -> Alerts:
    """The open alerts of one uninterrupted run of the workload on a fresh process."""
    try:
        post_all(served.start(), batches)
        wait(lambda: settled(served), CONVERGE_DEADLINE_S, "the uninterrupted run to settle")
        return served.open_alerts()
    finally:
        served.stop()
