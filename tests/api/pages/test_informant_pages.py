"""The informant at phone size (390×844): a visit sent at once; then offline, a report kept on the phone
and listed as waiting; back online, sent by itself with its original observation id, recorded exactly
once. Server validation messages in Chinese appear next to the field; a registration goes through;
a verification task is recorded from the task list."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import BrowserContext, Page, expect

from tests.conftest import poll_until
from tests.api.pages.conftest import log_in, network_back, network_down, screenshot
from tests.api.pages.data import raise_alerts

PhoneFixture = tuple[BrowserContext, Page]


def observations_of(runtime: Any, household: str, kind: str) -> list[dict[str, Any]]:
    return [o for o in runtime.assessor.observations_of(household) if o["kind"] == kind]


def test_a_visit_online_then_a_report_offline_sent_once_when_back(phone: PhoneFixture, site: Any) -> None:
    context, page = phone
    runtime = site[1]
    raise_alerts(runtime, "CQ-F1")
    log_in(page, "informant")
    page.goto("/field/report?kind=household.visited")
    page.get_by_label("家庭编号（本网格）").fill("CQ-F1")
    page.get_by_label("走访目的").select_option("routine")
    page.get_by_label("说明").fill("老人在家，精神尚可")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#sent li")).to_have_count(1)
    expect(page.locator("#outbox")).to_contain_text("没有待发送的记录")
    screenshot(page, "informant_visit_sent")
    assert len(observations_of(runtime, "CQ-F1", "household.visited")) == 1

    network_down(context)
    page.get_by_label("家庭编号（本网格）").fill("CQ-F1")
    page.get_by_label("走访目的").select_option("elderly_care")
    page.get_by_role("button", name="提交").click()
    waiting = page.locator("#outbox li.waiting")
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text("已保存，待联网后发送")
    expect(page.locator("#net-status")).to_be_visible()
    observation_id = waiting.get_attribute("data-observation")
    screenshot(page, "informant_offline_waiting")
    assert len(observations_of(runtime, "CQ-F1", "household.visited")) == 1

    network_back(context)
    expect(page.locator(f'#sent li[data-observation="{observation_id}"]')).to_have_count(1, timeout=15_000)
    expect(page.locator("#outbox li.waiting")).to_have_count(0)
    screenshot(page, "informant_back_online_sent")
    visits = poll_until(lambda: observations_of(runtime, "CQ-F1", "household.visited")
                        if len(observations_of(runtime, "CQ-F1", "household.visited")) >= 2 else None)
    assert [v["observation_id"] for v in visits].count(observation_id) == 1
    assert len(visits) == 2

    page.reload()  # the outbox is empty: nothing is sent a second time
    expect(page.locator("#outbox")).to_contain_text("没有待发送的记录")
    assert len(observations_of(runtime, "CQ-F1", "household.visited")) == 2


def test_server_validation_in_chinese_next_to_the_field_and_a_registration(phone: PhoneFixture, site: Any) -> None:
    _, page = phone
    runtime = site[1]
    log_in(page, "informant")
    page.goto("/field/report?kind=household.income_reported")
    page.get_by_label("家庭编号（本网格）").fill("CQ-NOPE")
    page.get_by_label("家庭月收入(元)").fill("-5")
    page.get_by_role("button", name="提交").click()  # required fields empty: stopped on the phone, nothing queued
    expect(page.locator("#f-data-period-err")).to_have_text("请先填写此项")
    expect(page.locator("#f-data-period")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#outbox li.waiting")).to_have_count(0)
    expect(page.locator("#sent li")).to_have_count(0)
    page.get_by_label("收入所属月份").fill("2025-08")
    page.get_by_label("收入类型").select_option(index=1)
    page.get_by_label("来源").select_option(index=1)
    page.get_by_role("button", name="提交").click()  # the server's own checks, next to their fields
    expect(page.locator("#f-data-monthly_income-err")).not_to_be_empty()
    expect(page.locator("#f-data-monthly_income")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#sent li.rejected")).to_contain_text("未被接受")  # answered, so not waiting either
    expect(page.locator("#outbox li.waiting")).to_have_count(0)
    screenshot(page, "informant_validation")

    page.goto("/field/register")
    page.get_by_label("家庭编号").fill("CQ-NEW1")
    page.get_by_label("住址").fill("渝中区七星岗街道某社区8栋2单元")
    page.get_by_label("户籍类型").select_option("urban")
    page.locator("#f-data-members-0-resident").fill("CQ-NEW1-R1")
    page.locator("#f-data-members-0-name").fill("李建国")
    page.locator("#f-data-members-0-sex").select_option("M")
    page.locator("#f-data-members-0-birth_date").fill("1941-03-02")
    page.locator("#f-data-members-0-relation").select_option("head")
    page.get_by_role("button", name="再添加一位成员").click()
    page.locator("#f-data-members-1-resident").fill("CQ-NEW1-R2")
    page.locator("#f-data-members-1-name").fill("王秀英")
    page.locator("#f-data-members-1-sex").select_option("F")
    page.locator("#f-data-members-1-birth_date").fill("1943-07-19")
    page.locator("#f-data-members-1-relation").select_option("spouse")
    screenshot(page, "informant_register")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#sent li")).to_have_count(1)
    registered = poll_until(lambda: observations_of(runtime, "CQ-NEW1", "household.registered"))
    assert [m["name"] for m in registered[0]["data"]["members"]] == ["李建国", "王秀英"]
    assert registered[0]["informant"] == "test-informant"


def test_a_verification_task_says_enough_and_is_recorded_offline(phone: PhoneFixture, site: Any) -> None:
    """The task shows the address, the residents (as the informant sees them), what the alert found and
    what to check; an empty submit is stopped on the phone; offline, the visit waits in the outbox (no
    browser error page, the note kept across a reload) and is recorded once when the phone is back online."""
    context, page = phone
    runtime = site[1]
    (alert_id,) = raise_alerts(runtime, "CQ-F2")
    today = runtime.assessor.clock()
    runtime.workflow.request_verification(alert_id, "test-caseworker", today)  # from open: acknowledged on the way
    poll_until(lambda: runtime.views.query("SELECT 1 FROM alerts WHERE alert_id = ? AND state = "
                                           "'verification_requested'", (alert_id,)))
    log_in(page, "informant")
    task = page.locator("article.task")
    expect(task).to_contain_text("CQ-F2")
    expect(task.locator(".task-address")).to_have_text("渝中区某街道某社区3栋")
    expect(task.locator(".task-residents")).to_have_text("陈晓梅（1969年生）")
    expect(task).not_to_contain_text("500103196911050026")  # no ID number in the informant's sight
    expect(task.locator(".task-found")).to_contain_text("低于低保标准")
    expect(task.locator(".task-check")).to_contain_text("家庭人均月收入(元)")
    expect(page.locator("html[data-offline-ready=true]")).to_have_count(1)
    screenshot(page, "informant_tasks")

    task.get_by_role("button", name="提交核实结果").click()  # nothing chosen: stopped here
    expect(task.get_by_role("alert").filter(has_text="请先填写此项")).to_have_count(1)
    expect(page.locator("#outbox li.waiting")).to_have_count(0)

    network_down(context)
    task.get_by_label("核实结果").select_option("found_as_reported")
    task.get_by_label("说明").fill("情况属实，家中无稳定收入")
    task.get_by_role("button", name="提交核实结果").click()
    expect(page.locator("#outbox li.waiting")).to_have_count(1)
    expect(task.locator(".task-waiting")).to_be_visible()
    page.reload()  # offline, from the phone's cache: the visit is still waiting, the page is ours
    expect(page.get_by_role("heading", name="我的核实任务")).to_be_visible()
    expect(page.locator("#outbox li.waiting")).to_have_count(1)
    screenshot(page, "informant_task_offline_waiting")
    assert runtime.views.query("SELECT state FROM alerts WHERE alert_id = ?", (alert_id,))[0]["state"] == \
        "verification_requested"

    network_back(context)
    expect(page.locator("#sent li.sent")).to_have_count(1, timeout=15_000)
    expect(page.locator("#outbox li.waiting")).to_have_count(0)
    rows = poll_until(lambda: runtime.views.query(
        "SELECT state, verification_outcome, events FROM alerts WHERE alert_id = ? AND state = 'verified'",
        (alert_id,)))
    assert rows[0]["verification_outcome"] == "found_as_reported"
    assert "情况属实，家中无稳定收入" in rows[0]["events"]
    assert rows[0]["events"].count("verification_recorded") == 1
    page.reload()
    expect(page.locator("article.task")).to_have_count(0)
    screenshot(page, "informant_task_sent")


def test_the_form_opens_again_without_a_network_and_its_report_is_sent_later(phone: PhoneFixture, site: Any) -> None:
    context, page = phone
    runtime = site[1]
    raise_alerts(runtime, "CQ-F3")
    log_in(page, "informant")
    page.goto("/field/report?kind=household.hardship_reported")
    expect(page.locator("html[data-offline-ready=true]")).to_have_count(1)  # the forms are in the phone's cache
    network_down(context)
    page.reload()  # from the phone's cache: the network is gone
    expect(page.get_by_role("heading", name="生活困难")).to_be_visible()
    page.get_by_label("家庭编号（本网格）").fill("CQ-F3")
    page.get_by_label("困难类型").select_option("no_food")
    page.get_by_label("紧急程度").select_option("immediate")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#outbox li.waiting")).to_have_count(1)
    screenshot(page, "informant_offline_reopened")
    network_back(context)
    expect(page.locator("#sent li.sent")).to_have_count(1, timeout=15_000)
    reports = poll_until(lambda: observations_of(runtime, "CQ-F3", "household.hardship_reported"))
    assert len(reports) == 1 and reports[0]["data"]["urgency"] == "immediate"


def test_a_report_waits_while_nothing_gets_through_and_goes_by_itself_when_it_does(phone: PhoneFixture,
                                                                                  site: Any) -> None:
    """On a Wi-Fi with no way out the phone says it is online and no "online" event ever comes: the report
    waits in the outbox, and the outbox tries again by itself until the server answers."""
    context, page = phone
    runtime = site[1]
    raise_alerts(runtime, "CQ-F4")
    log_in(page, "informant")
    page.goto("/field/report?kind=household.hardship_reported")
    context.route("**/field/observations", lambda route: route.abort("connectionrefused"))
    page.get_by_label("家庭编号（本网格）").fill("CQ-F4")
    page.get_by_label("困难类型").select_option("no_food")
    page.get_by_label("紧急程度").select_option("immediate")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#outbox li.waiting")).to_have_count(1)
    assert page.evaluate("navigator.onLine") is True
    assert observations_of(runtime, "CQ-F4", "household.hardship_reported") == []
    context.unroute_all()
    expect(page.locator("#sent li.sent")).to_have_count(1, timeout=15_000)
    expect(page.locator("#outbox li.waiting")).to_have_count(0)
    reports = poll_until(lambda: observations_of(runtime, "CQ-F4", "household.hardship_reported"))
    assert len(reports) == 1

