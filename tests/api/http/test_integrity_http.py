"""GET /api/v1/audit/integrity: auditors run the chain check over HTTP and see the heads and any break."""

from __future__ import annotations

from typing import Any

import httpx

from tests.infra.test_integrity import _sqlite
from tests.infra.test_pipeline import INCOME, REGISTER


def test_auditors_see_each_chain_and_its_break_over_http(served: tuple[str, Any, Any]) -> None:
    url, runtime, people = served
    assert [o.status for o in runtime.intake.accept_batch([REGISTER, INCOME])] == ["accepted"] * 2
    with httpx.Client(base_url=url, timeout=30) as client:
        assert client.get("/api/v1/audit/integrity", headers=people.headers("caseworker")).status_code == 403
        intact = client.get("/api/v1/audit/integrity", headers=people.headers("auditor")).json()
        households = next(a for a in intact["applications"] if a["application"] == "households")
        assert intact["ok"] and households["events"] >= 2
        assert households["head"] == runtime.households.recorder.chain_head().hash.hex()
        tamper, rows = _sqlite(runtime.settings)
        tamper("DELETE FROM stored_events WHERE rowid = 1")
        broken = client.get("/api/v1/audit/integrity", headers=people.headers("auditor"))
    assert broken.status_code == 200 and not broken.json()["ok"]
    [found] = [a["break"] for a in broken.json()["applications"] if a["break"]]
    assert (found["notification_id"], found["problem"]) == (1, "deleted")
