"""Leads over real HTTP on the real pipeline: the supervisor lists the leads of their street and sends one to a
grid's informant, who sees it among their tasks and registers the household with that ID number, which closes
the lead as found; refusals as problem+json (other roles, other streets, unknown grids, closed leads)."""

from __future__ import annotations

from typing import Any

import httpx
from stdnum.cn import ric

from domain.leads.lead import LeadDraft
from infra.runtime import Runtime
from tests.people import GRID, People

PERSON = "50010320100303004" + ric.calc_check_digit("50010320100303004" + "0")
OTHER = "50010319700202003" + ric.calc_check_digit("50010319700202003" + "0")


def raise_leads(runtime: Runtime) -> None:
    """Two leads in the supervisor's street (500103001), one in the next street: as an import raises them."""
    households = runtime.services.households

    def draft(lead_id: str, id_number: str, region: str) -> LeadDraft:
        return LeadDraft(lead_id, "education", "辍学学生，辖区内无人上报", "school dropout nobody reported",
                         households.keyed(id_number), id_number[:2] + "*" * 16, "王小明", region, "七星岗某路1号",
                         {"status": "dropped_out", "full_time": False}, "test-integration", 2)

    assert households.raise_leads([draft("education|S1", PERSON, "500103001001"),
                                   draft("education|S2", OTHER, "500103001"),
                                   draft("education|S3", OTHER, "500103002")]) == ["raised"] * 3
    runtime.drain()


def leads(client: httpx.Client, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/leads", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def problem(response: httpx.Response, status: int, field: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["errors"][0]["field"] == field and body["errors"][0]["message_zh"]
    return body  # type: ignore[no-any-return]


def registration(id_number: str) -> dict[str, Any]:
    return {"observation_id": "find-1", "observed_at": "2025-08-06T10:00:00+08:00", "kind": "household.registered",
            "household": "CQ-L1", "data": {
                "region": "500103001001", "grid": GRID, "address": "七星岗某路1号", "hukou": "urban",
                "members": [{"resident": "CQ-L1-R1", "name": "王小明", "sex": "M", "birth_date": "2010-03-03",
                             "relation": "head", "id_number": id_number}]}}


def test_a_lead_goes_from_the_supervisor_to_the_informant_and_is_found_by_the_registration(
        api: tuple[httpx.Client, Runtime], people: People) -> None:
    client, runtime = api
    supervisor, informant = people.headers("supervisor"), people.headers("informant")
    raise_leads(runtime)

    mine = leads(client, supervisor)
    assert mine["total"] == 2 and [lead["lead_id"] for lead in mine["leads"]] == ["education|S1", "education|S2"]
    first = mine["leads"][0]
    assert (first["name"], first["masked_id"], first["state"]) == ("王**", "50****************", "raised")
    assert PERSON not in str(mine)
    assert leads(client, people.headers("admin"))["total"] == 3

    sent = client.post("/api/v1/leads/education|S1/dispatch", json={"grid": GRID}, headers=supervisor)
    assert sent.status_code == 200 and sent.json() == {"lead_id": "education|S1", "state": "dispatched",
                                                       "grid": GRID, "close_reason": None}
    runtime.drain()
    tasks = client.get("/api/v1/tasks", headers=informant).json()["lead_tasks"]
    assert [(t["lead_id"], t["name"], t["address"], t["masked_id"]) for t in tasks] == [
        ("education|S1", "王小明", "七星岗某路1号", "50****************")]
    assert tasks[0]["what"]["zh"] == "辍学学生，辖区内无人上报"
    assert client.get("/api/v1/tasks", headers=people.headers("informant")).json()["tasks"] == []

    accepted = client.post("/api/v1/observations", json={"observations": [registration(PERSON)]}, headers=informant)
    assert accepted.status_code == 202 and accepted.json()["results"][0]["status"] == "accepted"
    runtime.drain()
    found = leads(client, supervisor, state="found")["leads"]
    assert [(f["lead_id"], f["household"], f["closed_by"]) for f in found] == [
        ("education|S1", "CQ-L1", "test-informant")]
    assert client.get("/api/v1/tasks", headers=informant).json()["lead_tasks"] == []
    assert runtime.services.households.person_of(PERSON) == ("CQ-L1", "CQ-L1-R1")
    problem(client.post("/api/v1/leads/education|S1/dismiss", json={"reason": "not_found"}, headers=supervisor),
            409, "lead")


def test_leads_refuse_other_roles_streets_grids_and_reasons(api: tuple[httpx.Client, Runtime],
                                                             people: People) -> None:
    client, runtime = api
    supervisor = people.headers("supervisor")
    raise_leads(runtime)
    for role in ("caseworker", "informant", "auditor", "integration"):
        assert client.get("/api/v1/leads", headers=people.headers(role)).status_code == 403, role
    for role in ("caseworker", "informant", "admin"):
        refused = client.post("/api/v1/leads/education|S1/dispatch", json={"grid": GRID},
                              headers=people.headers(role))
        assert refused.status_code == 403, role
    problem(client.post("/api/v1/leads/education|S3/dispatch", json={"grid": GRID}, headers=supervisor), 404, "lead")
    problem(client.post("/api/v1/leads/nope/dismiss", json={"reason": "not_found"}, headers=supervisor), 404, "lead")
    problem(client.post("/api/v1/leads/education|S1/dispatch", json={"grid": "500103001001-09"},
                        headers=supervisor), 422, "grid")
    problem(client.post("/api/v1/leads/education|S1/dismiss", json={"reason": "bored"}, headers=supervisor),
            422, "reason")
    problem(client.get("/api/v1/leads", params={"state": "lost"}, headers=supervisor), 422, "state")

    dismissed = client.post("/api/v1/leads/education|S2/dismiss", json={"reason": "moved_away"}, headers=supervisor)
    assert dismissed.status_code == 200 and dismissed.json()["state"] == "dismissed"
    problem(client.post("/api/v1/leads/education|S2/dispatch", json={"grid": GRID}, headers=supervisor), 409, "lead")
    runtime.drain()
    assert [lead["lead_id"] for lead in leads(client, supervisor, state="dismissed")["leads"]] == ["education|S2"]
