"""Leads on the pages: the supervisor (desk) reads the street's leads in Chinese, sends one to a grid chosen by
name, sees a refused step explained after the redirect; the informant (phone) finds the lead among their
tasks (name, masked ID number, address, what was found), opens the registration form filled with the name and
address, types the ID number and registers: the lead is closed as found."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, expect

from tests.api.http.test_leads_http import PERSON, raise_leads
from tests.api.pages.conftest import PHONE, log_in, new_page, screenshot
from tests.conftest import poll_until


def test_a_lead_dispatched_on_the_page_is_registered_from_the_informants_task(browser: Browser, site: Any) -> None:
    url, runtime, _ = site
    raise_leads(runtime)
    context, desk = new_page(browser, url)
    log_in(desk, "supervisor")
    desk.get_by_role("link", name="数据比对线索").click()
    cards = desk.locator("article.lead")
    expect(cards).to_have_count(2)
    first = desk.locator("article.lead[data-lead='education|S1']")
    expect(first).to_contain_text("辍学学生，辖区内无人上报")
    expect(first).to_contain_text("教育局")
    expect(first).to_contain_text("王**")
    expect(first).to_contain_text("50****************")
    expect(first.locator(".lead-state")).to_have_text("待派发")
    screenshot(desk, "supervisor_leads")

    first.locator("form.dismiss button").click()  # no reason chosen: refused, said on the page after the redirect
    expect(desk.locator("#lead-problem")).to_contain_text("撤销原因必须是")
    assert desk.url.endswith("/leads")
    first = desk.locator("article.lead[data-lead='education|S1']")
    first.locator("form.dispatch select").select_option(label="某社区 第3网格")
    first.locator("form.dispatch button").click()
    expect(desk.locator("p.notice.ok")).to_have_text("线索已派发给网格员。")
    expect(desk.locator("article.lead[data-lead='education|S1'] .lead-grid")).to_have_text("某社区 第3网格")
    context.close()

    context, phone = new_page(browser, url, PHONE)
    log_in(phone, "informant")
    phone.goto("/field/tasks")
    task = phone.locator("article.lead-task")
    expect(task).to_have_count(1)
    expect(task.locator("h3")).to_have_text("王小明")
    expect(task.locator(".lead-id")).to_have_text("50****************")
    expect(task.locator(".lead-address")).to_have_text("七星岗某路1号")
    expect(task.locator(".lead-what")).to_have_text("辍学学生，辖区内无人上报")
    screenshot(phone, "informant_lead_task")
    task.locator("a.lead-register").click()
    expect(phone.locator("#from-lead")).to_contain_text("教育局")
    expect(phone.locator("#f-data-address")).to_have_value("七星岗某路1号")
    expect(phone.locator("#f-data-members-0-name")).to_have_value("王小明")
    phone.get_by_label("家庭编号").fill("CQ-LEAD1")
    phone.get_by_label("户籍类型").select_option("urban")
    phone.locator("#f-data-members-0-resident").fill("CQ-LEAD1-R1")
    phone.locator("#f-data-members-0-id_number").fill(PERSON)
    phone.locator("#f-data-members-0-sex").select_option("M")
    phone.locator("#f-data-members-0-birth_date").fill("2010-03-03")
    phone.locator("#f-data-members-0-relation").select_option("head")
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator("#sent li")).to_have_count(1)
    lead = poll_until(lambda: (found := runtime.services.households.lead("education|S1")) is not None
                      and found.state == "found" and found, message="the lead closed as found")
    assert (lead.household, lead.resident) == ("CQ-LEAD1", "CQ-LEAD1-R1")
    runtime.drain()
    phone.goto("/field/tasks")
    expect(phone.locator("article.lead-task")).to_have_count(0)
    context.close()
