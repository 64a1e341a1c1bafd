"""Supervisors see coverage-gap statistics by community × rule, only under their jurisdiction."""

from __future__ import annotations

import httpx

from infra.runtime import Runtime
from tests.api.http.test_alert_queue_http import POOR, tick
from tests.people import People


def test_statistics_by_community_and_rule(api: tuple[httpx.Client, Runtime], people: People) -> None:
    client, runtime = api
    runtime.intake.accept_batch([*POOR, tick("2026-11-02")])
    runtime.drain()
    (alert,) = client.get("/api/v1/alerts", params={"status": "open"}).json()["alerts"]
    client.post(f"/api/v1/alerts/{alert['alert_id']}/acknowledge", json={})
    runtime.intake.accept(tick("2026-11-04"))
    client.post(f"/api/v1/alerts/{alert['alert_id']}/resolve", json={"outcome": "enrolled", "note": "已纳入"})
    runtime.drain()

    response = client.get("/api/v1/statistics/gaps", headers=people.headers("supervisor"))
    assert response.status_code == 200, response.text
    (row,) = response.json()["communities"]
    # resolved without an enrolment observation, the facts still hold: a new episode opened (RULES.md § Alerts)
    assert row == {"community": "500103001001", "rule": "MISSED.DIBAO", "open": 1, "found_this_month": 2,
                   "verified": 0, "resolved_by_outcome": {"enrolled": 1}, "median_days_to_acknowledge": 0,
                   "median_days_to_resolve": 2}
    assert response.json()["region"] == "500103001"
    elsewhere = client.get("/api/v1/statistics/gaps", params={"region": "510500"}, headers=people.headers("supervisor"))
    assert elsewhere.json()["region"] == "500103001"  # a region outside one's own is narrowed back to it
    assert client.get("/api/v1/statistics/gaps").status_code == 403  # caseworkers have no statistics
