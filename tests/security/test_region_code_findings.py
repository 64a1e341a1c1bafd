"""Issue 14, finding 2: town codes ending in zeros. `region_prefix` stripped trailing zero pairs from every
code, so the town `500103100` read as `5001031` and covered towns 100–199: its caseworker read and acted on a
household of town 101, its supervisor's statistics counted it, and a dibao standard set for town 100 judged
town 101's households. Each test repeats the attack over real HTTP on a real pipeline; each fails on the
main branch before codes were read by level (RULES.md § Parameters, `domain/region_codes.py`)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from infra.runtime import Runtime
from tests.api.http.test_alert_workflow_http import envelope, tick
from tests.api.pages.test_page_http import csrf_of
from tests.people import People
from tests.serving import served_pipeline

TOWN, NEIGHBOUR = "500103100", "500103101"  # town 100 and its neighbour, town 101
HOME_VILLAGE, NEIGHBOUR_VILLAGE = f"{TOWN}001", f"{NEIGHBOUR}001"
TOWN_STANDARD = 2000  # a dibao standard set for town 100 alone (Chongqing's is 770)
PASSWORD = "town-100-password"
PROBLEM = "application/problem+json"


def registered(household: str, village: str, income: int) -> list[dict[str, Any]]:
    """One urban resident with a stable monthly income, in a village of town 100 or 101."""
    return [
        dict(envelope(f"{household}-1", household, "household.registered", {
            "region": village, "grid": f"{village}-01", "address": "某镇某村1号", "hukou": "urban",
            "members": [{"resident": f"{household}-R1", "name": "邻某", "sex": "F", "birth_date": "1970-02-03",
                         "relation": "head"}]}), informant="x"),
        dict(envelope(f"{household}-2", household, "household.income_reported",
                      {"monthly_income": income, "period": "2025-07", "income_type": "stable",
                       "source": "declared"}), informant="x"),
    ]


@pytest.fixture(scope="module")
def towns(broker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Towns 100 and 101 with a village each; town 100's caseworker and supervisor; a dibao standard for
    town 100 set over HTTP; in town 100 H100 (income 1,600: under town 100's standard), in town 101 H101
    (income 1,600: above Chongqing's and its edge line, 1.5 × 770) and P101 (income 500: under Chongqing's, its MISSED.DIBAO alert is
    the one attacked), escalated by a tick past the time to acknowledge."""
    data: Path = tmp_path_factory.mktemp("town-codes")
    with served_pipeline(broker, data) as (url, runtime, people):
        identity = runtime.identity
        for code, name, parent in [(TOWN, "一百镇", "500103"), (HOME_VILLAGE, "一百镇一村", TOWN),
                                   (NEIGHBOUR, "一百零一镇", "500103"), (NEIGHBOUR_VILLAGE, "一百零一镇一村", NEIGHBOUR)]:
            identity.add_jurisdiction(code, name, parent)
        headers = {role: {"Authorization": f"Bearer {runtime.identity.add_user(f'town-{role}', role, TOWN, PASSWORD)}"}
                   for role in ("caseworker", "supervisor")}
        with httpx.Client(base_url=url, timeout=60) as client:
            standard = client.post("/api/v1/parameters", headers=people.headers("admin"), json={
                "name": "dibao.standard_monthly.urban", "region": TOWN, "from": "2025-01-01", "value": TOWN_STANDARD})
            assert standard.status_code == 201, standard.text
        envelopes = [*registered("H100", HOME_VILLAGE, 1600), *registered("H101", NEIGHBOUR_VILLAGE, 1600),
                     *registered("P101", NEIGHBOUR_VILLAGE, 500), tick("2025-08-04")]
        assert {r.status for r in runtime.intake.accept_batch(envelopes)} == {"accepted"}
        runtime.drain()
        runtime.intake.accept(tick("2025-08-20"))  # past sla.ack.high: both alerts escalated
        runtime.drain()
        yield {"url": url, "runtime": runtime, "people": people, "headers": headers}


def alerts_of(towns: dict[str, Any], household: str) -> list[dict[str, Any]]:
    """A household's alerts as the auditor (who reads everywhere) sees them."""
    with httpx.Client(base_url=towns["url"], timeout=60, headers=towns["people"].headers("auditor")) as client:
        return client.get("/api/v1/alerts", params={"household": household}).json()["alerts"]


def neighbours_alert(towns: dict[str, Any]) -> dict[str, Any]:
    (alert,) = alerts_of(towns, "P101")
    assert alert["rule"] == "MISSED.DIBAO" and alert["region"] == NEIGHBOUR_VILLAGE and alert["status"] == "open"
    return alert


@contextmanager
def as_town(towns: dict[str, Any], role: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=towns["url"], timeout=60, headers=towns["headers"][role]) as client:
        yield client


@contextmanager
def page_session(towns: dict[str, Any], role: str) -> Iterator[httpx.Client]:
    """Town 100's user signed in on the pages (session cookie, CSRF token on the form)."""
    with httpx.Client(base_url=towns["url"], timeout=60) as client:
        form = client.get("/login")
        signed_in = client.post("/login", data={"csrf": csrf_of(form.text), "name": f"town-{role}",
                                                "password": PASSWORD, "next": ""})
        assert signed_in.status_code == 303, signed_in.text
        yield client


def assert_region_problem(response: httpx.Response, field: str, code: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    (error,) = [e for e in response.json()["errors"] if e["field"] == field]
    assert code in error["message"] and code in error["message_zh"] and "不是有效的行政区划代码" in error["message_zh"]


def test_town_100s_caseworker_cannot_read_a_household_of_town_101(towns: dict[str, Any]) -> None:
    with as_town(towns, "caseworker") as client:
        assert client.get("/api/v1/households/H100").status_code == 200  # their own town's: read in full
        refused = client.get("/api/v1/households/P101")
        assert refused.status_code == 404 and "邻某" not in refused.text
        assert [a["household"] for a in client.get("/api/v1/alerts").json()["alerts"]] == ["H100"]
    with page_session(towns, "caseworker") as pages:
        page = pages.get("/households/P101")
        assert page.status_code == 404 and "邻某" not in page.text


def test_town_100s_caseworker_cannot_read_or_act_on_town_101s_alert(towns: dict[str, Any]) -> None:
    alert = neighbours_alert(towns)
    path = f"/api/v1/alerts/{alert['alert_id']}"
    with as_town(towns, "caseworker") as client:
        assert client.get(path).status_code == 404
        assert client.post(f"{path}/acknowledge", json={}).status_code == 404
        assert client.post(f"{path}/resolve", json={"outcome": "not_eligible", "note": "邻镇的"}).status_code == 404
    with page_session(towns, "caseworker") as pages:
        assert pages.get(f"/work/alerts/{alert['alert_id']}").status_code == 404
    towns["runtime"].drain()
    after = neighbours_alert(towns)
    assert after["acknowledged_by"] is None and after["status"] == "open"  # nothing was done by the outsider


def test_town_100s_supervisor_statistics_leave_town_101_out(towns: dict[str, Any]) -> None:
    neighbours_alert(towns)  # it exists, open and escalated, and must not be counted below
    with as_town(towns, "supervisor") as client:
        gaps = client.get("/api/v1/statistics/gaps").json()
        assert gaps["region"] == TOWN and {c["community"] for c in gaps["communities"]} == {HOME_VILLAGE}
        escalated = client.get("/api/v1/escalations").json()
        assert escalated["total"] == 1 and [a["household"] for a in escalated["alerts"]] == ["H100"]
        equity = client.get("/api/v1/audit/equity").json()
        assert equity["residents"] == 1
        assert [g["group"] for g in equity["groups"]["community"]] == [HOME_VILLAGE]
        times = client.get("/api/v1/audit/response-times").json()
        assert [g["group"] for g in times["groups"]] == [HOME_VILLAGE]
        narrowed = client.get("/api/v1/statistics/gaps", params={"region": NEIGHBOUR}).json()
        assert narrowed["region"] == TOWN  # a neighbour asked for: their own town, as for any region not theirs
        assert {c["community"] for c in narrowed["communities"]} == {HOME_VILLAGE}
    with page_session(towns, "supervisor") as pages:
        dashboard = pages.get("/dashboard")
        assert dashboard.status_code == 200 and HOME_VILLAGE in dashboard.text
        assert NEIGHBOUR_VILLAGE not in dashboard.text


def test_a_towns_dibao_standard_does_not_apply_to_the_neighbouring_town(towns: dict[str, Any]) -> None:
    assert [a["rule"] for a in alerts_of(towns, "H100")] == ["MISSED.DIBAO"]  # 1,600 < town 100's 2,000
    assert alerts_of(towns, "H101") == []  # 1,600 > Chongqing's 770: town 100's standard is not town 101's
    with httpx.Client(base_url=towns["url"], timeout=60, headers=towns["people"].headers("auditor")) as client:
        def standard(region: str) -> dict[str, Any]:
            found = client.get("/api/v1/parameters", params={"region": region, "on": "2025-08-04"})
            assert found.status_code == 200, found.text
            return found.json()["values"]["dibao.standard_monthly.urban"]
        assert standard(HOME_VILLAGE) == {"value": TOWN_STANDARD, "region": TOWN, "from": "2025-01-01"}
        assert standard(NEIGHBOUR_VILLAGE)["value"] == 770 and standard(NEIGHBOUR_VILLAGE)["region"] == "50"
        assert standard("500103199001")["value"] == 770


@pytest.mark.parametrize(("path", "code"), [
    ("/api/v1/alerts", "500103100000"),
    ("/api/v1/statistics/gaps", "5001031"),  # the old reading of town 100: read town 100 to 199 on main
    ("/api/v1/statistics/informants", "500103000"),
    ("/api/v1/escalations", "5001031"),
    ("/api/v1/audit/equity", "5000"),
    ("/api/v1/audit/response-times", "000000"),
    ("/api/v1/parameters", "500103100000"),
])
def test_a_region_query_that_is_no_code_is_a_422_naming_region(towns: dict[str, Any], path: str, code: str) -> None:
    with as_town(towns, "supervisor") as client:
        assert_region_problem(client.get(path, params={"region": code}), "region", code)


def test_codes_that_are_no_codes_are_refused_where_they_enter(towns: dict[str, Any]) -> None:
    admin = towns["people"].headers("admin")
    with httpx.Client(base_url=towns["url"], timeout=60, headers=admin) as client:
        parameter = client.post("/api/v1/parameters", json={"name": "dibao.standard_monthly.urban",
                                                             "region": "500103000", "from": "2025-01-01", "value": 1})
        assert_region_problem(parameter, "region", "500103000")
        village = client.post("/api/v1/jurisdictions", json={"code": "500103100000", "name": "零村", "parent": TOWN})
        assert_region_problem(village, "code", "500103100000")
        assert "500103100000" not in client.get("/api/v1/jurisdictions").text
        user = client.post("/api/v1/users", json={"name": "zero-town", "role": "caseworker",
                                                  "jurisdiction": "500103000"})
        assert_region_problem(user, "jurisdiction", "500103000")
    with as_town(towns, "caseworker") as client:
        registration = registered("Z100", HOME_VILLAGE, 1000)[0]
        registration["data"]["region"] = "500103100000"
        del registration["informant"]
        refused = client.post("/api/v1/observations", json=registration)
        assert refused.status_code == 422 and "data.region" in refused.text and "500103100000" in refused.text


@pytest.mark.parametrize("path", ["/audit/equity", "/audit/response-times", "/catalog"])
def test_a_region_field_that_is_no_code_is_a_chinese_422_page(towns: dict[str, Any], path: str) -> None:
    with page_session(towns, "supervisor") as pages:
        answer = pages.get(path, params={"region": "500103100000"})
        assert answer.status_code == 422
        assert "&#39;500103100000&#39; 不是有效的行政区划代码" in answer.text and "社区/村级部分为 000" in answer.text
        english = pages.get(path, params={"region": "5001031", "lang": "en"})
        assert english.status_code == 422 and "is not a region code: it has 7 digits" in english.text
