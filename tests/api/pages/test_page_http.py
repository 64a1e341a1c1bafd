"""The pages over plain HTTP: CSRF on every form and on the outbox's calls, the session cookie's attributes,
the JSON outbox answering per item (a re-sent observation id is a duplicate), redirects to the login page,
and no page answering 500 to a stranger."""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Iterator

import httpx
import pytest

from tests.api.pages.data import envelope

PAGES = ["/work", "/work/alerts/x", "/households", "/households/x", "/dashboard", "/field/tasks", "/field/report",
         "/field/register", "/field/mine", "/field/mine/x/correct", "/home"]


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def refused_form(client: httpx.Client, path: str, data: dict[str, str], back: str) -> httpx.Response:
    """POST a form that is refused: it is answered by a redirect to the page `back` (post/redirect/get, never
    a page at the POST's address); that page, fetched, says why with the refusal's status."""
    answer = client.post(path, data=data)
    assert answer.status_code == 303 and answer.headers["location"] == back, (answer.status_code, answer.text[:300])
    return client.get(back)


@contextmanager
def logged_in(url: str, role: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=30) as client:
        form = client.get("/login")
        response = client.post("/login", data={"csrf": csrf_of(form.text), "name": f"test-{role}",
                                               "password": f"{role}-password", "next": ""})
        assert response.status_code == 303, response.text
        yield client


def test_login_without_its_csrf_token_is_refused_in_chinese(site: Any) -> None:
    with httpx.Client(base_url=site[0], timeout=30) as client:
        answer = client.post("/login", data={"name": "test-caseworker", "password": "caseworker-password"})
        assert "qianshao_session" not in answer.headers.get("set-cookie", "")
        response = refused_form(client, "/login", {"name": "test-caseworker", "password": "caseworker-password"},
                                "/login")
        assert response.status_code == 403 and "表单已过期" in response.text
        assert client.get("/login").status_code == 200  # shown once: a reload shows the form alone


def test_the_session_cookie_is_httponly_and_samesite_and_secure_when_configured(site: Any,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QIANSHAO_COOKIE_SECURE", "true")
    with httpx.Client(base_url=site[0], timeout=30) as client:
        form = client.get("/login")
        assert "secure" in form.headers["set-cookie"].lower()  # the pre-login CSRF cookie too
        token = csrf_of(form.text)  # a Secure cookie is not sent back over http: send it by hand
        response = client.post("/login", data={"csrf": token, "name": "test-caseworker",
                                               "password": "caseworker-password"},
                               headers={"Cookie": f"qianshao_csrf={token}"})
        cookie = response.headers["set-cookie"].lower()
        assert "qianshao_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
        assert "secure" in cookie


def test_actions_and_logout_need_the_sessions_token(site: Any) -> None:
    with logged_in(site[0], "caseworker") as client:
        forged = refused_form(client, "/work/alerts/x/acknowledge", {"csrf": "forged"}, "/work/alerts/x")
        assert "表单已过期" in forged.text  # above the unknown alert's 404 page
        assert refused_form(client, "/logout", {}, "/").headers["location"] == "/work"  # the start page: the queue
        said = client.get("/work")
        assert said.status_code == 403 and "表单已过期" in said.text  # still signed in, told why
        assert client.get("/work").status_code == 200  # said once
        token = csrf_of(client.get("/work").text)
        assert client.post("/logout", data={"csrf": token}).status_code == 303
        assert client.get("/work").status_code == 303  # the session is over on the server too


def test_the_outbox_endpoint_answers_per_item_and_a_resend_is_a_duplicate(site: Any) -> None:
    url, runtime, _ = site
    with logged_in(url, "informant") as client:
        token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/field/report").text).group(1)  # type: ignore[union-attr]
        registration = {k: v for k, v in envelope("OB-1", "CQ-O1", "household.registered", {
            "region": "500103001001", "grid": "500103001001-03", "address": "某社区1栋", "hukou": "urban",
            "members": [{"resident": "CQ-O1-R1", "name": "张三", "sex": "M", "birth_date": "1950-01-01",
                         "relation": "head"}]}).items() if k != "informant"}
        body = {"observations": [registration]}
        assert client.post("/field/observations", json=body).status_code == 403  # no CSRF header
        first = client.post("/field/observations", json=body, headers={"X-CSRF-Token": token})
        again = client.post("/field/observations", json=body, headers={"X-CSRF-Token": token})
        assert [r["status"] for r in first.json()["results"]] == ["accepted"]
        assert [r["status"] for r in again.json()["results"]] == ["duplicate"]
        assert len(runtime.assessor.observations_of("CQ-O1")) == 1
    with logged_in(url, "caseworker") as client:  # not the informant of a grid
        token = csrf_of(client.get("/work").text)
        assert client.post("/field/observations", json=body, headers={"X-CSRF-Token": token}).status_code == 403
    with httpx.Client(base_url=url, timeout=30) as anonymous:
        assert anonymous.post("/field/observations", json=body).status_code == 401


@pytest.mark.parametrize("path", PAGES)
def test_a_stranger_is_sent_to_the_login_page_and_back(site: Any, path: str) -> None:
    with httpx.Client(base_url=site[0], timeout=30) as client:
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


def test_after_login_the_browser_goes_back_but_never_to_another_site(site: Any) -> None:
    with httpx.Client(base_url=site[0], timeout=30) as client:
        for wanted, landed in (("/households", "/households"), ("//evil.example/x", "/work"),
                               ("https://evil.example/", "/work")):
            client.cookies.clear()
            token = csrf_of(client.get("/login").text)
            response = client.post("/login", data={"csrf": token, "name": "test-caseworker",
                                                   "password": "caseworker-password", "next": wanted})
            assert response.headers["location"] == landed


def test_the_static_assets_are_served_by_the_application(site: Any) -> None:
    with httpx.Client(base_url=site[0], timeout=30) as client:
        assert client.get("/static/outbox.js").status_code == 200
        assert "focus-visible" in client.get("/static/pages.css").text
        worker = client.get("/field/sw.js")  # under /field/, so that its scope is the field pages
        assert worker.status_code == 200 and worker.headers["content-type"].startswith("text/javascript")
