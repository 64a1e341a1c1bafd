"""Every read of a household's personal data is recorded, and auditors (only) can list the reads."""

from __future__ import annotations

from typing import Any

import httpx

from infra.runtime import Runtime
from tests.people import GRID, People

HOUSEHOLD = "CQ-AUD-1"
REGISTER = {"observation_id": "aud-1", "informant": "grid-3", "observed_at": "2026-11-02T09:00:00+08:00",
            "kind": "household.registered", "household": HOUSEHOLD,
            "data": {"region": "500103001001", "grid": GRID, "address": "渝中区某街道", "hukou": "urban",
                     "members": [{"resident": f"{HOUSEHOLD}-1", "name": "张三", "sex": "M",
                                  "birth_date": "1970-04-02", "relation": "head"}]}}


def test_reads_are_recorded_with_who_and_what_was_shown(api: tuple[httpx.Client, Runtime], people: People) -> None:
    client, runtime = api
    runtime.intake.accept(REGISTER)
    runtime.drain()
    caseworker = client.get(f"/api/v1/households/{HOUSEHOLD}")
    supervisor = client.get(f"/api/v1/households/{HOUSEHOLD}", headers=people.headers("supervisor"))
    assert caseworker.json()["members"][0]["name"] == "张三" and supervisor.json()["members"][0]["name"] == "张*"
    runtime.drain()

    listed = client.get("/api/v1/audit/access", params={"household": HOUSEHOLD}, headers=people.headers("auditor"))
    assert listed.status_code == 200 and listed.json()["total"] == 2
    seen = {(a["user"], a["role"], a["shown"], a["route"], a["outcome"]) for a in listed.json()["access"]}
    assert seen == {("test-caseworker", "caseworker", "full", "GET /api/v1/households/{id}", "granted"),
                    ("test-supervisor", "supervisor", "masked", "GET /api/v1/households/{id}", "granted")}
    mine: Any = client.get("/api/v1/audit/access", params={"user": "test-supervisor"},
                           headers=people.headers("auditor")).json()
    assert [a["household"] for a in mine["access"]] == [HOUSEHOLD]


def test_only_auditors_list_the_reads(api: tuple[httpx.Client, Runtime], people: People) -> None:
    client, _ = api
    for role in ("informant", "caseworker", "supervisor", "admin", "integration"):
        response = client.get("/api/v1/audit/access", headers=people.headers(role))
        assert response.status_code == 403, role
        assert response.headers["content-type"].startswith("application/problem+json")


def test_a_read_outside_the_jurisdiction_is_not_found_and_recorded_as_refused(
    api: tuple[httpx.Client, Runtime], people: People
) -> None:
    client, runtime = api
    elsewhere = dict(REGISTER, observation_id="aud-2", household="CQ-AUD-2",
                     data=dict(REGISTER["data"], region="500103002001", grid="500103002001-01",
                               members=[dict(REGISTER["data"]["members"][0], resident="CQ-AUD-2-1")]))
    runtime.intake.accept(elsewhere)
    runtime.drain()
    assert client.get("/api/v1/households/CQ-AUD-2", headers=people.headers("supervisor")).status_code == 404
    runtime.drain()
    listed = client.get("/api/v1/audit/access", params={"household": "CQ-AUD-2"}, headers=people.headers("auditor"))
    assert [(a["user"], a["outcome"], a["reason"], a["shown"]) for a in listed.json()["access"]] == [
        ("test-supervisor", "refused", "outside_jurisdiction", "nothing")]
    granted = client.get("/api/v1/audit/access", params={"household": "CQ-AUD-2", "outcome": "granted"},
                         headers=people.headers("auditor"))
    assert granted.json()["total"] == 0
