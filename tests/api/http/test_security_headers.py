"""The security headers middleware on its own: every response gets them, a route's own policy or cache
rule stands, each request has its own nonce, assets may be cached, HSTS only over HTTPS."""

from __future__ import annotations

import re

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from api.http.security_headers import FIXED, NONCE, SecurityHeaders, content_security_policy, headers_for


def page(request: object) -> Response:
    return PlainTextResponse(getattr(request.state, NONCE))  # type: ignore[attr-defined]


def own_policy(request: object) -> Response:
    return PlainTextResponse("x", headers={"Content-Security-Policy": "default-src 'none'", "Cache-Control": "max-age=60"})


def broken(request: object) -> Response:
    raise RuntimeError("boom")


@pytest.fixture()
def client() -> TestClient:
    app = Starlette(routes=[Route("/page", page), Route("/own", own_policy), Route("/static/a.css", page),
                            Route("/broken", broken)])
    return TestClient(SecurityHeaders(app), raise_server_exceptions=False)


def test_every_response_gets_the_headers_even_an_unknown_path_and_an_error(client: TestClient) -> None:
    for path in ("/page", "/nothing", "/broken"):
        response = client.get(path)
        for name, value in FIXED.items():
            assert response.headers[name] == value, (path, name)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store"


def test_the_nonce_is_the_requests_own_and_the_policy_names_it(client: TestClient) -> None:
    first, second = client.get("/page"), client.get("/page")
    assert first.text != second.text and len(first.text) >= 24
    assert f"'nonce-{first.text}'" in first.headers["content-security-policy"]


def test_a_route_keeps_its_own_policy_and_cache_rule(client: TestClient) -> None:
    response = client.get("/own")
    assert response.headers["content-security-policy"] == "default-src 'none'"
    assert response.headers["cache-control"] == "max-age=60" and response.headers["x-frame-options"] == "DENY"


def test_assets_are_left_to_revalidation(client: TestClient) -> None:
    assert "cache-control" not in client.get("/static/a.css").headers


def test_hsts_only_over_https(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QIANSHAO_COOKIE_SECURE", raising=False)
    assert "Strict-Transport-Security" not in headers_for({"scheme": "http", "path": "/"}, "n")
    assert "Strict-Transport-Security" in headers_for({"scheme": "https", "path": "/"}, "n")
    monkeypatch.setenv("QIANSHAO_COOKIE_SECURE", "true")  # behind a TLS proxy
    assert "Strict-Transport-Security" in headers_for({"scheme": "http", "path": "/"}, "n")


def test_the_policy_allows_no_inline_script_and_no_other_host() -> None:
    policy = content_security_policy("abc")
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self' 'nonce-abc'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert not re.search(r"https?:|\*|unsafe", policy)
