"""The alert workflow over real HTTP on the real pipeline: raised → assigned → verification requested →
visited → resolved, refusals as problem+json, reopening, and the informant's task list."""

from __future__ import annotations

from typing import Any

import httpx

from infra.runtime import Runtime

GRID = "500103001001-03"


def envelope(oid: str, household: str, kind: str, data: dict[str, Any], at: str = "2025-08-03T10:00:00+08:00",
             informant: str = "grid-7") -> dict[str, Any]:
    return {"observation_id": oid, "informant": informant, "observed_at": at, "kind": kind, "household": household,
            "data": data}


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


def post(client: httpx.Client, alert_id: str, action: str, body: dict[str, Any]) -> httpx.Response:
    return client.post(f"/api/v1/alerts/{alert_id}/{action}", json=body)


def tasks(client: httpx.Client, grid: str = GRID) -> list[dict[str, Any]]:
    response = client.get("/api/v1/tasks", params={"grid": grid})
    assert response.status_code == 200
    return response.json()["tasks"]


def test_raised_assigned_verified_resolved_each_by_its_own_user(api: tuple[httpx.Client, Runtime]) -> None:
    client, runtime = api
    (alert_id,) = raised(api, "CQ-W1")

    assigned = post(client, alert_id, "assign", {"to": "cw-1", "by": "sup-1"})
    assert assigned.status_code == 200
    assert assigned.json() == {"alert_id": alert_id, "status": "open", "state": "assigned", "assigned_to": "cw-1",
                               "acknowledged_by": None, "verification": None, "close_reason": None}

    requested = post(client, alert_id, "request-verification", {"by": "cw-1"}).json()
    assert requested["state"] == "verification_requested"
    assert requested["verification"] == {"requested_by": "cw-1", "grid": GRID, "requested_on": "2025-08-04",
                                         "outcome": None, "note": None, "visited_on": None, "visited_by": None}
    runtime.drain()
    (task,) = tasks(client)
    assert (task["alert_id"], task["household"], task["requested_by"], task["requested_on"]) == (
        alert_id, "CQ-W1", "cw-1", "2025-08-04")
    assert task["title"]["zh"] == "收入低于低保标准但未纳入低保" and tasks(client, "500103001001-04") == []

    runtime.intake.accept(tick("2025-08-06"))
    visited = post(client, alert_id, "verification",
                   {"outcome": "found_as_reported", "note": "确如所报，无固定收入", "visited_on": "2025-08-05",
                    "by": "grid-7"}).json()
    assert visited["state"] == "verified"
    assert visited["verification"] == {"requested_by": "cw-1", "grid": GRID, "requested_on": "2025-08-04",
                                       "outcome": "found_as_reported", "note": "确如所报，无固定收入",
                                       "visited_on": "2025-08-05", "visited_by": "grid-7"}

    resolved = post(client, alert_id, "resolve", {"outcome": "referred", "note": "已转介街道受理", "by": "cw-1"}).json()
    assert (resolved["status"], resolved["state"], resolved["close_reason"]) == ("closed", "closed", "referred")

    runtime.drain()
    assert tasks(client) == []
    row = client.get(f"/api/v1/alerts/{alert_id}").json()
    assert (row["state"], row["assigned_to"], row["verification_grid"], row["verification_outcome"]) == (
        "closed", "cw-1", GRID, "found_as_reported")
    assert [(h["type"], h["by"], h["on"]) for h in row["history"]] == [
        ("raised", "rules", "2025-08-04"), ("assigned", "sup-1", "2025-08-04"),
        ("verification_requested", "cw-1", "2025-08-04"), ("verification_recorded", "grid-7", "2025-08-06"),
        ("resolved", "cw-1", "2025-08-06")]
    assert all(h["at"] for h in row["history"])
    assert row["history"][3]["visited_on"] == "2025-08-05" and row["history"][4]["note"] == "已转介街道受理"


def test_an_invalid_transition_is_a_409_problem_naming_state_and_action(api: tuple[httpx.Client, Runtime]) -> None:
    client, _ = api
    (alert_id,) = raised(api, "CQ-W2")
    response = post(client, alert_id, "verification", {"outcome": "found_as_reported", "by": "grid-7"})
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 409 and "record_verification" in problem["detail"] and "open" in problem["detail"]
    (error,) = problem["errors"]
    assert error["field"] == "alert" and "待处理" in error["message_zh"]
    assert post(client, alert_id, "acknowledge", {"by": "cw-1"}).json()["state"] == "acknowledged"
    assert post(client, alert_id, "acknowledge", {"by": "cw-1"}).status_code == 409
    assert post(client, alert_id, "reopen", {"reason": "x", "by": "cw-1"}).status_code == 409


def test_bad_values_unknown_alerts_and_a_missing_actor(api: tuple[httpx.Client, Runtime]) -> None:
    client, _ = api
    (alert_id,) = raised(api, "CQ-W3")
    post(client, alert_id, "assign", {"to": "cw-1", "by": "sup-1"})
    post(client, alert_id, "request-verification", {"by": "cw-1"})
    bad = post(client, alert_id, "verification", {"outcome": "not_home", "by": "grid-7"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "outcome"
    future = post(client, alert_id, "verification",
                  {"outcome": "could_not_reach", "visited_on": "2025-09-01", "by": "grid-7"})
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "visited_on"
    nobody = post(client, alert_id, "verification", {"outcome": "could_not_reach"})
    assert nobody.status_code == 422 and nobody.json()["errors"][0]["field"] == "by"
    no_one_to = post(client, alert_id, "assign", {"by": "sup-1"})
    assert no_one_to.status_code == 422 and no_one_to.json()["errors"][0]["field"] == "to"
    unknown = post(client, "00000000-0000-0000-0000-000000000000", "acknowledge", {"by": "cw-1"})
    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("application/problem+json")


def test_a_reopened_alert_holds_its_slot_until_the_condition_stops(api: tuple[httpx.Client, Runtime]) -> None:
    client, runtime = api
    (alert_id,) = raised(api, "CQ-W4")
    post(client, alert_id, "resolve", {"outcome": "not_eligible", "note": "名下有车", "by": "cw-1"})
    reopened = post(client, alert_id, "reopen", {"reason": "车辆已过户", "by": "sup-1"})
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
                        at="2025-08-04T10:00:00+08:00", informant="caseworker-1")
    assert client.post("/api/v1/observations", json=enrolled).status_code == 202
    runtime.drain()
    row = client.get(f"/api/v1/alerts/{alert_id}").json()
    assert (row["status"], row["close_reason"]) == ("closed", "condition_cleared")
    cleared = post(client, alert_id, "reopen", {"reason": "仍有困难", "by": "sup-1"})
    assert cleared.status_code == 409 and "自动关闭" in cleared.json()["errors"][0]["message_zh"]


def test_reopening_while_a_newer_episode_is_open_is_a_409(api: tuple[httpx.Client, Runtime]) -> None:
    client, runtime = api
    (first,) = raised(api, "CQ-W5")
    post(client, first, "resolve", {"outcome": "enrolled", "note": "已申请", "by": "cw-1"})
    runtime.intake.accept(tick("2025-08-05"))  # judged again: the facts still say not enrolled
    runtime.drain()
    (newer,) = client.get("/api/v1/alerts", params={"household": "CQ-W5", "status": "open"}).json()["alerts"]
    assert newer["alert_id"] != first and newer["episode"] == 2
    response = post(client, first, "reopen", {"reason": "录错", "by": "cw-1"})
    assert response.status_code == 409 and newer["alert_id"] in response.json()["detail"]


def test_the_task_list_is_the_grids_open_requests_oldest_first(api: tuple[httpx.Client, Runtime]) -> None:
    client, runtime = api
    ids = raised(api, "CQ-W6", "CQ-W7", "CQ-W8")
    later, earlier, untouched = sorted(ids, reverse=True)  # requested first: the larger id, so order is by date
    for alert_id in (earlier, later):
        post(client, alert_id, "assign", {"to": "cw-1", "by": "sup-1"})
    assert post(client, earlier, "request-verification", {"by": "cw-1"}).status_code == 200
    runtime.intake.accept(tick("2025-08-07"))
    assert post(client, later, "request-verification", {"by": "cw-2"}).status_code == 200
    runtime.drain()
    listed = tasks(client)
    assert [(t["alert_id"], t["requested_on"], t["requested_by"]) for t in listed] == [
        (earlier, "2025-08-04", "cw-1"), (later, "2025-08-07", "cw-2")]
    assert untouched not in [t["alert_id"] for t in listed]
    assert client.get("/api/v1/tasks", params={"grid": GRID, "limit": 1, "offset": 1}).json()["tasks"][0][
        "alert_id"] == later
    post(client, earlier, "resolve", {"outcome": "duplicate", "note": "", "by": "cw-1"})
    runtime.drain()
    assert [t["alert_id"] for t in tasks(client)] == [later]
    assert client.get("/api/v1/tasks").status_code == 422
