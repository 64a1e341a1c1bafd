"""Informants correct and retract their own observations over real HTTP on the real pipeline: the
household's alerts follow the observation in force, history keeps every version, and nobody else's
observation can be touched."""

from __future__ import annotations

from typing import Any

import httpx

from infra.runtime import Runtime
from tests.api.http.test_alert_workflow_http import another, poor_household, tick
from tests.people import People


def income(oid: str, household: str, amount: float) -> dict[str, Any]:
    return {"observation_id": oid, "observed_at": "2025-08-03T10:05:00+08:00", "kind": "household.income_reported",
            "household": household, "data": {"monthly_income": amount, "period": "2025-07", "income_type": "stable",
                                             "source": "declared"}}


def open_rules(client: httpx.Client, household: str) -> list[str]:
    alerts = client.get("/api/v1/alerts", params={"household": household, "status": "open"}).json()["alerts"]
    return sorted(a["rule"] for a in alerts)


def reported(api: tuple[httpx.Client, Runtime], people: People, household: str) -> None:
    """The grid's informant registers a poor household; MISSED.DIBAO is raised."""
    client, runtime = api
    sent = client.post("/api/v1/observations", json={"observations": poor_household(household)},
                       headers=people.headers("informant"))
    assert sent.status_code == 202, sent.text
    runtime.intake.accept(tick("2025-08-04"))
    runtime.drain()
    assert open_rules(client, household) == ["MISSED.DIBAO"]


def test_a_corrected_income_clears_the_alert_and_history_keeps_both(api: tuple[httpx.Client, Runtime],
                                                                      people: People) -> None:
    client, runtime = api
    reported(api, people, "CQ-C1")
    informant = people.headers("informant")
    fixed = client.post("/api/v1/observations/CQ-C1-2/correction", json=income("CQ-C1-3", "CQ-C1", 5000),
                        headers=informant)
    assert fixed.status_code == 202, fixed.text
    assert fixed.json() == {"observation_id": "CQ-C1-3", "status": "accepted", "household": "CQ-C1",
                            "corrects": "CQ-C1-2"}
    runtime.drain()
    assert open_rules(client, "CQ-C1") == []
    timeline = {e["observation_id"]: e for e in client.get("/api/v1/households/CQ-C1").json()["timeline"]}
    assert timeline["CQ-C1-2"]["status"] == "corrected" and timeline["CQ-C1-2"]["corrected_by"] == "CQ-C1-3"
    assert timeline["CQ-C1-3"]["status"] == "in_force" and timeline["CQ-C1-3"]["corrects"] == "CQ-C1-2"
    again = client.post("/api/v1/observations/CQ-C1-2/correction", json=income("CQ-C1-3", "CQ-C1", 5000),
                        headers=informant)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    stale = client.post("/api/v1/observations/CQ-C1-2/correction", json=income("CQ-C1-4", "CQ-C1", 4000),
                        headers=informant)
    assert stale.status_code == 409 and stale.headers["content-type"] == "application/problem+json"
    assert "CQ-C1-3" in stale.json()["errors"][0]["message_zh"]


def test_a_retraction_withdraws_the_observation_and_its_alert(api: tuple[httpx.Client, Runtime],
                                                              people: People) -> None:
    client, runtime = api
    reported(api, people, "CQ-C2")
    informant = people.headers("informant")
    withdrawn = client.post("/api/v1/observations/CQ-C2-2/retraction", json={"reason": "录错了户"}, headers=informant)
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "retracted"
    runtime.drain()
    assert "MISSED.DIBAO" not in open_rules(client, "CQ-C2")
    entry = next(e for e in client.get("/api/v1/households/CQ-C2").json()["timeline"]
                 if e["observation_id"] == "CQ-C2-2")
    assert entry["status"] == "retracted" and entry["retracted"]["reason"] == "录错了户"
    assert entry["retracted"]["by"] == "test-informant"
    twice = client.post("/api/v1/observations/CQ-C2-2/retraction", json={"reason": "again"}, headers=informant)
    assert twice.status_code == 200 and twice.json()["status"] == "duplicate"
    registration = client.post("/api/v1/observations/CQ-C2-1/retraction", json={"reason": "x"}, headers=informant)
    assert registration.status_code == 409


def test_nobody_touches_anyone_elses_observation(api: tuple[httpx.Client, Runtime], people: People) -> None:
    client, runtime = api
    reported(api, people, "CQ-C3")
    neighbour = another(runtime, "informant-same-grid", "informant", "500103001001-03")
    elsewhere = another(runtime, "informant-grid-4", "informant", "500103001001-04")
    # Another informant of the grid and the caseworker see the household but did not send it (403); an
    # informant of another grid does not see it (404); an auditor sees it but may submit nothing (403).
    for headers, status in ((neighbour, 403), (people.headers("caseworker"), 403), (elsewhere, 404),
                            (people.headers("auditor"), 403)):
        answer = client.post("/api/v1/observations/CQ-C3-2/correction", json=income(f"CQ-C3-x{status}", "CQ-C3", 1),
                             headers=headers)
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        withdrawn = client.post("/api/v1/observations/CQ-C3-2/retraction", json={"reason": "x"}, headers=headers)
        assert withdrawn.status_code == status
    runtime.drain()
    assert open_rules(client, "CQ-C3") == ["MISSED.DIBAO"]
    unknown = client.post("/api/v1/observations/NO-SUCH/retraction", json={"reason": "x"},
                          headers=people.headers("informant"))
    assert unknown.status_code == 404


def test_a_correction_is_validated_like_any_observation(api: tuple[httpx.Client, Runtime], people: People) -> None:
    client, _ = api
    reported(api, people, "CQ-C4")
    informant = people.headers("informant")
    bad = client.post("/api/v1/observations/CQ-C4-2/correction", json=income("CQ-C4-3", "CQ-C4", -5),
                      headers=informant)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "data.monthly_income"
    other_kind = {**income("CQ-C4-3", "CQ-C4", 5), "kind": "household.hardship_reported",
                  "data": {"signal": "no_food", "urgency": "soon"}}
    refused = client.post("/api/v1/observations/CQ-C4-2/correction", json=other_kind, headers=informant)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "kind", refused.text
    not_json = client.post("/api/v1/observations/CQ-C4-2/correction", content=b"{", headers=informant)
    assert not_json.status_code == 400
    blank = client.post("/api/v1/observations/CQ-C4-2/retraction", json={"reason": " "}, headers=informant)
    assert blank.status_code == 422


def test_a_corrected_registration_shows_in_the_household_view(api: tuple[httpx.Client, Runtime],
                                                               people: People) -> None:
    client, runtime = api
    reported(api, people, "CQ-C5")
    registration = poor_household("CQ-C5")[0]
    member = {**registration["data"]["members"][0], "name": "陈某某"}
    fixed = {**registration, "observation_id": "CQ-C5-1b", "data": {**registration["data"], "members": [member],
                                                                    "address": "渝中区某街道某社区4栋"}}
    answer = client.post("/api/v1/observations/CQ-C5-1/correction", json=fixed, headers=people.headers("informant"))
    assert answer.status_code == 202, answer.text
    runtime.drain()
    view = client.get("/api/v1/households/CQ-C5").json()  # the caseworker sees full names
    assert view["address"] == "渝中区某街道某社区4栋"
    assert [m["name"] for m in view["members"]] == ["陈某某"]
    assert open_rules(client, "CQ-C5") == ["MISSED.DIBAO"]
