"""The access table over real HTTP: which role gets which answer from each endpoint, who must
authenticate, jurisdictions (404 outside), masked identities, and logging in and out.

The expected answers are written out by hand below, not derived from `domain.identity.access`, so that a
change to the table there shows up here as a failing case to look at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from api.http.app import create_app
from infra.runtime import Runtime
from tests.people import GRID, People

PROBLEM = "application/problem+json"
HOUSEHOLD = "CQ-Z1"  # in the informant's grid, the supervisor's street and the caseworker's district
ELSEWHERE = "CQ-Z2"  # in another street of the caseworker's district (500103002)
ROLES = ("informant", "caseworker", "supervisor", "auditor", "admin", "integration")


def observation(oid: str, kind: str, data: dict[str, Any], household: str | None = HOUSEHOLD,
                at: str = "2025-08-04T09:00:00+08:00") -> dict[str, Any]:
    return {"observation_id": oid, "informant": "x", "observed_at": at, "kind": kind, "household": household,
            "data": data}


def registration(household: str, region: str, grid: str, name: str = "陈某", **member: Any) -> dict[str, Any]:
    return observation(f"{household}-reg", "household.registered", {
        "region": region, "grid": grid, "address": "渝中区某街道某社区3栋", "hukou": "urban",
        "members": [{"resident": f"{household}-R1", "name": name, "sex": "F", "birth_date": "1969-11-05",
                     "relation": "head", **member}]}, household=household, at="2025-08-03T10:00:00+08:00")


POOR = [registration(HOUSEHOLD, "500103001001", GRID),
        observation("z-income", "household.income_reported",
                    {"monthly_income": 500, "period": "2025-07", "income_type": "stable", "source": "declared"},
                    at="2025-08-03T10:05:00+08:00"),
        observation("z-tick", "clock.tick", {"date": "2025-08-04"}, household=None, at="2025-08-04T00:00:00+08:00")]


@pytest.fixture()
def world(served: tuple[str, Runtime, People]) -> tuple[str, Runtime, People, str]:
    """The served API with one poor household in GRID and its open MISSED.DIBAO alert (recorded without a gate)."""
    url, runtime, people = served
    assert [o.status for o in runtime.intake.accept_batch(POOR)] == ["accepted"] * len(POOR)
    runtime.drain()
    (alert,) = runtime.views.query("SELECT alert_id FROM alerts WHERE household = ? AND rule = 'MISSED.DIBAO'",
                                   (HOUSEHOLD,))
    return url, runtime, people, alert["alert_id"]


@pytest.fixture()
def anonymous(served: tuple[str, Runtime, People]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served[0], timeout=30) as client:
        yield client


Call = Callable[[httpx.Client, str], httpx.Response]  # (client, alert id) -> response

ENDPOINTS: dict[str, Call] = {
    "field report": lambda c, a: c.post("/api/v1/observations", json=observation(
        "z-visit", "household.visited", {"purpose": "verification"})),
    "programme record": lambda c, a: c.post("/api/v1/observations", json=observation(
        "z-enrolled", "coverage.enrolled", {"programme": "dibao", "start": "2025-08-04"})),
    "clock tick": lambda c, a: c.post("/api/v1/observations", json=observation(
        "z-tick-2", "clock.tick", {"date": "2025-08-05"}, household=None, at="2025-08-05T00:00:00+08:00")),
    "alert queue": lambda c, a: c.get("/api/v1/alerts"),
    "one alert": lambda c, a: c.get(f"/api/v1/alerts/{a}"),
    "acknowledge": lambda c, a: c.post(f"/api/v1/alerts/{a}/acknowledge", json={}),
    "verification": lambda c, a: c.post(f"/api/v1/alerts/{a}/verification", json={"outcome": "found_as_reported"}),
    "household": lambda c, a: c.get(f"/api/v1/households/{HOUSEHOLD}"),
    "read parameters": lambda c, a: c.get("/api/v1/parameters", params={"region": "500103001001"}),
    "set a parameter": lambda c, a: c.post("/api/v1/parameters", json={
        "name": "dibao.standard_monthly.urban", "region": "500103", "from": "2025-07-01", "value": 800}),
    "tasks": lambda c, a: c.get("/api/v1/tasks"),
    "informant activity": lambda c, a: c.get("/api/v1/statistics/informants"),
    "escalations": lambda c, a: c.get("/api/v1/escalations"),
    "list users": lambda c, a: c.get("/api/v1/users"),
    "household history": lambda c, a: c.get(f"/api/v1/audit/households/{HOUSEHOLD}/events"),
    "add a jurisdiction": lambda c, a: c.post("/api/v1/jurisdictions", json={
        "code": "500103001001-05", "name": "第5网格", "parent": "500103001001"}),
    "response times": lambda c, a: c.get("/api/v1/audit/response-times", params={"group_by": "rule"}),
    "equity": lambda c, a: c.get("/api/v1/audit/equity"),
}

# Written by hand. 409 for the informant's verification: they may record one, but none was asked for,
# so the alert refuses it (the access table let it through).
EXPECTED: dict[str, tuple[int, ...]] = {
    #                    informant caseworker supervisor auditor admin integration
    "field report":      (202,     202,       403,       403,    403,  403),
    "programme record":  (403,     202,       403,       403,    403,  202),
    "clock tick":        (403,     403,       403,       403,    202,  202),
    "alert queue":       (403,     200,       200,       200,    403,  403),
    "one alert":         (403,     200,       200,       200,    403,  403),
    "acknowledge":       (403,     200,       200,       403,    403,  403),
    "verification":      (409,     403,       403,       403,    403,  403),
    "household":         (200,     200,       200,       200,    403,  403),
    "read parameters":   (200,     200,       200,       200,    200,  403),
    "set a parameter":   (403,     403,       403,       403,    201,  403),
    "tasks":             (200,     403,       403,       403,    403,  403),
    "informant activity": (403,    403,       200,       200,    403,  403),
    "escalations":       (403,     403,       200,       200,    403,  403),
    "list users":        (403,     403,       403,       403,    200,  403),
    "household history": (403,     403,       403,       200,    403,  403),
    "add a jurisdiction": (403,    403,       403,       403,    201,  403),
    "response times":    (403,     403,       200,       200,    403,  403),
    "equity":            (403,     403,       200,       200,    403,  403),
}
CASES = [pytest.param(role, endpoint, statuses[i], id=f"{role}-{endpoint}")
         for endpoint, statuses in EXPECTED.items() for i, role in enumerate(ROLES)]


def test_the_table_names_every_endpoint_once() -> None:
    assert set(EXPECTED) == set(ENDPOINTS)


@pytest.mark.parametrize(("role", "endpoint", "expected"), CASES)
def test_each_role_gets_what_the_table_says(world: tuple[str, Runtime, People, str], role: str, endpoint: str,
                                            expected: int) -> None:
    url, _, people, alert_id = world
    with httpx.Client(base_url=url, timeout=30, headers=people.headers(role)) as client:
        response = ENDPOINTS[endpoint](client, alert_id)
    assert response.status_code == expected, response.text
    if expected >= 400:
        assert response.headers["content-type"].startswith(PROBLEM)


# Every route but /health (and logging in, which is how one gets a token), read from the app's own
# OpenAPI description, so that a route added later is checked too.
ROUTES = sorted((method.upper(), re.sub(r"\{\w+\}", "x", path))
                for path, methods in create_app(None).openapi()["paths"].items()
                if path not in ("/health", "/api/v1/login") for method in methods)


def test_the_routes_checked_include_the_tables() -> None:
    assert {("GET", "/api/v1/alerts/x"), ("POST", "/api/v1/parameters"), ("POST", "/api/v1/logout")} <= set(ROUTES)


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_no_token_is_a_401_problem_asking_for_a_bearer(anonymous: httpx.Client, method: str, path: str) -> None:
    response = anonymous.request(method, path, json={} if method == "POST" else None)
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["www-authenticate"] == "Bearer"


def test_health_needs_no_token(anonymous: httpx.Client) -> None:
    assert anonymous.get("/health").status_code == 200


def test_a_bad_token_is_a_401(anonymous: httpx.Client, people: People) -> None:
    real = people.tokens["caseworker"]
    tampered = real[:-1] + ("A" if real[-1] != "A" else "B")
    for authorization in ("Bearer nonsense", f"Bearer qs_000000000000_{'a' * 43}", f"Bearer {tampered}",
                          f"Basic {real}", "Bearer"):
        response = anonymous.get("/api/v1/alerts", headers={"Authorization": authorization})
        assert response.status_code == 401, authorization
        assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("role", "expected"), [("supervisor", 404), ("informant", 404), ("caseworker", 200),
                                                 ("auditor", 200)])
def test_a_household_outside_ones_jurisdiction_is_not_found(served: tuple[str, Runtime, People], role: str,
                                                            expected: int) -> None:
    url, runtime, people = served
    # 500103002001 has no node in the tree: the household view only compares region prefixes.
    outcome = runtime.intake.accept(registration(ELSEWHERE, "500103002001", "500103002001-01"))
    assert outcome.status == "accepted", outcome.errors
    runtime.drain()
    with httpx.Client(base_url=url, timeout=30, headers=people.headers(role)) as client:
        response = client.get(f"/api/v1/households/{ELSEWHERE}")
    assert response.status_code == expected, response.text
    if expected == 404:
        assert response.headers["content-type"].startswith(PROBLEM) and ELSEWHERE in response.json()["detail"]


ID_NUMBER = "50010319691105123X"
MASKED_ID = "50****************"


@pytest.mark.parametrize(("role", "shown", "id_shown", "born"), [
    ("caseworker", "张三", ID_NUMBER, {"birth_date": "1969-11-05"}),
    ("supervisor", "张*", MASKED_ID, {"birth_year": 1969}), ("auditor", "张*", MASKED_ID, {"birth_year": 1969}),
    ("informant", "张三", None, {"birth_year": 1969})])
def test_names_and_id_numbers_are_shown_as_each_role_needs(served: tuple[str, Runtime, People], role: str,
                                                           shown: str, id_shown: str | None, born: dict) -> None:
    url, runtime, people = served
    assert runtime.intake.accept(registration(HOUSEHOLD, "500103001001", GRID, name="张三",
                                              id_number=ID_NUMBER)).status == "accepted"
    runtime.drain()
    with httpx.Client(base_url=url, timeout=30, headers=people.headers(role)) as client:
        response = client.get(f"/api/v1/households/{HOUSEHOLD}")
    (member,) = response.json()["members"]
    assert (member["name"], member.get("id_number")) == (shown, id_shown)
    assert {k: member[k] for k in born} == born and not ({"birth_date", "birth_year"} - born.keys()) & member.keys()
    assert ("张三" in response.text) is (role in ("caseworker", "informant"))  # nowhere else in the view either
    assert (ID_NUMBER in response.text) is (role == "caseworker")
    assert ("1969-11-05" in response.text) is (role == "caseworker")


def login(client: httpx.Client, name: str, password: str) -> httpx.Response:
    return client.post("/api/v1/login", json={"name": name, "password": password})


def test_a_login_gives_a_session_token_that_works_as_a_bearer(anonymous: httpx.Client) -> None:
    response = login(anonymous, "test-auditor", "auditor-password")
    assert response.status_code == 200, response.text
    session = response.json()
    assert (session["name"], session["role"], session["jurisdiction"]) == ("test-auditor", "auditor", "0")
    bearer = {"Authorization": f"Bearer {session['token']}"}
    assert anonymous.get("/api/v1/alerts", headers=bearer).status_code == 200


def test_a_wrong_password_is_a_401_problem(anonymous: httpx.Client) -> None:
    response = login(anonymous, "test-auditor", "not-the-password")
    assert response.status_code == 401 and response.headers["content-type"].startswith(PROBLEM)
    assert "token" not in response.json()


def test_the_sixth_wrong_password_in_a_row_is_a_429_with_retry_after(anonymous: httpx.Client) -> None:
    statuses = [login(anonymous, "test-auditor", f"wrong-{i}").status_code for i in range(5)]
    assert statuses == [401] * 5
    locked = login(anonymous, "test-auditor", "wrong-6")
    assert locked.status_code == 429 and locked.headers["content-type"].startswith(PROBLEM)
    assert int(locked.headers["retry-after"]) > 0


def test_after_logout_the_session_token_is_a_401(anonymous: httpx.Client, people: People) -> None:
    bearer = {"Authorization": f"Bearer {login(anonymous, 'test-caseworker', 'caseworker-password').json()['token']}"}
    assert anonymous.get("/api/v1/alerts", headers=bearer).status_code == 200
    assert anonymous.post("/api/v1/logout", headers=bearer).status_code == 204
    assert anonymous.get("/api/v1/alerts", headers=bearer).status_code == 401
    assert anonymous.get("/api/v1/alerts", headers=people.headers("caseworker")).status_code == 200  # token kept
