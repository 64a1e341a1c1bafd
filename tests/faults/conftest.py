"""One uninterrupted run of the fault workload, shared by every fault test that compares against it."""

from __future__ import annotations

import pytest

from tests.faults.served import Served
from tests.faults.workload import Alerts, uninterrupted


@pytest.fixture(scope="session")
def expected(tmp_path_factory: pytest.TempPathFactory) -> Alerts:
    """The open alerts of one uninterrupted run of the workload (embedded backends, one process)."""
    alerts = uninterrupted(Served(tmp_path_factory.mktemp("uninterrupted")))
    assert len(alerts) > 20, "the district should raise a fair number of alerts"
    return alerts
