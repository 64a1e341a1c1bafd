"""The alert workflow over real HTTP on the real pipeline: raised → assigned → verification requested →
visited → resolved, each step by the user whose job it is; refusals as problem+json, reopening, and the
informant's task list. The `api` client is the district's caseworker; other users pass their headers."""

from __future__ import annotations

from typing import Any

import httpx

from infra.runtime import Runtime
from tests.people import GRID, People

CASEWORKER = "test-caseworker"


def envelope(oid: str, household: str, kind: str, data: dict[str, Any],
             at: str = "2025-08-03T10:00:00+08:00") -> dict[str, Any]:
    """As posted: the informant recorded is the authenticated user, so the body names none."""
    return {"observation_id": oid, "observed_at": at, "kind": kind, "household": household, "data": data}


def poor_household(household: str) -> list[dict[str, Any]]:
    """A registration in GRID and an income under the dibao standard: MISSED.DIBAO holds."""
    return [
        envelope(f"{household}-1", household, "household.registered", {
            "region": "500103001001", "grid": GRID, "address": "渝中区某街道某社区3栋", "hukou": "urban",
            "members": [{"resident": f"{household}-R1", "name": "陈某", "sex": "F", "birth_date": "1969-11-05",
                         "relation": "head"}]}),
        envelope(f"{household}-2", household, "household.income_reported",
                 {"monthly_income": 500, "period": "2025-07", "income_type": "stable", "source": "declared"},
                 at="2025-08-03T10:05:00+08:00"),
    ]


def tick(day: str) -> dict[str, Any]:
    return {"observation_id": f"tick-{day}", "informant": "scheduler", "observed_at": f"{day}T00:00:00+08:00",
            "kind": "clock.tick", "household": None, "data": {"date": day}}


def raised(api: tuple[httpx.Client, Runtime], *households: str) -> list[str]:
    """Register poor households through the API and return their MISSED.DIBAO alert ids, in that order."""
    client, runtime = api
    observations = [o for household in households for o in poor_household(household)]
    assert client.post("/api/v1/observations", json={"observations": observations}).status_code == 202
    runtime.intake.accept(tick("2025-08-04"))
    runtime.drain()
    ids = []
    for household in households:
        alerts = client.get("/api/v1/alerts", params={"household": household, "status": "open"}).json()["alerts"]
        assert [a["rule"] for a in alerts] == ["MISSED.DIBAO"]
        ids.append(alerts[0]["alert_id"])
    return ids


def post(client: httpx.Client, alert_id: str, action: str, body: dict[str, Any],
         headers: dict[str, str] | None = None) -> httpx.Response:
    """An action as the caseworker, or as whoever `headers` authenticate."""
    return client.post(f"/api/v1/alerts/{alert_id}/{action}", json=body, headers=headers)


def tasks(client: httpx.Client, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    """The task list of the informant `headers` authenticate (their own grid's)."""
    response = client.get("/api/v1/tasks", params=params, headers=headers)
    assert response.status_code == 200
    return response.json()["tasks"]


def another(runtime: Runtime, name: str, role: str, jurisdiction: str) -> dict[str, str]:
    """The headers of one more user, beside the one per role of `people`."""
    return {"Authorization": f"Bearer {runtime.identity.add_user(name, role, jurisdiction)}"}


def test_raised_assigned_verified_resolved_each_by_its_own_user(api: tuple[httpx.Client, Runtime],
                                                                 people: People) -> None:
    client, runtime = api
    supervisor, informant = people.headers("supervisor"), people.headers("informant")
    (alert_id,) = raised(api, "CQ-W1")

    assigned = post(client, alert_id, "assign", {"to": CASEWORKER}, supervisor)
    assert assigned.status_code == 200
    assert assigned.json() == {"alert_id": alert_id, "status": "open", "state": "assigned",
                               "assigned_to": CASEWORKER, "acknowledged_by": None, "verification": None,
                               "close_reason": None}

    requested = post(client, alert_id, "request-verification", {}).json()
    assert requested["state"] == "verification_requested"
    assert requested["verification"] == {"requested_by": CASEWORKER, "grid": GRID, "requested_on": "2025-08-04",
                                         "outcome": None, "note": None, "visited_on": None, "visited_by": None}
    runtime.drain()
    (task,) = tasks(client, informant)
    assert (task["alert_id"], task["household"], task["requested_by"], task["requested_on"]) == (
        alert_id, "CQ-W1", CASEWORKER, "2025-08-04")
    assert task["title"]["zh"] == "收入低于低保标准但未纳入低保"
    assert tasks(client, another(runtime, "test-informant-04", "informant", "500103001001-04")) == []

    runtime.intake.accept(tick("2025-08-06"))
    visited = post(client, alert_id, "verification",
                   {"outcome": "found_as_reported", "note": "确如所报，无固定收入", "visited_on": "2025-08-05"},
                   informant).json()
    assert visited["state"] == "verified"
    assert visited["verification"] == {"requested_by": CASEWORKER, "grid": GRID, "requested_on": "2025-08-04",
                                       "outcome": "found_as_reported", "note": "确如所报，无固定收入",
                                       "visited_on": "2025-08-05", "visited_by": "test-informant"}

    resolved = post(client, alert_id, "resolve", {"outcome": "referred", "note": "已转介街道受理"}).json()
    assert (resolved["status"], resolved["state"], resolved["close_reason"]) == ("closed", "closed", "referred")

    runtime.drain()
    assert tasks(client, informant) == []
    row = client.get(f"/api/v1/alerts/{alert_id}").json()
    assert (row["state"], row["assigned_to"], row["verification_grid"], row["verification_outcome"]) == (
        "closed", CASEWORKER, GRID, "found_as_reported")
    assert [(h["type"], h["by"], h["on"]) for h in row["history"]] == [
        ("raised", "rules", "2025-08-04"), ("assigned", "test-supervisor", "2025-08-04"),
        ("verification_requested", CASEWORKER, "2025-08-04"),
        ("verification_recorded", "test-informant", "2025-08-06"), ("resolved", CASEWORKER, "2025-08-06")]
    assert all(h["at"] for h in row["history"])
    assert row["history"][3]["visited_on"] == "2025-08-05" and row["history"][4]["note"] == "已转介街道受理"


def test_an_invalid_transition_is_a_409_problem_naming_state_and_action(api: tuple[httpx.Client, Runtime],
                                                                         people: People) -> None:
    client, _ = api
    (alert_id,) = raised(api, "CQ-W2")
    response = post(client, alert_id, "verification", {"outcome": "found_as_reported"}, people.headers("informant"))
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 409 and "record_verification" in problem["detail"] and "open" in problem["detail"]
    (error,) = problem["errors"]
    assert error["field"] == "alert" and "待处理" in error["message_zh"]
    assert post(client, alert_id, "acknowledge", {}).json()["state"] == "acknowledged"
    assert post(client, alert_id, "acknowledge", {}).status_code == 409
    assert post(client, alert_id, "reopen", {"reason": "x"}).status_code == 409


def test_bad_values_unknown_alerts_and_a_missing_actor(api: tuple[httpx.Client, Runtime], people: People) -> None:
    client, _ = api
    supervisor, informant = people.headers("supervisor"), people.headers("informant")
    (alert_id,) = raised(api, "CQ-W3")
    post(client, alert_id, "assign", {"to": CASEWORKER}, supervisor)
    post(client, alert_id, "request-verification", {})
    bad = post(client, alert_id, "verification", {"outcome": "not_home"}, informant)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "outcome"
    future = post(client, alert_id, "verification", {"outcome": "could_not_reach", "visited_on": "2025-09-01"},
                  informant)
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "visited_on"
    nobody = httpx.post(f"{client.base_url}/api/v1/alerts/{alert_id}/verification", json={"outcome": "could_not_reach"})
    assert nobody.status_code == 401 and nobody.headers["www-authenticate"] == "Bearer"
    no_one_to = post(client, alert_id, "assign", {}, supervisor)
    assert no_one_to.status_code == 422 and no_one_to.json()["errors"][0]["field"] == "to"
    for not_a_caseworker_here in ("cw-1", "test-supervisor"):  # unknown, or not a caseworker
        refused = post(client, alert_id, "assign", {"to": not_a_caseworker_here}, supervisor)
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "to"
    unknown = post(client, "00000000-0000-0000-0000-000000000000", "acknowledge", {})
    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("application/problem+json")


def test_a_reopened_alert_holds_its_slot_until_the_condition_stops(api: tuple[httpx.Client, Runtime],
                                                                    people: People) -> None:
    client, runtime = api
    supervisor = people.headers("supervisor")
    (alert_id,) = raised(api, "CQ-W4")
    post(client, alert_id, "resolve", {"outcome": "not_eligible", "note": "名下有车"})
    reopened = post(client, alert_id, "reopen", {"reason": "车辆已过户"}, supervisor)
    assert reopened.status_code == 200
    assert (reopened.json()["status"], reopened.json()["state"], reopened.json()["close_reason"]) == (
        "open", "open", None)

    visit = envelope("CQ-W4-3", "CQ-W4", "household.visited", {"purpose": "verification"},
                     at="2025-08-04T09:00:00+08:00")
    assert client.post("/api/v1/observations", json=visit).status_code == 202
    runtime.drain()  # judged again: the condition holds and the reopened alert is its slot's open alert
    open_ids = [a["alert_id"] for a in
                client.get("/api/v1/alerts", params={"household": "CQ-W4", "status": "open"}).json()["alerts"]]
    assert open_ids == [alert_id]
    assert client.get(f"/api/v1/alerts/{alert_id}").json()["history"][-1]["type"] == "reopened"

    enrolled = envelope("CQ-W4-4", "CQ-W4", "coverage.enrolled", {"programme": "dibao", "start": "2025-08-04"},
                        at="2025-08-04T10:00:00+08:00")
    assert client.post("/api/v1/observations", json=enrolled).status_code == 202
    runtime.drain()
    row = client.get(f"/api/v1/alerts/{alert_id}").json()
    assert (row["status"], row["close_reason"]) == ("closed", "condition_cleared")
    cleared = post(client, alert_id, "reopen", {"reason": "仍有困难"}, supervisor)
    assert cleared.status_code == 409 and "自动关闭" in cleared.json()["errors"][0]["message_zh"]


def test_reopening_while_a_newer_episode_is_open_is_a_409(api: tuple[httpx.Client, Runtime]) -> None:
    client, runtime = api
    (first,) = raised(api, "CQ-W5")
    post(client, first, "resolve", {"outcome": "enrolled", "note": "已申请"})
    runtime.intake.accept(tick("2025-08-05"))  # judged again: the facts still say not enrolled
    runtime.drain()
    (newer,) = client.get("/api/v1/alerts", params={"household": "CQ-W5", "status": "open"}).json()["alerts"]
    assert newer["alert_id"] != first and newer["episode"] == 2
    response = post(client, first, "reopen", {"reason": "录错"})
    assert response.status_code == 409 and newer["alert_id"] in response.json()["detail"]


def test_the_task_list_is_the_grids_open_requests_oldest_first(api: tuple[httpx.Client, Runtime],
                                                                people: People) -> None:
    client, runtime = api
    informant = people.headers("informant")
    ids = raised(api, "CQ-W6", "CQ-W7", "CQ-W8")
    later, earlier, untouched = sorted(ids, reverse=True)  # requested first: the larger id, so order is by date
    for alert_id in (earlier, later):
        post(client, alert_id, "assign", {"to": CASEWORKER}, people.headers("supervisor"))
    assert post(client, earlier, "request-verification", {}).status_code == 200
    runtime.intake.accept(tick("2025-08-07"))
    second = another(runtime, "test-caseworker-2", "caseworker", "500103")
    assert post(client, later, "request-verification", {}, second).status_code == 200
    runtime.drain()
    listed = tasks(client, informant)
    assert [(t["alert_id"], t["requested_on"], t["requested_by"]) for t in listed] == [
        (earlier, "2025-08-04", CASEWORKER), (later, "2025-08-07", "test-caseworker-2")]
    assert untouched not in [t["alert_id"] for t in listed]
    assert tasks(client, informant, limit=1, offset=1)[0]["alert_id"] == later
    assert tasks(client, informant, grid="500103001001-04") == listed  # a grid parameter reads no other grid
    post(client, earlier, "resolve", {"outcome": "duplicate", "note": ""})
    runtime.drain()
    assert [t["alert_id"] for t in tasks(client, informant)] == [later]
    assert client.get("/api/v1/tasks").status_code == 403  # the task list is the informant's, not the caseworker's
