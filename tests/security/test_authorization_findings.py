"""Issue 14, findings 1 and 9, repeated as attacks over real HTTP on real SQLite stores.

Finding 1: an alert raised a moment ago, before the read views have caught up, could be acted on by a
caseworker of another street (the routes checked the jurisdiction only on the view row). Here the process
runs no projections at all, so the views never catch up: the outsider must get 404 on every action and
read, exactly as for an unknown id, while the caseworker and informant of the household's street succeed.

Finding 9: the access log missed reads (the auditor's, the alert pages and API, the informant's grid
lists, the correction form) and recorded no refusal. Here every route that shows a household's personal
data is walked, each read must leave an access record naming the household and the route, and refused
attempts (outside the jurisdiction, role not allowed, not found) must leave one too, listed for auditors
by `GET /api/v1/audit/access?outcome=refused` and on the auditor's page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from api.http.app import create_app
from domain.alerts.alert import Alert, AlertBook
from infra.bootstrap import bootstrap
from infra.http_server import BackgroundServer
from infra.runtime import Runtime
from infra.settings import Settings
from projections import access_log
from tests.people import GRID, People, seed_people

HOUSEHOLD = "CQ-SEC-1"
STREET = "500103001"  # the household's street (七星岗街道)
OTHER_STREET = "500103002"  # 解放碑街道
OTHER_GRID = "500103001001-04"
SLOT = "MISSED.DIBAO|household"
REGISTRATION = {
    "observation_id": "sec-reg-1", "informant": "test-informant", "observed_at": "2026-11-02T09:00:00+08:00",
    "kind": "household.registered", "household": HOUSEHOLD,
    "data": {"region": "500103001001", "grid": GRID, "address": "渝中区七星岗某社区1栋", "hukou": "urban",
             "members": [{"resident": f"{HOUSEHOLD}-1", "name": "张三", "id_number": "500103197004021234",
                          "sex": "M", "birth_date": "1970-04-02", "relation": "head"}]},
}
EXTRA_USERS = [("cw-001", "caseworker", STREET), ("cw-002", "caseworker", OTHER_STREET),
               ("grid-4", "informant", OTHER_GRID)]


@dataclass
class Site:
    url: str
    runtime: Runtime
    people: People
    tokens: dict[str, str]

    def headers(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}


@contextmanager
def site(tmp_path: Path, components: frozenset[str]) -> Iterator[Site]:
    """The application over HTTP on a runtime with only `components` (no Kafka, no rule worker)."""
    runtime = bootstrap(Settings(data_dir=tmp_path, kafka_bootstrap=None), components).start()
    people = seed_people(runtime.identity)
    tokens = {name: runtime.identity.add_user(name, role, code, password=f"{name}-password")
              for name, role, code in EXTRA_USERS}
    server = BackgroundServer(create_app(runtime.services, runtime)).start()
    try:
        yield Site(server.url, runtime, people, tokens)
    finally:
        server.stop()
        runtime.stop()


def raise_alert(runtime: Runtime, household: str = HOUSEHOLD, grid: str | None = GRID,
                escalated: bool = False) -> str:
    """An alert written straight through the alerts application, as the rule worker saves one."""
    book = AlertBook(household)
    alert = Alert(household=household, slot=SLOT, episode=1, rule="MISSED.DIBAO", rule_version=1, category="missed",
                  severity="high", subject_kind="household", subject=household, resident=None,
                  region="500103001001", raised_on="2026-11-03", grid=grid,
                  explanation={"title": {"zh": "疑似符合低保但未纳入", "en": "possibly eligible for dibao"},
                               "facts": {"income_per_person": "420"}, "event_ids": ["sec-reg-1"]})
    if escalated:
        alert.escalate(on="2026-11-06", to=f"supervisor:{STREET}", deadline="2026-11-05")
    book.slot_opened(SLOT, str(alert.id), alert.episode)
    runtime.alerts.save(alert, book)
    return str(alert.id)


def stored(runtime: Runtime, alert_id: str) -> Alert:
    """The alert as the alerts store holds it."""
    alert: Alert = runtime.alerts.repository.get(UUID(alert_id))
    return alert


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


@contextmanager
def signed_in(url: str, name: str, password: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=30) as client:
        form = client.get("/login")
        response = client.post("/login", data={"csrf": csrf_of(form.text), "name": name, "password": password,
                                               "next": ""})
        assert response.status_code == 303, response.text
        yield client


# --- finding 1: acting on another street's alert before the views caught up ------------------------------


@pytest.fixture()
def lagging(tmp_path: Path) -> Iterator[Site]:
    """A process that runs no projections: the read views never see the household or its alert."""
    with site(tmp_path, frozenset()) as served:
        assert served.runtime.intake.accept(REGISTRATION).status == "accepted"
        yield served


ACTIONS = [("assign", {"to": "cw-002"}), ("acknowledge", {}), ("request-verification", {}),
           ("resolve", {"outcome": "not_eligible", "note": "查无此户"}), ("reopen", {"reason": "误关"})]


def test_an_outsider_gets_404_on_every_action_and_read_of_an_alert_the_views_have_not_seen(lagging: Site) -> None:
    alert_id = raise_alert(lagging.runtime)
    assert lagging.runtime.views.query("SELECT * FROM alerts") == []  # the race window, held open
    unknown = str(Alert.id_for("CQ-NOBODY", SLOT, 1))
    with httpx.Client(base_url=lagging.url, timeout=30, headers=lagging.headers("cw-002")) as outsider:
        for action, body in ACTIONS:
            refused = outsider.post(f"/api/v1/alerts/{alert_id}/{action}", json=body)
            absent = outsider.post(f"/api/v1/alerts/{unknown}/{action}", json=body)
            assert (refused.status_code, absent.status_code) == (404, 404), (action, refused.text)
            assert refused.json()["detail"].replace(alert_id, "ID") == absent.json()["detail"].replace(unknown, "ID")
        assert outsider.get(f"/api/v1/alerts/{alert_id}").status_code == 404
        assert outsider.get(f"/api/v1/audit/alerts/{alert_id}").status_code == 403  # not an auditor at all
    with signed_in(lagging.url, "cw-002", "cw-002-password") as page:
        assert page.get(f"/work/alerts/{alert_id}").status_code == 404
        token = csrf_of(page.get("/work").text)
        unknown_page = page.post(f"/work/alerts/{unknown}/acknowledge", data={"csrf": token}, follow_redirects=True)
        for action in ("acknowledge", "resolve", "assign", "request_verification"):
            # post/redirect/get: back to the alert's page, which is not found, as for an alert that never was
            response = page.post(f"/work/alerts/{alert_id}/{action}", data={"csrf": token, "outcome": "not_eligible"},
                                 follow_redirects=True)
            assert response.status_code == 404 and "未找到" in response.text, action
            assert response.text.replace(alert_id, "ID") == unknown_page.text.replace(unknown, "ID"), action
    alert = stored(lagging.runtime, alert_id)
    assert (alert.state, alert.assigned_to, alert.acknowledged_by, alert.status) == ("open", None, None, "open")


def test_the_caseworker_and_informant_of_the_street_act_on_it_meanwhile(lagging: Site) -> None:
    alert_id = raise_alert(lagging.runtime)
    with httpx.Client(base_url=lagging.url, timeout=30, headers=lagging.headers("cw-001")) as insider:
        read = insider.get(f"/api/v1/alerts/{alert_id}")
        assert read.status_code == 200, read.text  # folded from the alert's own events
        assert (read.json()["household"], read.json()["state"]) == (HOUSEHOLD, "open")
        assert insider.post(f"/api/v1/alerts/{alert_id}/assign", json={"to": "cw-002"}).status_code == 422  # not theirs
        assert insider.post(f"/api/v1/alerts/{alert_id}/assign", json={"to": "cw-001"}).json()["state"] == "assigned"
        assert insider.post(f"/api/v1/alerts/{alert_id}/acknowledge").json()["state"] == "acknowledged"
        assert insider.post(f"/api/v1/alerts/{alert_id}/request-verification").json()["state"] == \
            "verification_requested"
    visit = {"outcome": "found_as_reported", "note": "属实"}
    wrong_grid = httpx.post(f"{lagging.url}/api/v1/alerts/{alert_id}/verification", json=visit,
                            headers=lagging.headers("grid-4"), timeout=30)
    assert wrong_grid.status_code == 404
    with signed_in(lagging.url, "grid-4", "grid-4-password") as phone:
        token = csrf_of(phone.get("/field/report").text)
        response = phone.post(f"/field/tasks/{alert_id}/verification", data={"csrf": token, **visit},
                              follow_redirects=True)
        # back to the task list, which says (with a 404) there is no such record in the grid
        assert response.status_code == 404 and "您的辖区内没有该记录" in response.text
    right_grid = httpx.post(f"{lagging.url}/api/v1/alerts/{alert_id}/verification", json=visit,
                            headers=lagging.people.headers("informant"), timeout=30)
    assert right_grid.status_code == 200 and right_grid.json()["state"] == "verified"
    with signed_in(lagging.url, "cw-001", "cw-001-password") as page:
        assert page.get(f"/work/alerts/{alert_id}").status_code == 200
        token = csrf_of(page.get(f"/work/alerts/{alert_id}").text)
        done = page.post(f"/work/alerts/{alert_id}/resolve", data={"csrf": token, "outcome": "enrolled"})
        assert done.status_code == 303
    assert stored(lagging.runtime, alert_id).close_reason == "enrolled"


def test_an_old_alert_without_its_grid_is_judged_on_the_households_store(lagging: Site) -> None:
    alert_id = raise_alert(lagging.runtime, grid=None)
    with httpx.Client(base_url=lagging.url, timeout=30) as client:
        assert client.post(f"/api/v1/alerts/{alert_id}/assign", json={"to": "cw-001"},
                           headers=lagging.headers("cw-001")).status_code == 200
        assert client.post(f"/api/v1/alerts/{alert_id}/acknowledge", headers=lagging.headers("cw-002")).status_code \
            == 404
        assert client.post(f"/api/v1/alerts/{alert_id}/request-verification", json={"grid": GRID},
                           headers=lagging.headers("cw-001")).status_code == 200


def test_the_outsiders_attempts_are_in_the_audit_store_as_refusals(lagging: Site) -> None:
    alert_id = raise_alert(lagging.runtime)
    with httpx.Client(base_url=lagging.url, timeout=30, headers=lagging.headers("cw-002")) as outsider:
        outsider.post(f"/api/v1/alerts/{alert_id}/resolve", json={"outcome": "not_eligible", "note": "x"})
        outsider.get(f"/api/v1/households/{HOUSEHOLD}")
    refusals = [(a.user, a.route, a.reason, a.household, a.alert) for a in recorded(lagging.runtime)]
    assert refusals == [
        ("cw-002", "POST /api/v1/alerts/{id}/resolve", "outside_jurisdiction", HOUSEHOLD, alert_id),
        ("cw-002", "GET /api/v1/households/{id}", "outside_jurisdiction", HOUSEHOLD, None)]


def recorded(runtime: Runtime) -> list[Any]:
    """Every access record in the audit store, oldest first (the source of truth, not the view)."""
    app = runtime.audit
    notifications = app.recorder.select_notifications(1, 10_000)
    return [app.repository.get(app.mapper.to_domain_event(n).originator_id) for n in notifications]


# --- finding 9: every read of personal data and every refusal is in the access log ---------------------------


@pytest.fixture()
def projected(tmp_path: Path) -> Iterator[tuple[Site, str]]:
    """A process with the projections (no Kafka): the household registered, its alert escalated and a visit
    requested from the household's grid, the views caught up."""
    with site(tmp_path, frozenset({"projections"})) as served:
        runtime = served.runtime
        assert runtime.intake.accept(REGISTRATION).status == "accepted"
        alert_id = raise_alert(runtime, escalated=True)
        runtime.workflow.assign(alert_id, "cw-001", "cw-001", _day())
        runtime.workflow.request_verification(alert_id, "cw-001", _day())
        runtime.drain()
        yield served, alert_id


def _day() -> date:
    return date(2026, 11, 7)


API_READS = [  # (user, path) each showing the household's personal data
    ("test-caseworker", "/api/v1/households/{h}"),
    ("test-caseworker", "/api/v1/alerts"),
    ("test-caseworker", "/api/v1/alerts/{a}"),
    ("test-supervisor", "/api/v1/escalations"),
    ("test-informant", "/api/v1/tasks"),
    ("test-auditor", "/api/v1/audit/households/{h}/events"),
    ("test-auditor", "/api/v1/audit/households/{h}"),
    ("test-auditor", "/api/v1/audit/alerts/{a}"),
]
PAGE_READS = [
    ("caseworker", "/work"), ("caseworker", "/households/{h}"), ("caseworker", "/work/alerts/{a}"),
    ("supervisor", "/dashboard"), ("supervisor", "/households/{h}"),
    ("informant", "/field/tasks"), ("informant", "/field/report"), ("informant", "/field/mine"),
    ("informant", "/field/mine/sec-reg-1/correct"),
    ("auditor", "/audit"), ("auditor", "/audit/households/{h}"), ("auditor", "/audit/alerts/{a}"),
    ("auditor", "/households/{h}"),
]


def _template(path: str) -> str:
    """The route as the access log names it: `{id}` for the ids."""
    return re.sub(r"/(CQ-SEC-1|sec-reg-1|[0-9a-f-]{36})(?=/|$)", "/{id}", path)


def test_every_read_of_personal_data_leaves_an_access_record(projected: tuple[Site, str]) -> None:
    served, alert_id = projected
    runtime = served.runtime
    tokens = {f"test-{role}": token for role, token in served.people.tokens.items()}
    for user, path in API_READS:
        target = path.format(h=HOUSEHOLD, a=alert_id)
        before = len(recorded(runtime))
        response = httpx.get(served.url + target, headers={"Authorization": f"Bearer {tokens[user]}"}, timeout=30)
        assert response.status_code == 200, (target, response.text)
        new = recorded(runtime)[before:]
        assert [(a.household, a.user, a.route, a.outcome) for a in new] == [
            (HOUSEHOLD, user, f"GET {_template(target)}", "granted")], target
    for role, path in PAGE_READS:
        target = path.format(h=HOUSEHOLD, a=alert_id)
        with signed_in(served.url, f"test-{role}", f"{role}-password") as page:
            before = len(recorded(runtime))
            response = page.get(target)
            assert response.status_code == 200, (target, response.text[:300])
            new = recorded(runtime)[before:]
        assert [(a.household, a.user, a.route) for a in new] == [
            (HOUSEHOLD, f"test-{role}", f"GET {_template(target)}")], (role, target)
    shown = {(a.route, a.shown) for a in recorded(runtime) if a.user == "test-caseworker"}
    assert ("GET /api/v1/households/{id}", "full") in shown
    assert {a.shown for a in recorded(runtime) if a.user in ("test-auditor", "test-supervisor")} == {"masked"}


def test_refused_attempts_are_recorded_with_why_and_listed_for_auditors(projected: tuple[Site, str]) -> None:
    served, alert_id = projected
    with httpx.Client(base_url=served.url, timeout=30) as client:
        assert client.get(f"/api/v1/households/{HOUSEHOLD}", headers=served.headers("cw-002")).status_code == 404
        assert client.get(f"/api/v1/households/{HOUSEHOLD}", headers=served.headers("grid-4")).status_code == 404
        assert client.get(f"/api/v1/alerts/{alert_id}", headers=served.headers("cw-002")).status_code == 404
        assert client.get(f"/api/v1/households/{HOUSEHOLD}",
                          headers=served.people.headers("admin")).status_code == 403
        assert client.get("/api/v1/audit/households/CQ-NOBODY/events",
                          headers=served.people.headers("auditor")).status_code == 404
    with signed_in(served.url, "test-informant", "informant-password") as phone:
        assert phone.get(f"/work/alerts/{alert_id}").status_code == 403
    served.runtime.drain()
    auditor = served.people.headers("auditor")
    listed = httpx.get(f"{served.url}/api/v1/audit/access", params={"outcome": "refused"}, headers=auditor,
                       timeout=30).json()
    seen = {(a["user"], a["route"], a["reason"], a["household"], a["alert"], a["shown"]) for a in listed["access"]}
    assert seen == {
        ("cw-002", "GET /api/v1/households/{id}", "outside_jurisdiction", HOUSEHOLD, None, "nothing"),
        ("grid-4", "GET /api/v1/households/{id}", "outside_jurisdiction", HOUSEHOLD, None, "nothing"),
        ("cw-002", "GET /api/v1/alerts/{id}", "outside_jurisdiction", HOUSEHOLD, alert_id, "nothing"),
        ("test-admin", "GET /api/v1/households/{id}", "role_not_allowed", HOUSEHOLD, None, "nothing"),
        ("test-auditor", "GET /api/v1/audit/households/{id}/events", "not_found", "CQ-NOBODY", None, "nothing"),
        ("test-informant", "GET /work/alerts/{id}", "role_not_allowed", "", alert_id, "nothing"),
    }
    by_reason = httpx.get(f"{served.url}/api/v1/audit/access", params={"reason": "not_found"}, headers=auditor,
                          timeout=30).json()
    assert [a["household"] for a in by_reason["access"]] == ["CQ-NOBODY"]
    assert httpx.get(f"{served.url}/api/v1/audit/access", params={"outcome": "maybe"}, headers=auditor,
                     timeout=30).status_code == 422
    with signed_in(served.url, "test-auditor", "auditor-password") as desk:
        home = desk.get("/audit")
        assert 'href="/audit/access?outcome=refused"' in home.text
        refusals = desk.get("/audit/access", params={"outcome": "refused"})
        assert refusals.status_code == 200
        assert refusals.text.count('data-outcome="refused"') == 6 and 'data-outcome="granted"' not in refusals.text
        assert "不在本人辖区" in refusals.text and "角色无权查看" in refusals.text and "不存在" in refusals.text
        assert "共 6 次被拒绝的尝试" in refusals.text
        assert desk.get("/audit/access", params={"offset": "9" * 30}).status_code == 422
