"""Issue 14, findings 5, 8 and 11, each repeated as the attack it describes, against a served pipeline.

5. Clickjacking: every kind of response (API, pages, static files, errors, 404s, the last-resort 500)
   carries the security headers, and a page of another origin cannot frame a signed-in alert page
   (Chromium); the pages themselves run without a single CSP violation.
8. Page query values answering 500: every page route, walked with hostile values for every query and
   form value as every role, answers below 500, a bad value being the Chinese 422 page.
11. Exposure: `/docs` loads nothing from another host; anonymous `/health` shows no address or pid.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from api.http.app import create_app
from infra.bootstrap import PIPELINE, bootstrap
from infra.http_server import BackgroundServer
from infra.runtime import Runtime
from infra.settings import Settings
from tests.api.pages.conftest import ARGS, CHROMIUM, DESK, log_in
from tests.api.pages.data import raise_alerts
from tests.people import People, seed_people

ROLES = ("informant", "caseworker", "supervisor", "auditor", "admin", "integration")
HOUSEHOLD = "CQ-SEC1"


class Site:
    """The served application, its runtime, one user per role, and one household with an open alert."""

    def __init__(self, url: str, app: FastAPI, runtime: Runtime, people: People, alert: str) -> None:
        self.url, self.app, self.runtime, self.people, self.alert = url, app, runtime, people, alert

    def client(self, role: str | None = None) -> httpx.Client:
        """A client signed in to the pages as `role` (its token as the session cookie), or anonymous."""
        cookies = {"qianshao_session": self.people.tokens[role]} if role else {}
        return httpx.Client(base_url=self.url, timeout=60, cookies=cookies)

    def csrf(self, role: str) -> str:
        """The CSRF token a signed-in page carries (an HMAC of the session token, see api/pages/session.py)."""
        return hmac.new(self.people.tokens[role].encode(), b"qianshao-csrf", hashlib.sha256).hexdigest()


@pytest.fixture(scope="module")
def site(broker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    data: Path = tmp_path_factory.mktemp("sec-web")
    settings = Settings(data_dir=data, kafka_bootstrap=broker.bootstrap, partitions=2)
    settings.topic_prefix = f"{data.name}-"
    runtime = bootstrap(settings, PIPELINE, group_consumers=False).start()
    people = seed_people(runtime.identity)
    (alert,) = raise_alerts(runtime, HOUSEHOLD)
    app = create_app(runtime.services, runtime)

    @app.get("/test/unexpected")
    def unexpected() -> None:
        raise RuntimeError("an unexpected failure")

    served = BackgroundServer(app).start()
    yield Site(served.url, app, runtime, people, alert)
    served.stop()
    runtime.stop()


# --- 5. security headers on every response -------------------------------------------------------------

def every_kind_of_response(site: Site) -> list[tuple[str, httpx.Response]]:
    """One response of each kind the application sends, named."""
    bearer = site.people.headers("caseworker")
    with site.client() as anonymous, site.client("caseworker") as caseworker, site.client("informant") as informant:
        return [
            ("API JSON", anonymous.get("/api/v1/alerts", headers=bearer)),
            ("API 401", anonymous.get("/api/v1/alerts")),
            ("API 422", anonymous.get("/api/v1/alerts", params={"offset": -1}, headers=bearer)),
            ("API 405", anonymous.delete("/api/v1/alerts", headers=bearer)),
            ("API 413", anonymous.post("/api/v1/observations", content=b" " * (16 * 1024 * 1024 + 1),
                                       headers={**bearer, "content-type": "application/json"})),
            ("unknown path 404", anonymous.get("/no/such/path")),
            ("last-resort 500", httpx.get(f"{site.url}/test/unexpected")),  # uvicorn closes this connection
            ("health", anonymous.get("/health")),
            ("openapi", anonymous.get("/openapi.json")),
            ("docs", anonymous.get("/docs")),
            ("docs asset", anonymous.get("/docs/assets/swagger-ui-bundle.js")),
            ("static asset", anonymous.get("/static/pages.css")),
            ("static 404", anonymous.get("/static/nothing.js")),
            ("service worker", informant.get("/field/sw.js")),
            ("login page", anonymous.get("/login")),
            ("redirect to login", anonymous.get("/work")),
            ("public page", anonymous.get("/catalog")),
            ("signed-in page", caseworker.get(f"/work/alerts/{site.alert}")),
            ("page 403", caseworker.get("/audit")),
            ("page 404", caseworker.get("/work/alerts/nothing")),
            ("page 422", caseworker.get("/work", params={"offset": 10**30})),
            ("outbox JSON", informant.post("/field/observations", json={})),
        ]


def test_every_kind_of_response_carries_the_security_headers(site: Site) -> None:
    for name, response in every_kind_of_response(site):
        headers = response.headers
        policy = headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy, (name, dict(headers))
        script = re.search(r"script-src ([^;]*)", policy)
        assert script and "unsafe-inline" not in script.group(1) and "unsafe-eval" not in script.group(1), name
        assert headers.get("x-frame-options") == "DENY", name
        assert headers.get("x-content-type-options") == "nosniff", name
        assert headers.get("referrer-policy") == "no-referrer", name
        assert headers.get("cross-origin-opener-policy") == "same-origin", name
        assert "camera=()" in headers.get("permissions-policy", ""), name


def test_responses_that_may_hold_personal_data_are_not_stored(site: Site) -> None:
    for name, response in every_kind_of_response(site):
        if name not in ("docs asset", "static asset", "static 404", "service worker"):
            assert response.headers.get("cache-control") == "no-store", (name, response.headers.get("cache-control"))


def test_each_response_has_a_nonce_of_its_own(site: Site) -> None:
    with site.client() as anonymous:
        nonces = {re.search(r"'nonce-([^']+)'", anonymous.get("/login").headers["content-security-policy"]).group(1)  # type: ignore[union-attr]
                  for _ in range(3)}
    assert len(nonces) == 3


def test_the_dashboard_charts_run_no_inline_script_and_style_only_with_the_nonce(site: Site) -> None:
    with site.client("supervisor") as supervisor:
        response = supervisor.get("/dashboard")
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response.headers["content-security-policy"]).group(1)  # type: ignore[union-attr]
    html = response.text
    assert "<svg" in html and not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html)
    styles = re.findall(r"<style[^>]*>", html)
    assert styles and all(f'nonce="{nonce}"' in tag for tag in styles)
    assert not re.search(r"\sstyle=\"", html)  # no style attribute the policy would refuse


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield launched
        launched.close()


@contextmanager
def attacker_page(html: str) -> Iterator[str]:
    """A real page of another origin of the same site (127.0.0.1, another port) serving `html`: its URL."""
    body = html.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server protocol
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/frame.html"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_a_page_of_another_origin_cannot_frame_a_signed_in_alert_page(site: Site, browser: Browser) -> None:
    """The attack of the issue: another origin of the same site (the cookie is SameSite=Lax, so it is sent)
    frames `/work/alerts/{id}` with its action forms. The browser must refuse to show it."""
    context = browser.new_context(base_url=site.url, viewport=DESK, locale="zh-CN")  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    target = f"{site.url}/work/alerts/{site.alert}"
    frame = f'<!doctype html><iframe id="victim" src="{target}" onload="document.title = \'loaded\'"></iframe>'
    try:
        page = context.new_page()
        log_in(page, "caseworker")
        page.wait_for_url("**/work")
        with attacker_page(frame) as attacker, page.expect_response(lambda r: r.url == target) as framed:
            page.goto(attacker)
            page.wait_for_function("document.title === 'loaded'")  # the frame has finished, shown or refused
        assert framed.value.status == 200  # the browser did ask, with the session cookie
        victim = next(f for f in page.frames if f != page.main_frame)
        assert victim.url != target and victim.locator("form").count() == 0
    finally:
        context.close()


def visit_without_violations(page: Page, path: str, problems: list[str]) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    found = page.evaluate("window.__violations || []")
    problems += [f"{path}: {v}" for v in found]


LISTEN = ("window.__violations = []; document.addEventListener('securitypolicyviolation',"
          " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));")


def test_an_injected_inline_script_is_refused_and_reported(site: Site, browser: Browser) -> None:
    """The policy is enforced on a signed-in page, and a violation is seen by the listener the next test uses."""
    context = browser.new_context(base_url=site.url, viewport=DESK, locale="zh-CN")  # type: ignore[arg-type]
    context.add_init_script(LISTEN)
    try:
        page = context.new_page()
        log_in(page, "caseworker")
        page.goto(f"/work/alerts/{site.alert}")
        with pytest.raises(Exception):  # Playwright reports the script that never ran
            page.add_script_tag(content="window.__ran = true")
        assert page.evaluate("window.__ran") is None
        page.wait_for_function("window.__violations.length > 0")
        assert page.evaluate("window.__violations")[0].startswith("script-src")
    finally:
        context.close()


def test_the_pages_run_without_a_csp_violation_or_a_console_error(site: Site, browser: Browser) -> None:
    visits = {
        "caseworker": ["/work", f"/work/alerts/{site.alert}", f"/households/{HOUSEHOLD}", "/catalog"],
        "supervisor": ["/dashboard", "/audit/response-times", "/audit/equity"],
        "auditor": ["/audit", f"/audit/households/{HOUSEHOLD}", f"/audit/alerts/{site.alert}", "/audit/integrity"],
        "informant": ["/field/tasks", "/field/report", "/field/register", "/field/mine"],
        "admin": ["/docs"],
    }
    problems: list[str] = []
    for role, paths in visits.items():
        context = browser.new_context(base_url=site.url, viewport=DESK, locale="zh-CN")  # type: ignore[arg-type]
        context.set_default_timeout(20_000)
        context.add_init_script(LISTEN)
        page = context.new_page()

        def on_console(message: ConsoleMessage, role: str = role) -> None:
            if message.type == "error":
                problems.append(f"{role} console: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error, role=role: problems.append(f"{role} script error: {error}"))
        try:
            log_in(page, role)
            page.wait_for_load_state("networkidle")
            for path in paths:
                visit_without_violations(page, path, problems)
            if role == "informant":  # the outbox registered the field pages' service worker
                page.goto("/field/report")
                page.wait_for_function("navigator.serviceWorker.getRegistration().then(r => !!r)")
            if role == "admin":
                page.goto("/docs")
                page.wait_for_selector(".opblock-tag", timeout=30_000)  # Swagger UI drew the API from local assets
        finally:
            context.close()
    assert problems == []


# --- 8. every page route, hostile values, every role ------------------------------------------------------

HOSTILE = ["99999999999999999999999", "-99999999999999999999", "-1", "abc", "1e3", "²", "2025-02-30",
           "99999-01-01", "0001-01-01", "x" * 5000, "\x00", "a\nb", "../../etc/passwd", "<script>", "'; DROP"]
# Values pages read from `request.query_params` or a form rather than from their signature.
UNDECLARED = {"/audit/households/{household_id}": ["as_of", "known_at", "k", "k0", "d", "d0"]}
FORMS = {
    "/login": ["name", "password", "next"],
    "/work/alerts/{alert_id}/{action}": ["to", "outcome", "note"],
    "/field/tasks/{alert_id}/verification": ["outcome", "note", "visited_on"],
    "/field/mine/{observation_id}/retraction": ["reason"],
    "/logout": ["csrf"],  # a hostile token only: with the right one the walk would end its own session
}
REAL = {"household_id": HOUSEHOLD, "action": "resolve", "name": "x"}  # path values that reach the route's work


def page_routes(app: FastAPI) -> list[RouteContext]:
    routes = [r for r in iter_route_contexts(app.routes) if isinstance(r.original_route, APIRoute)
              and r.endpoint.__module__.startswith("api.pages.")]
    assert len(routes) > 25  # every page module's routes, read from the app itself
    return routes


def query_names(dependant: Dependant) -> list[str]:
    """The query values a route declares, its dependencies' included."""
    return [p.alias for p in dependant.query_params] + [n for d in dependant.dependencies for n in query_names(d)]


def values_of(route: RouteContext) -> list[str]:
    """Every query or form value the route reads."""
    declared = query_names(route.original_route.dependant)
    return declared + UNDECLARED.get(route.path, []) + FORMS.get(route.path, [])


def path_for(route: RouteContext, site: Site, hostile: str | None = None) -> str:
    def value(name: str) -> str:
        if hostile is not None:
            return quote(hostile, safe="")
        return {"alert_id": site.alert, **REAL}.get(name, "x")

    return re.sub(r"{([^}]+)}", lambda m: value(m.group(1)), route.path)


def ask(client: httpx.Client, site: Site, role: str | None, route: RouteContext, path: str,
        values: dict[str, str]) -> httpx.Response:
    method = sorted(route.methods)[0]
    if method == "GET":
        return client.get(path, params=values)
    if route.path in ("/field/observations", "/field/observations/{observation_id}/correction"):
        headers = {"X-CSRF-Token": site.csrf(role)} if role else {}
        return client.post(path, json={"observations": [values], **values}, headers=headers)
    # a form is answered by a redirect to its page, which shows the refusal with its status (post/redirect/get)
    return client.post(path, data={"csrf": site.csrf(role) if role else "", **values}, follow_redirects=True)


def assert_answered(response: httpx.Response, what: str) -> int:
    assert response.status_code < 500, (what, response.status_code, response.text[:300])
    if response.status_code == 422 and response.headers["content-type"].startswith("text/html"):
        assert '<html lang="zh-CN">' in response.text, what  # a page in Chinese saying what is wrong, not a trace
    return response.status_code


# Routes where each role's walk must have met the 422 page (so the walk reached what the routes check).
REFUSED = {"caseworker": {"/work", "/catalog", "/work/alerts/{alert_id}/{action}"},
           "supervisor": {"/work", "/dashboard", "/audit/response-times", "/audit/equity"},
           "auditor": {"/audit/households/{household_id}", "/audit/response-times", "/audit/equity"},
           "informant": {"/field/report", "/field/mine/{observation_id}/retraction"}}


@pytest.mark.parametrize("role", [None, *ROLES])
def test_no_page_route_answers_500_to_hostile_values(site: Site, role: str | None) -> None:
    answered: dict[str, set[int]] = {}
    with site.client(role) as client:
        for route in page_routes(site.app):
            statuses = answered.setdefault(route.path, set())
            for hostile in HOSTILE:
                if "{" in route.path:
                    what = f"{role} {route.path} path={hostile[:20]!r}"
                    statuses.add(assert_answered(ask(client, site, role, route, path_for(route, site, hostile), {}),
                                                 what))
                for name in values_of(route):
                    what = f"{role} {route.path} {name}={hostile[:20]!r}"
                    statuses.add(assert_answered(ask(client, site, role, route, path_for(route, site), {name: hostile}),
                                                 what))
    refused = {path for path, statuses in answered.items() if 422 in statuses}
    assert REFUSED.get(role or "", set()) <= refused, sorted(refused)


def test_the_queue_bounds_its_offset_like_the_api(site: Site) -> None:
    with site.client("caseworker") as caseworker:
        huge = caseworker.get("/work", params={"offset": "99999999999999999999999"})
        assert huge.status_code == 422 and "参数有误" in huge.text and "不能大于 1000000000" in huge.text
        english = caseworker.get("/work", params={"offset": "-1", "lang": "en"})
        assert english.status_code == 422 and "Invalid value" in english.text and "offset" in english.text
        assert caseworker.get("/work", params={"offset": "1000000000"}).status_code == 200
        bad_enum = caseworker.get("/work", params={"severity": "urgent", "lang": "zh"})
        assert bad_enum.status_code == 422 and "必须是以下之一" in bad_enum.text


def test_a_lookup_redirect_cannot_carry_a_header(site: Site) -> None:
    with site.client("auditor") as auditor:
        answer = auditor.get("/audit", params={"household": "a\r\nSet-Cookie: x=1"})
        assert answer.status_code == 303 and "set-cookie" not in answer.headers
        assert answer.headers["location"] == "/audit/households/a%0D%0ASet-Cookie%3A%20x%3D1"


# --- 11. exposure: /docs from local assets, /health details for operators only ------------------------------

def test_docs_load_nothing_from_another_host(site: Site) -> None:
    with site.client() as anonymous:
        docs = anonymous.get("/docs")
        assert docs.status_code == 200
        references = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
        assert references and all(r.startswith("/") and not r.startswith("//") or r == "data:," for r in references)
        assert "http" not in docs.text
        for reference in (r for r in references if r.startswith("/")):
            asset = anonymous.get(reference)
            assert asset.status_code == 200 and len(asset.content) > 100, reference
        assert anonymous.get("/redoc").status_code == 404


def test_anonymous_health_shows_status_but_no_address_pid_or_figures(site: Site) -> None:
    with site.client() as anonymous:
        response = anonymous.get("/health")
        forged = anonymous.get("/health", headers={"Authorization": "Bearer forged"})
        as_caseworker = anonymous.get("/health", headers=site.people.headers("caseworker"))
        as_admin = anonymous.get("/health", headers=site.people.headers("admin"))
        as_integration = anonymous.get("/health", headers=site.people.headers("integration"))
    full = as_admin.json()
    pid = str(full["components"]["broker"]["pid"]) if "broker" in full["components"] else None
    for answer in (response, forged, as_caseworker):
        assert answer.status_code == 200
        body = answer.json()
        assert body["status"] == "ok" and set(body) == {"status", "down", "lagging", "components"}
        assert all(c == {"status": "up"} for c in body["components"].values()), body
        assert site.runtime.kafka not in answer.text and (pid is None or pid not in answer.text)
    assert full["kafka"] == site.runtime.kafka and "lag" in full["components"]["relay"]
    assert as_integration.json()["kafka"] == site.runtime.kafka
