"""The household 360 view (一户一条救助链): coverage, applications and the timeline with both times."""

from __future__ import annotations

import httpx

from infra.runtime import Runtime
from tests.api.http.test_alert_queue_http import POOR, envelope


def test_coverage_applications_and_the_timeline(api: tuple[httpx.Client, Runtime]) -> None:
    client, runtime = api
    applied = envelope("q-3", "application.submitted", {"application": "APP-1", "programme": "dibao", "date": "2026-11-03"},
                       "2026-11-03T09:00:00+08:00")
    enrolled = envelope("q-4", "coverage.enrolled", {"programme": "dibao", "start": "2026-11-04"},
                        "2026-11-04T09:00:00+08:00")
    outcomes = runtime.intake.accept_batch([*POOR, applied, enrolled])
    assert [o.status for o in outcomes] == ["accepted"] * 4, [o.errors for o in outcomes]
    runtime.drain()
    view = client.get("/api/v1/households/CQ-Q1").json()
    assert [(c["programme"], c["start"]) for c in view["coverage"]] == [("dibao", "2026-11-04")]
    assert [(a["application"], a["programme"], a["decision"]) for a in view["applications"]] == [
        ("APP-1", "dibao", None)]
    assert [t["observation_id"] for t in view["timeline"]] == ["q-4", "q-3", "q-2", "q-1"]  # newest first
    assert all(t["recorded_at"] and t["observed_at"] and t["informant"] for t in view["timeline"])
