"""The supervisor's dashboard renders real SVG charts and counts from the projections; the published
rule catalog shows every rule in Chinese with the parameter values in force for the region and date
chosen, and the choices made where the policy was silent."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from rules.catalog import CATALOG
from tests.conftest import poll_until
from tests.api.pages.conftest import log_in, screenshot
from tests.api.pages.data import raise_alerts, tick


def test_the_dashboard_draws_its_charts_from_the_projections(desk: Page, site: Any) -> None:
    runtime = site[1]
    raise_alerts(runtime, "CQ-D1", "CQ-D2", "CQ-D3")
    runtime.intake.accept(tick("2025-08-12"))  # past sla.ack.high: the three are escalated
    runtime.drain()
    poll_until(lambda: runtime.views.query("SELECT COUNT(*) AS n FROM alerts WHERE escalated_on IS NOT NULL")[0]["n"]
               == 3, message="three escalated alerts")
    requested: list[str] = []
    desk.on("request", lambda request: requested.append(request.url))
    log_in(desk, "supervisor")
    expect(desk.get_by_role("heading", name="统计看板")).to_be_visible()
    expect(desk.locator("#count-open strong")).to_have_text("3")
    expect(desk.locator("#count-overdue strong")).to_have_text("3")
    expect(desk.locator("#count-escalated strong")).to_have_text("3")
    for chart in ("#chart-rule", "#chart-community", "#chart-week"):
        expect(desk.locator(f"{chart} svg")).to_be_visible()
    expect(desk.locator("#chart-rule svg")).to_contain_text("收入低于低保标准但未纳入低保")
    expect(desk.locator("#chart-community svg")).to_contain_text("某社区")
    expect(desk.locator("#chart-week svg")).to_contain_text("8月第1周")  # ISO week 2025-W32
    expect(desk.locator("#chart-rule svg .bar rect, #chart-rule svg rect.rect")).not_to_have_count(0)
    expect(desk.locator("#gaps tbody tr")).to_have_count(1)
    expect(desk.locator('#gaps tbody tr[data-community="500103001001"]')).to_contain_text("某社区")  # by name
    expect(desk.locator("svg script[src], svg [href^='http']")).to_have_count(0)
    assert requested and all(url.startswith(site[0]) for url in requested), requested  # nothing from elsewhere
    screenshot(desk, "supervisor_dashboard")


def test_the_catalog_for_a_region_and_a_date(desk: Page, site: Any) -> None:
    desk.goto("/catalog?region=500103&on=2025-06-30")  # published: no login
    expect(desk.locator("article.rule")).to_have_count(len(CATALOG))
    dibao = desk.locator('article[id="MISSED.DIBAO"]')
    expect(dibao.get_by_role("heading", level=2)).to_have_text("收入低于低保标准但未纳入低保")
    expect(dibao.locator(".looks-for")).to_contain_text("低于低保标准")
    urban = dibao.locator('tr[data-parameter="dibao.standard_monthly.urban"]')
    expect(urban).to_contain_text("750")  # before Chongqing's 2025-07-01 rise
    expect(urban).to_contain_text("重庆市")
    expect(urban).not_to_contain_text("（50）")  # places by name, no code after it
    window = desk.locator('article[id="NEED.EMERGENCY"] tr[data-parameter="emergency.window_days"]')
    expect(window).to_contain_text("全国默认值（长期有效）")
    hardship = desk.locator('article[id="NEED.URGENT_HARDSHIP"]')
    expect(hardship).to_contain_text("不设时间窗口")  # a choice where the policy was silent, in Chinese
    screenshot(desk, "catalog_500103_2025-06-30")
    hardship.scroll_into_view_if_needed()
    screenshot(desk, "catalog_window", full_page=False)

    desk.get_by_label("日期").fill("2025-07-01")
    desk.get_by_role("button", name="查看").click()
    expect(desk.locator('article[id="MISSED.DIBAO"] tr[data-parameter="dibao.standard_monthly.urban"]')).to_contain_text("770")
    desk.goto("/catalog?region=510500&on=2025-07-01")  # a region outside the tree: asked by its code, kept as chosen
    expect(desk.get_by_label("地区")).to_have_value("510500")
    expect(desk.locator('article[id="MISSED.DIBAO"] tr[data-parameter="dibao.standard_monthly.urban"]')).to_contain_text("788")
