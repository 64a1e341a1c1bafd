"""End to end over real HTTP: post observations, read alerts and households, act on alerts."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from infra.runtime import Runtime
from tests.people import People

HOUSEHOLD = "CQ-H1"


def envelope(oid: str, kind: str, data: dict[str, Any], at: str = "2025-08-03T10:00:00+08:00", **extra: Any) -> dict:
    return {"observation_id": oid, "informant": "grid-7", "observed_at": at, "kind": kind,
            "household": HOUSEHOLD, "data": data, **extra}


REGISTER = envelope("h-1", "household.registered", {
    "region": "500103001001", "grid": "500103001001-03", "address": "渝中区某街道某社区3栋", "hukou": "urban",
    "members": [{"resident": "CQ-H1-1", "name": "陈某", "sex": "F", "birth_date": "1969-11-05", "relation": "head"}]})
INCOME = envelope("h-2", "household.income_reported",
                  {"monthly_income": 500, "period": "2025-07", "income_type": "stable", "source": "declared"},
                  at="2025-08-03T10:05:00+08:00")


def test_health_needs_nothing_and_shows_details_to_an_operator(api: tuple[httpx.Client, Runtime],
                                                                people: People) -> None:
    client, runtime = api
    body = httpx.get(f"{client.base_url}/health").json()
    assert body["status"] == "ok" and "kafka" not in body and body["components"]["relay"] == {"status": "up"}
    full = client.get("/health", headers=people.headers("admin")).json()
    assert full["kafka"] == runtime.kafka and "lag" in full["components"]["relay"]


def test_posted_observation_becomes_a_visible_alert(api: tuple[httpx.Client, Runtime]) -> None:
    client, runtime = api
    assert client.post("/api/v1/observations", json=REGISTER).status_code == 202
    response = client.post("/api/v1/observations", json={"observations": [INCOME]})
    assert response.status_code == 202 and response.json()["accepted"] == 1
    runtime.drain()
    alerts = client.get("/api/v1/alerts", params={"household": HOUSEHOLD, "status": "open"}).json()["alerts"]
    assert [a["rule"] for a in alerts] == ["MISSED.DIBAO"]
    alert = client.get(f"/api/v1/alerts/{alerts[0]['alert_id']}").json()
    assert alert["title"]["zh"] == "收入低于低保标准但未纳入低保"
    assert alert["explanation"]["parameters"]["dibao.standard_monthly.urban"]["value"] == 770
    household = client.get(f"/api/v1/households/{HOUSEHOLD}").json()
    assert household["members"][0]["name"] == "陈某" and len(household["alerts"]) == 1
    assert household["assessment"]["subjects"][0]["facts"]["pc_income"] == 500


def test_bad_item_is_named_and_good_items_survive(api: tuple[httpx.Client, Runtime]) -> None:
    client, _ = api
    bad = envelope("h-3", "household.income_reported", {"monthly_income": -1, "period": "2025-07",
                                                        "income_type": "stable", "source": "declared"})
    response = client.post("/api/v1/observations", json={"observations": [REGISTER, bad, INCOME]})
    assert response.status_code == 207
    body = response.json()
    assert [r.get("status") for r in body["results"]] == ["accepted", 422, "accepted"]
    assert any(e["field"] == "data.monthly_income" for e in body["results"][1]["errors"])


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        (dict(REGISTER, observation_id="b-1", kind="household.unknown"), 422, "kind"),
        (dict(INCOME, observation_id="b-2", observed_at="2025-02-30T10:00:00+08:00"), 422, "observed_at"),
        (dict(INCOME, observation_id="b-3", household="NO-SUCH"), 404, "household"),
        (dict(REGISTER, observation_id="b-4"), 409, "household"),
        (dict(INCOME, observation_id="b-5", observed_at="2099-01-01T00:00:00+08:00"), 422, "observed_at"),
        (dict(INCOME, observation_id="b-6", data=dict(INCOME["data"], income_type="sometimes")), 422,
         "data.income_type"),
        (dict(REGISTER, observation_id="b-7", household="CQ-H2", data=dict(REGISTER["data"], members=[
            dict(REGISTER["data"]["members"][0], resident="CQ-H2-1", id_number="11010519491231002X")])), 422,
         "data.members[0].id_number"),
        (dict(INCOME, observation_id="b-8", kind="resident.died", resident="CQ-NOBODY", data={"date": "2025-08-01"}),
         404, "resident"),
    ],
)
def test_single_bad_envelope_gets_problem_json(api: tuple[httpx.Client, Runtime], payload: dict, status: int,
                                               field: str) -> None:
    client, _ = api
    client.post("/api/v1/observations", json=REGISTER)
    response = client.post("/api/v1/observations", json=payload)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in response.json()["errors"]]


def test_malformed_json_is_a_400_problem(api: tuple[httpx.Client, Runtime]) -> None:
    client, _ = api
    response = client.post("/api/v1/observations", content=b"{nope", headers={"content-type": "application/json"})
    assert response.status_code == 400 and "JSON" in response.json()["detail"]


def test_resent_observation_is_a_duplicate(api: tuple[httpx.Client, Runtime]) -> None:
    client, _ = api
    assert client.post("/api/v1/observations", json=REGISTER).status_code == 202
    again = client.post("/api/v1/observations", json=REGISTER)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    # The informant is the authenticated user, whatever the body says: still the same observation.
    renamed = client.post("/api/v1/observations", json=dict(REGISTER, informant="someone-else"))
    assert renamed.status_code == 200 and renamed.json()["status"] == "duplicate"
    reused = client.post("/api/v1/observations", json=dict(REGISTER, observed_at="2025-08-03T11:00:00+08:00"))
    assert reused.status_code == 409


def test_resolve_not_eligible_closes_and_snoozes(api: tuple[httpx.Client, Runtime]) -> None:
    client, runtime = api
    client.post("/api/v1/observations", json={"observations": [REGISTER, INCOME]})
    runtime.drain()
    alert_id = client.get("/api/v1/alerts", params={"household": HOUSEHOLD}).json()["alerts"][0]["alert_id"]
    acknowledged = client.post(f"/api/v1/alerts/{alert_id}/acknowledge", json={})
    assert acknowledged.status_code == 200 and acknowledged.json()["acknowledged_by"] == "test-caseworker"
    bad = client.post(f"/api/v1/alerts/{alert_id}/resolve", json={"outcome": "maybe"})
    assert bad.status_code == 422
    done = client.post(f"/api/v1/alerts/{alert_id}/resolve", json={"outcome": "not_eligible"})
    assert done.json()["status"] == "closed"
    client.post("/api/v1/observations", json=envelope("h-9", "household.visited", {"purpose": "verification"},
                                                      at="2025-08-10T10:00:00+08:00"))
    runtime.drain()
    assert client.get("/api/v1/alerts", params={"household": HOUSEHOLD, "status": "open"}).json()["total"] == 0


def test_unknown_alert_is_a_404_problem(api: tuple[httpx.Client, Runtime]) -> None:
    client, _ = api
    response = client.get("/api/v1/alerts/does-not-exist")
    assert response.status_code == 404 and response.headers["content-type"].startswith("application/problem+json")


def test_administrator_raises_the_standard_and_households_are_judged_again(api: tuple[httpx.Client, Runtime],
                                                                         people: People) -> None:
    client, runtime = api
    above = dict(INCOME, data=dict(INCOME["data"], monthly_income=800))
    client.post("/api/v1/observations", json={"observations": [REGISTER, above]})
    runtime.drain()
    dibao = {"household": HOUSEHOLD, "rule": "MISSED.DIBAO", "status": "open"}
    assert client.get("/api/v1/alerts", params=dibao).json()["total"] == 0
    new_value = {"name": "dibao.standard_monthly.urban", "region": "500103", "from": "2025-07-01", "value": 900,
                 "reason": "2025 adjustment"}
    assert client.post("/api/v1/parameters", json=new_value, headers=people.headers("admin")).status_code == 201
    runtime.drain()
    alerts = client.get("/api/v1/alerts", params=dibao).json()["alerts"]
    assert [a["rule"] for a in alerts] == ["MISSED.DIBAO"]
    assert alerts[0]["explanation"]["parameters"]["dibao.standard_monthly.urban"] == {
        "value": 900, "region": "500103", "from": "2025-07-01"}
    in_force = client.get("/api/v1/parameters", params={"region": "500103001001", "on": "2025-08-03"}).json()
    assert in_force["values"]["dibao.standard_monthly.urban"]["value"] == 900
    assert "rigid.prev_year_pc_disposable_income" in in_force["missing"]


def test_unknown_parameter_is_refused(api: tuple[httpx.Client, Runtime], people: People) -> None:
    client, _ = api
    response = client.post("/api/v1/parameters", json={"name": "no.such", "region": "500103", "from": "2025-01-01",
                                                        "value": 1}, headers=people.headers("admin"))
    assert response.status_code == 422 and "no.such" in response.json()["detail"]
