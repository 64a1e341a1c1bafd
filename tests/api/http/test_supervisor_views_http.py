"""The supervisor's views over real HTTP: escalations still waiting for a caseworker, and what each
informant of the street recorded (observations, visits, corrections, retractions, verifications)."""

from __future__ import annotations

import httpx

from infra.runtime import Runtime
from tests.api.http.test_alert_queue_http import POOR, tick
from tests.api.http.test_alert_workflow_http import poor_household
from tests.people import GRID, People


def test_an_alert_nobody_acknowledged_waits_on_the_escalation_list(api: tuple[httpx.Client, Runtime],
                                                                    people: People) -> None:
    client, runtime = api
    runtime.intake.accept_batch([*POOR, tick("2026-11-02")])
    runtime.drain()
    supervisor = people.headers("supervisor")
    assert client.get("/api/v1/escalations", headers=supervisor).json()["total"] == 0
    runtime.intake.accept(tick("2026-11-09"))  # past sla.ack.high (3 working days): escalated by the rules
    runtime.drain()
    listed = client.get("/api/v1/escalations", headers=supervisor).json()
    assert listed["total"] == 1
    (alert,) = listed["alerts"]
    assert alert["rule"] == "MISSED.DIBAO" and alert["escalated_on"] == "2026-11-09" and alert["days_escalated"] == 0
    assert listed["by_community"] == [{"community": "500103001001", "escalated": 1,
                                       "oldest_escalated_on": "2026-11-09", "unassigned": 1}]
    elsewhere = client.get("/api/v1/escalations", params={"region": "500103002"}, headers=supervisor).json()
    assert elsewhere["total"] == 1 and elsewhere["region"] == "500103001"  # not under theirs: their own area
    assert client.post(f"/api/v1/alerts/{alert['alert_id']}/acknowledge", json={}).status_code == 200
    runtime.drain()
    assert client.get("/api/v1/escalations", headers=supervisor).json()["total"] == 0


def test_informant_activity_counts_what_each_informant_recorded(api: tuple[httpx.Client, Runtime],
                                                                 people: People) -> None:
    client, runtime = api
    informant = people.headers("informant")
    assert client.post("/api/v1/observations", json={"observations": poor_household("CQ-A1")},
                       headers=informant).status_code == 202
    visit = {"observation_id": "CQ-A1-v", "observed_at": "2025-08-05T10:00:00+08:00", "kind": "household.visited",
             "household": "CQ-A1", "data": {"purpose": "routine"}}
    assert client.post("/api/v1/observations", json=visit, headers=informant).status_code == 202
    assert client.post("/api/v1/observations/CQ-A1-v/retraction", json={"reason": "走错了门"},
                       headers=informant).status_code == 200
    runtime.intake.accept(tick("2025-08-06"))
    runtime.drain()
    (alert,) = client.get("/api/v1/alerts", params={"household": "CQ-A1"}).json()["alerts"]
    assert client.post(f"/api/v1/alerts/{alert['alert_id']}/acknowledge", json={}).status_code == 200
    assert client.post(f"/api/v1/alerts/{alert['alert_id']}/request-verification", json={}).status_code == 200
    runtime.drain()
    assert client.post(f"/api/v1/alerts/{alert['alert_id']}/verification", json={"outcome": "found_as_reported"},
                       headers=informant).status_code == 200
    runtime.drain()
    rows = client.get("/api/v1/statistics/informants", headers=people.headers("supervisor")).json()["informants"]
    mine = [r for r in rows if r["informant"] == "test-informant"]
    assert len(mine) == 1
    row = mine[0]
    assert (row["grid"], row["observations"], row["registrations"], row["visits"], row["retractions"],
            row["verifications"]) == (GRID, 3, 1, 1, 1, 1)
    none_later = client.get("/api/v1/statistics/informants", params={"from": "2999-01"},
                            headers=people.headers("auditor")).json()["informants"]
    assert none_later == []
    bad = client.get("/api/v1/statistics/informants", params={"from": "2025-13"}, headers=people.headers("auditor"))
    assert bad.status_code == 422
