"""The caseworker's flow in the browser: the queue of the jurisdiction with its SLA clock → the household
360 page (members unmasked for the caseworker, both times on the timeline) → the alert explained in
Chinese → assign, acknowledge, request verification, resolve with an outcome and a note; the alert is
then closed in the store's read view. A refused step shows the workflow's Chinese reason."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.conftest import poll_until
from tests.api.pages.conftest import log_in, screenshot
from tests.api.pages.data import raise_alerts


def test_from_the_queue_to_a_resolved_alert(desk: Page, site: Any) -> None:
    url, runtime, _ = site
    (alert_id,) = raise_alerts(runtime, "CQ-P1")
    log_in(desk, "caseworker")
    row = desk.locator(f'tr[data-alert="{alert_id}"]')
    expect(row).to_contain_text("CQ-P1")
    expect(row).to_contain_text("紧急")  # high
    expect(row).to_contain_text("剩余")  # the SLA clock: days left to acknowledge
    desk.get_by_label("紧急程度").select_option("critical")
    desk.get_by_role("button", name="筛选").click()
    expect(desk.locator(f'tr[data-alert="{alert_id}"]')).to_have_count(0)
    desk.get_by_label("紧急程度").select_option("high")
    desk.get_by_role("button", name="筛选").click()
    screenshot(desk, "caseworker_queue")

    desk.locator(f'tr[data-alert="{alert_id}"]').get_by_role("link", name="CQ-P1").click()
    expect(desk.get_by_role("heading", name="家庭档案 CQ-P1")).to_be_visible()
    expect(desk.locator("td.person")).to_have_text("陈晓梅")  # the caseworker of the jurisdiction sees the name
    expect(desk.locator("#timeline tbody tr")).to_have_count(2)
    expect(desk.locator("#obs-CQ-P1-2 time").first).to_have_text("2025-08-03 10:05:00")  # observed, then recorded
    expect(desk.locator("#obs-CQ-P1-2 time").nth(1)).to_have_attribute("datetime", re.compile(r"^20\d\d-.*\+00:00$"))
    screenshot(desk, "caseworker_household")

    desk.goto(f"/work/alerts/{alert_id}")
    expect(desk.locator("#why-rule")).to_contain_text("收入低于低保标准但未纳入低保")
    expect(desk.locator("#looks-for")).to_contain_text("低于低保标准")
    expect(desk.locator("#facts")).to_contain_text("家庭人均月收入(元)")
    expect(desk.locator("#facts")).to_contain_text("500.00")
    expect(desk.locator("#parameters")).to_contain_text("城市低保标准")
    expect(desk.locator("#parameters")).to_contain_text("重庆市，自 2025-07-01 起施行")
    screenshot(desk, "caseworker_alert")

    desk.get_by_role("button", name="分配").click()
    expect(desk.locator("#done")).to_have_text("已完成：分配")
    expect(desk.locator("#alert-assignee")).to_have_text("test-caseworker")
    desk.get_by_role("button", name="签收").click()
    expect(desk.locator("#alert-state")).to_have_text("已签收")
    desk.get_by_role("button", name="派发入户核实").click()
    expect(desk.locator("#alert-state")).to_have_text("待核实")

    desk.get_by_label("办理结果").select_option("other")
    desk.get_by_role("button", name="办结").click()
    expect(desk.locator("#problem")).to_have_text("选择“其他”时必须填写说明")
    desk.get_by_label("办理结果").select_option("enrolled")
    desk.get_by_label("说明").fill("已协助提交低保申请")
    desk.get_by_role("button", name="办结").click()
    expect(desk.locator("#alert-state")).to_contain_text("已关闭")
    expect(desk.locator(".history")).to_contain_text("已协助提交低保申请")
    screenshot(desk, "caseworker_resolved")

    def closed() -> Any:
        rows = runtime.views.query("SELECT status, close_reason FROM alerts WHERE alert_id = ?", (alert_id,))
        return rows[0]["status"] == "closed" and rows[0]["close_reason"] == "enrolled"
    poll_until(closed, message="the alert to be resolved as enrolled in the read view")


def test_masked_for_the_auditor_and_404_outside_the_jurisdiction(desk: Page, site: Any) -> None:
    url, runtime, _ = site
    raise_alerts(runtime, "CQ-P2")
    runtime.identity.add_user("other-caseworker", "caseworker", "500103002", password="other-password")
    log_in(desk, "auditor")
    desk.goto("/households/CQ-P2")
    expect(desk.locator("td.person")).to_have_text("陈**")
    expect(desk.get_by_role("button", name="签收")).to_have_count(0)
    desk.context.clear_cookies()
    desk.goto("/login")
    desk.get_by_label("用户名").fill("other-caseworker")
    desk.get_by_label("密码").fill("other-password")
    desk.get_by_role("button", name="登录").click()
    response = desk.goto("/households/CQ-P2")
    assert response is not None and response.status == 404
    expect(desk.get_by_role("heading", name="未找到")).to_be_visible()
