"""Administrators manage users and the jurisdiction tree over HTTP: the token is shown once and works,
a revoked user is refused at once, refusals name the problem in Chinese and English."""

from __future__ import annotations

import httpx

from infra.runtime import Runtime
from tests.people import People


def test_an_admin_adds_a_user_whose_token_works_until_revoked(served: tuple[str, Runtime, People]) -> None:
    url, _, people = served
    with httpx.Client(base_url=url, timeout=30, headers=people.headers("admin")) as admin:
        added = admin.post("/api/v1/users", json={"name": "wang-cw", "role": "caseworker", "jurisdiction": "500103",
                                                  "password": "a-long-password-1"})
        assert added.status_code == 201, added.text
        token = added.json()["token"]
        listed = {u["name"]: u for u in admin.get("/api/v1/users").json()}
        assert listed["wang-cw"]["role"] == "caseworker" and listed["wang-cw"]["has_password"]
        assert "token" not in listed["wang-cw"] and "password" not in listed["wang-cw"]
        with httpx.Client(base_url=url, timeout=30, headers={"Authorization": f"Bearer {token}"}) as user:
            assert user.get("/api/v1/alerts").status_code == 200
            assert admin.post("/api/v1/users/wang-cw/revoke").status_code == 204
            assert user.get("/api/v1/alerts").status_code == 401
        login = httpx.post(f"{url}/api/v1/login", json={"name": "wang-cw", "password": "a-long-password-1"})
        assert login.status_code == 401


def test_refusals_name_the_problem(served: tuple[str, Runtime, People]) -> None:
    url, _, people = served
    with httpx.Client(base_url=url, timeout=30, headers=people.headers("admin")) as admin:
        taken = admin.post("/api/v1/users", json={"name": "test-caseworker", "role": "caseworker",
                                                  "jurisdiction": "500103"})
        assert taken.status_code == 409 and taken.json()["errors"][0]["message_zh"]
        role = admin.post("/api/v1/users", json={"name": "x1", "role": "mayor", "jurisdiction": "500103"})
        assert role.status_code == 422
        place = admin.post("/api/v1/users", json={"name": "x2", "role": "informant", "jurisdiction": "999999"})
        assert place.status_code == 422 and place.headers["content-type"] == "application/problem+json"
        assert admin.post("/api/v1/users/nobody/revoke").status_code == 404
        assert admin.put("/api/v1/users/nobody/password", json={"password": "p" * 12}).status_code == 404


def test_an_admin_grows_the_tree_and_a_user_can_be_placed_there(served: tuple[str, Runtime, People]) -> None:
    url, _, people = served
    with httpx.Client(base_url=url, timeout=30, headers=people.headers("admin")) as admin:
        grid = admin.post("/api/v1/jurisdictions", json={"code": "500103001001-07", "name": "第7网格",
                                                         "parent": "500103001001"})
        assert grid.status_code == 201, grid.text
        assert grid.json()["level"] == "grid"
        again = admin.post("/api/v1/jurisdictions", json={"code": "500103001001-07", "name": "第7网格",
                                                          "parent": "500103001001"})
        assert again.status_code == 409
        orphan = admin.post("/api/v1/jurisdictions", json={"code": "500199001", "name": "某街道", "parent": "500199"})
        assert orphan.status_code == 422
        codes = [n["code"] for n in admin.get("/api/v1/jurisdictions").json()]
        assert "500103001001-07" in codes and codes.index("500103001001") < codes.index("500103001001-07")
        placed = admin.post("/api/v1/users", json={"name": "li-inf", "role": "informant",
                                                   "jurisdiction": "500103001001-07"})
        assert placed.status_code == 201
