"""The informant's submissions pages over plain HTTP: refusals shown as clear Chinese messages with the
household's own status (not yours 403, already corrected 409, a registration never retracted 409,
unknown 404), a retraction needing its reason next to the field, the correction endpoint needing the
CSRF header and answering a re-send as a duplicate, and the dashboard's month filter checked."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.api.pages.data import envelope, poor_household
from tests.api.pages.test_page_http import csrf_of, logged_in, refused_form


def meta_csrf(html: str) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found, html
    return found.group(1)


def seed(runtime: Any) -> None:
    """A household of the informant's grid, an income the informant sent and a visit someone else sent."""
    other = dict(envelope("CQ-H1-v", "CQ-H1", "household.visited", {"purpose": "routine"},
                          at="2025-08-03T11:00:00+08:00"), informant="another-informant")
    outcomes = runtime.intake.accept_batch([*poor_household("CQ-H1"), other])
    assert {o.status for o in outcomes} == {"accepted"}, [o.to_json() for o in outcomes]
    runtime.drain()


def correction(oid: str, amount: int) -> dict[str, Any]:
    body = envelope(oid, "CQ-H1", "household.income_reported",
                    {"monthly_income": amount, "period": "2025-07", "income_type": "stable", "source": "declared"},
                    at="2025-08-03T10:05:00+08:00")
    return {k: v for k, v in body.items() if k != "informant"}


def test_refusals_are_clear_chinese_messages(site: Any) -> None:
    url, runtime, _ = site
    seed(runtime)
    with logged_in(url, "informant") as client:
        listed = client.get("/field/mine")
        assert listed.status_code == 200 and "CQ-H1-2" in listed.text and "CQ-H1-v" not in listed.text
        form = client.get("/field/mine/CQ-H1-2/correct")
        assert form.status_code == 200 and 'value="500"' in form.text and 'data-corrects="CQ-H1-2"' in form.text

        registration_form = client.get("/field/mine/CQ-H1-1/correct")  # the register form, filled in
        assert registration_form.status_code == 200 and 'data-corrects="CQ-H1-1"' in registration_form.text
        assert 'value="陈晓梅"' in registration_form.text and 'value="CQ-H1-R1"' in registration_form.text
        assert re.search(r'<option value="F" selected>', registration_form.text)
        assert 'id="f-household" data-field="household"' in registration_form.text and "readonly" in registration_form.text
        not_mine = client.get("/field/mine/CQ-H1-v/correct")
        assert not_mine.status_code == 403 and "只能更正或撤回本人提交的观察记录" in not_mine.text
        token = csrf_of(listed.text)
        withdrawn = refused_form(client, "/field/mine/CQ-H1-v/retraction", {"csrf": token, "reason": "不是我"},
                                 "/field/mine")
        assert withdrawn.status_code == 403 and "只能更正或撤回本人提交的观察记录" in withdrawn.text
        registration = refused_form(client, "/field/mine/CQ-H1-1/retraction", {"csrf": token, "reason": "录错了"},
                                    "/field/mine")
        assert registration.status_code == 409 and "户登记不能撤回，请改为更正" in registration.text
        unknown = client.get("/field/mine/NOPE/correct")
        assert unknown.status_code == 404 and "未知的观察记录 NOPE" in unknown.text

        blank = refused_form(client, "/field/mine/CQ-H1-2/retraction", {"csrf": token, "reason": "  "}, "/field/mine")
        assert blank.status_code == 422
        assert re.search(r'id="reason-\d+-err" role="alert">请填写撤回原因<', blank.text)
        forged = refused_form(client, "/field/mine/CQ-H1-2/retraction", {"csrf": "forged", "reason": "x"}, "/field/mine")
        assert forged.status_code == 403 and "表单已过期" in forged.text

        csrf = meta_csrf(form.text)
        path = "/field/observations/CQ-H1-2/correction"
        assert client.post(path, json=correction("CQ-H1-2b", 900)).status_code == 403  # no CSRF header
        first = client.post(path, json=correction("CQ-H1-2b", 900), headers={"X-CSRF-Token": csrf})
        again = client.post(path, json=correction("CQ-H1-2b", 900), headers={"X-CSRF-Token": csrf})
        assert (first.json()["result"]["status"], again.json()["result"]["status"]) == ("accepted", "duplicate")
        twice = client.post(path, json=correction("CQ-H1-2c", 950), headers={"X-CSRF-Token": csrf}).json()["result"]
        assert twice["status"] == "rejected" and "该观察已被 CQ-H1-2b 更正" in twice["errors"][0]["message_zh"]
        stale = client.get("/field/mine/CQ-H1-2/correct")
        assert stale.status_code == 409 and "该观察已被 CQ-H1-2b 更正，请更正现行记录" in stale.text
        incomes = [o for o in runtime.assessor.observations_of("CQ-H1") if o["kind"] == "household.income_reported"]
        assert [(o["observation_id"], o["data"]["monthly_income"]) for o in incomes] == [("CQ-H1-2b", 900)]
    with httpx.Client(base_url=url, timeout=30) as anonymous:
        assert anonymous.post("/field/observations/CQ-H1-2b/correction", json={}).status_code == 401


def test_the_dashboard_month_filter_is_checked(site: Any) -> None:
    url, runtime, _ = site
    seed(runtime)
    with logged_in(url, "supervisor") as client:
        bad = client.get("/dashboard", params={"month": "2025-13"})
        assert bad.status_code == 422 and "月份格式应为 YYYY-MM" in bad.text
        assert 'data-informant="test-informant"' in bad.text  # the filter is left out, every month shown
        none = client.get("/dashboard", params={"month": "2001-01"})
        assert none.status_code == 200 and 'data-informant="test-informant"' not in none.text
        assert 'id="escalations"' in none.text
