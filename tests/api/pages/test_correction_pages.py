"""Issue 7 in the browser: the informant at phone size (390×844) reports an income and a visit, opens
「我的上报」, corrects the income through the same form filled with its values (the original is then
marked corrected, the correction in force, in the store too) and withdraws the visit with a reason
(asked for next to the field when left empty); the caseworker's household page shows each status in
the timeline; the supervisor's dashboard lists an alert escalated past its SLA (days escalated,
assignee, link to the alert page) and the informant's row with the correction and the retraction."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.conftest import poll_until
from tests.api.pages.conftest import log_in, new_page, screenshot
from tests.api.pages.data import poor_household, raise_alerts, tick

PhoneFixture = tuple[BrowserContext, Page]


def in_force(runtime: Any, household: str, kind: str) -> list[dict[str, Any]]:
    return [o for o in runtime.assessor.observations_of(household) if o["kind"] == kind]


def escalate(runtime: Any) -> str:
    """CQ-E1's MISSED.DIBAO alert, left unacknowledged past sla.ack.high, two days after its escalation."""
    (alert_id,) = raise_alerts(runtime, "CQ-E1")
    runtime.intake.accept(tick("2025-08-12"))
    runtime.drain()
    poll_until(lambda: runtime.views.query("SELECT 1 FROM alerts WHERE alert_id = ? AND escalated_on = '2025-08-12'",
                                           (alert_id,)), message="the escalation")
    runtime.intake.accept(tick("2025-08-14"))
    runtime.drain()
    poll_until(lambda: runtime.assessor.clock().isoformat() == "2025-08-14", message="the clock on 2025-08-14")
    return alert_id


def report(page: Page, kind: str, fill: dict[str, str], choose: dict[str, str]) -> None:
    page.goto(f"/field/report?kind={kind}")
    page.get_by_label("家庭编号（本网格）").fill("CQ-C1")
    for label, value in fill.items():
        page.get_by_label(label).fill(value)
    for label, value in choose.items():
        page.get_by_label(label).select_option(value)
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#sent li.sent")).to_have_count(1)


def test_correct_and_withdraw_then_the_caseworker_and_the_supervisor_see_it(
        phone: PhoneFixture, browser: Browser, site: Any) -> None:
    url, runtime, _ = site
    assert runtime.intake.accept(poor_household("CQ-C1")[0]).status == "accepted"  # registered in my grid
    alert_id = escalate(runtime)
    _, page = phone
    log_in(page, "informant")
    report(page, "household.income_reported", {"家庭月收入(元)": "800", "收入所属月份": "2025-07"},
           {"收入类型": "stable", "来源": "declared"})
    report(page, "household.visited", {"说明": "敲门无人应答"}, {"走访目的": "routine"})
    (income,) = in_force(runtime, "CQ-C1", "household.income_reported")
    (visit,) = in_force(runtime, "CQ-C1", "household.visited")

    page.get_by_role("link", name="我的上报").click()
    expect(page.get_by_role("heading", name="我的上报", level=1)).to_be_visible()
    mine = page.locator("article.submission")
    expect(mine.first).to_have_attribute("data-observation", visit["observation_id"])  # newest first
    original = page.locator(f'article[data-observation="{income["observation_id"]}"]')
    expect(original).to_have_attribute("data-status", "in_force")
    expect(original.locator(".status")).to_have_text("现行有效")
    screenshot(page, "informant_mine")

    original.get_by_role("link", name="更正").click()
    expect(page.get_by_role("heading", name="更正：收入情况")).to_be_visible()
    expect(page.locator("#f-household")).to_have_value("CQ-C1")
    expect(page.locator("#f-household")).to_have_attribute("readonly", "")
    expect(page.get_by_label("家庭月收入(元)")).to_have_value("800")
    expect(page.get_by_label("收入所属月份")).to_have_value("2025-07")
    expect(page.get_by_label("收入类型")).to_have_value("stable")
    screenshot(page, "informant_correction_form")
    page.get_by_label("家庭月收入(元)").fill("-1")
    page.get_by_role("button", name="提交更正").click()
    expect(page.locator("#f-data-monthly_income-err")).not_to_be_empty()  # the server's message, in Chinese
    expect(page.locator("#f-data-monthly_income")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "informant_correction_refused_field", full_page=False)
    page.get_by_label("家庭月收入(元)").fill("1200")
    page.get_by_role("button", name="提交更正").click()
    expect(page.locator("#done")).to_contain_text("更正已提交")
    (corrected,) = in_force(runtime, "CQ-C1", "household.income_reported")
    assert corrected["data"]["monthly_income"] == 1200 and corrected["corrects"] == income["observation_id"]
    assert corrected["observed_at"] == income["observed_at"]  # it says what was seen then
    expect(original).to_have_attribute("data-status", "corrected")
    expect(original).to_contain_text(f"已由 {corrected['observation_id']} 更正")
    expect(original.get_by_role("link", name="更正")).to_have_count(0)
    replacement = page.locator(f'article[data-observation="{corrected["observation_id"]}"]')
    expect(replacement).to_have_attribute("data-status", "in_force")
    expect(replacement).to_contain_text(f"本条更正了 {income['observation_id']}")
    screenshot(page, "informant_mine_corrected")
    stale = page.goto(f"/field/mine/{income['observation_id']}/correct")  # the original again: refused
    assert stale is not None and stale.status == 409
    expect(page.locator("#problem")).to_have_text(f"该观察已被 {corrected['observation_id']} 更正，请更正现行记录")
    screenshot(page, "informant_correction_refused", full_page=False)
    page.goto("/field/mine")

    withdrawn = page.locator(f'article[data-observation="{visit["observation_id"]}"]')
    withdrawn.locator("summary", has_text="撤回").click()
    withdrawn.get_by_role("button", name="确认撤回").click()  # no reason given
    withdrawn = page.locator(f'article[data-observation="{visit["observation_id"]}"]')
    expect(withdrawn.locator(".field-error")).to_have_text("请填写撤回原因")
    expect(withdrawn.get_by_label("撤回原因")).to_be_visible()
    screenshot(page, "informant_retract_reason_required", full_page=False)  # focused on the field
    withdrawn.get_by_label("撤回原因").fill("走错了门，不是这一户")
    withdrawn.get_by_role("button", name="确认撤回").click()
    expect(page.locator("#done")).to_have_text("已撤回该记录。")
    withdrawn = page.locator(f'article[data-observation="{visit["observation_id"]}"]')
    expect(withdrawn).to_have_attribute("data-status", "retracted")
    expect(withdrawn).to_contain_text("原因：走错了门，不是这一户")
    assert in_force(runtime, "CQ-C1", "household.visited") == []
    withdrawn.scroll_into_view_if_needed()
    screenshot(page, "informant_mine_retracted", full_page=False)

    desk_context, desk = new_page(browser, url)
    log_in(desk, "caseworker")
    desk.goto("/households/CQ-C1")
    for oid, status, words in ((income["observation_id"], "corrected", f"已更正 由 {corrected['observation_id']} 更正"),
                               (corrected["observation_id"], "in_force", f"现行有效 更正 {income['observation_id']}"),
                               (visit["observation_id"], "retracted", "已撤回 test-informant 撤回：走错了门，不是这一户")):
        cell = desk.locator(f'tr[id="obs-{oid}"] td.entry-status')
        expect(cell).to_have_attribute("data-status", status)
        expect(cell).to_have_text(words)
    screenshot(desk, "caseworker_household_corrections")
    desk_context.close()

    boss_context, boss = new_page(browser, url)
    log_in(boss, "supervisor")
    row = boss.locator(f'#escalation-list tr[data-alert="{alert_id}"]')
    expect(row).to_contain_text("CQ-E1")
    expect(row.locator("td.days")).to_have_text("2")
    expect(row.locator("td.assignee")).to_have_text("未分配")
    activity = boss.locator('#informant-activity tr[data-informant="test-informant"]')
    counts = {"observations": "5", "registrations": "2", "visits": "1", "corrections": "1", "retractions": "1",
              "verifications": "0"}
    for column, value in counts.items():
        expect(activity.locator(f'td[data-count="{column}"]')).to_have_text(value)
    screenshot(boss, "supervisor_dashboard_escalations_activity")
    this_month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")  # when they were recorded
    boss.get_by_label("月份").fill("2001-01")
    boss.get_by_role("button", name="筛选").click()
    expect(boss.locator("#informant-activity")).to_have_count(0)
    boss.get_by_label("月份").fill(this_month)
    boss.get_by_role("button", name="筛选").click()
    expect(boss.locator('#informant-activity tr[data-informant="test-informant"] td[data-count="corrections"]'))\
        .to_have_text("1")
    row.get_by_role("link").click()
    expect(boss.locator("#why-rule")).to_contain_text("收入低于低保标准但未纳入低保")
    boss_context.close()
