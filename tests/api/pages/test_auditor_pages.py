"""The auditor's pages in the browser, on a real pipeline: a household whose income was reported, whose
alert the caseworker acknowledged and resolved, and whose income the informant corrected afterwards.
The auditor slides back to before the correction and sees the old income in force, opens the alert's
story and sees its cause marked corrected and what was known when it was resolved; reads a back-test
written by the real CLI, the integrity check before and after a row is deleted behind the application's
back, and the response-time and equity charts. A caseworker gets the Chinese 403 page."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Page, expect
from typer.testing import CliRunner

from api.cli.main import app
from tests.conftest import poll_until
from tests.api.pages.conftest import PHONE, log_in, screenshot
from tests.api.pages.data import poor_household, tick
from tests.people import People

HOUSEHOLD = "CQ-AU1"
CHINA = ZoneInfo("Asia/Shanghai")


def correction(amount: float) -> dict[str, Any]:
    return {"observation_id": f"{HOUSEHOLD}-2b", "observed_at": "2025-08-03T10:05:00+08:00",
            "kind": "household.income_reported", "household": HOUSEHOLD,
            "data": {"monthly_income": amount, "period": "2025-07", "income_type": "stable", "source": "declared"}}


@pytest.fixture()
def story(site: tuple[str, Any, People]) -> dict[str, Any]:
    """Over real HTTP: reported poor, raised, acknowledged and resolved by the caseworker, then corrected."""
    url, runtime, people = site
    with httpx.Client(base_url=url, timeout=30) as client:
        informant, caseworker = people.headers("informant"), people.headers("caseworker")
        runtime.intake.accept(tick("2025-08-04"))  # first: the alert is raised on the 4th whenever the worker runs
        sent = client.post("/api/v1/observations", json={"observations": poor_household(HOUSEHOLD)}, headers=informant)
        assert sent.status_code == 202, sent.text
        runtime.drain()
        alerts = poll_until(lambda: client.get("/api/v1/alerts", params={"household": HOUSEHOLD},
                                               headers=caseworker).json()["alerts"], message="the alert")
        alert = alerts[0]["alert_id"]
        assert client.post(f"/api/v1/alerts/{alert}/acknowledge", json={}, headers=caseworker).status_code == 200
        assert client.post(f"/api/v1/alerts/{alert}/resolve", json={"outcome": "referred", "note": "转街道核查"},
                           headers=caseworker).status_code == 200
        corrected = client.post(f"/api/v1/observations/{HOUSEHOLD}-2/correction", json=correction(5000),
                                headers=informant)
        assert corrected.status_code == 202, corrected.text
    runtime.drain()
    return {"alert": alert}


def incomes_in_force(page: Page) -> list[str]:
    rows = page.locator('#observations tr[data-then="in_force_then"]').filter(has_text="收入情况")
    return [re.search(r"家庭月收入\(元\)：([\d,.]+)", text).group(1)  # type: ignore[union-attr]
            for text in rows.all_inner_texts()]


def test_the_household_as_known_before_the_correction_and_the_alerts_story(desk: Page, site: Any,
                                                                            story: dict[str, Any]) -> None:
    log_in(desk, "auditor")
    desk.goto("/audit")
    expect(desk.get_by_role("heading", name="审计工作台")).to_be_visible()
    screenshot(desk, "auditor_home")
    desk.get_by_label("查看家庭历史（家庭编号）").fill(HOUSEHOLD)
    desk.get_by_label("查看家庭历史（家庭编号）").press("Enter")
    expect(desk.get_by_role("heading", name=f"家庭历史 {HOUSEHOLD}")).to_be_visible()
    expect(desk.locator("#then td.person")).to_have_text("陈**")  # masked for the auditor
    assert incomes_in_force(desk) == ["5,000.00"]  # known now: the correction
    expect(desk.locator(f"#obs-{HOUSEHOLD}-2 .now")).to_have_text(f"已被 {HOUSEHOLD}-2b 更正")
    expect(desk.locator(f"#obs-{HOUSEHOLD}-2")).to_have_attribute("data-then", "withdrawn_then")
    expect(desk.locator("#events tbody tr")).not_to_have_count(0)
    for kind in ("household.registered", "alert.raised", "alert.acknowledged", "alert.resolved", "household.corrected"):
        expect(desk.locator(f'#events tr[data-type="{kind}"]')).not_to_have_count(0)
    expect(desk.locator('#events tr[data-type="alert.resolved"]')).to_contain_text("test-caseworker")
    screenshot(desk, "auditor_household_now")

    slider = desk.locator("#k")
    moments = int(slider.get_attribute("max") or 0) + 1
    resolved_at = desk.locator('#events tr[data-type="alert.resolved"] time').get_attribute("datetime")
    position = next(i for i, m in enumerate(desk.evaluate("JSON.parse(document.getElementById('moments').textContent)"))
                    if m["at"] and m["label"].find("办结") >= 0)
    assert 0 < position < moments - 1 and resolved_at
    with desk.expect_navigation():
        slider.fill(str(position))  # the script sends the form when the slider is let go
    expect(desk.locator("#k-label")).to_contain_text("办结")
    assert incomes_in_force(desk) == ["500.00"]  # the old income, in force then
    expect(desk.locator(f"#obs-{HOUSEHOLD}-2b")).to_have_attribute("data-then", "not_recorded_yet")
    expect(desk.locator(f"#obs-{HOUSEHOLD}-2b .then")).to_have_text("尚未录入")
    expect(desk.locator('#events tr[data-type="household.corrected"]')).to_have_class("later")
    expect(desk.locator("#then .open-then")).to_have_text("无")  # resolved at that very moment
    screenshot(desk, "auditor_household_before_correction")

    desk.get_by_label("或输入日期").fill("2025-08-02")  # before anything was reported
    desk.get_by_role("button", name="查看").click()
    expect(desk.locator(f"#obs-{HOUSEHOLD}-2")).to_have_attribute("data-then", "not_happened_yet")
    assert incomes_in_force(desk) == []

    desk.goto(f"/audit/alerts/{story['alert']}")
    expect(desk.get_by_role("heading", level=1)).to_contain_text("预警经过")
    cause = desk.locator(f"#cause-{HOUSEHOLD}-2")
    expect(cause).to_have_attribute("data-status", "corrected")
    expect(cause).to_contain_text(f"已被 {HOUSEHOLD}-2b 更正")
    expect(cause).to_contain_text("更正后：家庭月收入(元)：5,000.00")
    expect(desk.locator("#why-rule")).to_contain_text("收入低于低保标准但未纳入低保")
    expect(desk.locator("#steps tbody tr")).to_have_count(3)
    expect(desk.locator('#steps tr[data-type="alert.acknowledged"]')).to_contain_text("test-caseworker")
    resolution = desk.locator("article.resolution")
    expect(resolution.get_by_role("heading", level=3).first).to_have_text(
        "test-caseworker 于 2025-08-04 办结：已转介：转街道核查")
    expect(resolution.locator(f'.held tr[data-observation="{HOUSEHOLD}-2"]')).to_contain_text("500.00")
    expect(resolution.locator(f'.held tr[data-observation="{HOUSEHOLD}-2"]')).to_contain_text("更正")
    expect(resolution.locator(".open-then")).to_contain_text("收入低于低保标准但未纳入低保")  # open until that resolution
    screenshot(desk, "auditor_alert_story")

    resolution.get_by_role("link", name="在家庭时间线中查看这一时刻").click()
    assert incomes_in_force(desk) == ["500.00"]
    expect(desk.locator("#then .open-then")).to_contain_text("收入低于低保标准但未纳入低保")


def test_a_caseworker_gets_the_chinese_403_page(desk: Page, site: Any) -> None:
    log_in(desk, "caseworker")
    for path in ("/audit", "/audit/households/CQ-X", "/audit/integrity", "/audit/backtests", "/audit/equity"):
        response = desk.goto(path)
        assert response is not None and response.status == 403, path
        expect(desk.get_by_role("heading", name="无权访问")).to_be_visible()
    expect(desk.get_by_role("link", name="审计")).to_have_count(0)
    screenshot(desk, "caseworker_audit_403")


def test_a_back_test_written_by_the_cli_is_listed_and_shown(desk: Page, site: Any, story: dict[str, Any],
                                                           tmp_path: Any) -> None:
    """The window is the days things were recorded (a back-test judges each day with what had been recorded
    by its end); with a lower standard, and the income corrected to 5,000, the alert would not be raised."""
    url, runtime, _ = site
    today = datetime.now(CHINA).date()
    changed = tmp_path / "lower.yaml"
    changed.write_text("- {name: dibao.standard_monthly.urban, value: 400, region: '50', from: 2025-07-01}\n",
                       encoding="utf-8")
    window = [(today - timedelta(days=1)).isoformat(), today.isoformat()]
    result = CliRunner().invoke(app, ["rules", "backtest", "--from", window[0], "--to", window[1],
                                      "--parameters", str(changed), "--data", str(runtime.settings.data_dir)],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    log_in(desk, "auditor")
    desk.goto("/audit")
    desk.get_by_role("link", name="规则回测报告").click()
    rows = desk.locator("#backtests tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(f"{window[0]} – {window[1]}")
    expect(rows).to_contain_text("城市低保标准")
    expect(rows.locator('[data-parameter="dibao.standard_monthly.urban"]')).to_have_count(1)
    screenshot(desk, "auditor_backtests")
    rows.get_by_role("link").click()
    dibao = desk.locator('#by-rule tr[data-rule="MISSED.DIBAO"]')
    expect(dibao.locator('td[data-outcome="not_raised"]')).to_have_text("1")
    change = desk.locator(f'#changes tr[data-household="{HOUSEHOLD}"][data-outcome="not_raised"]')
    expect(change).to_contain_text("收入低于低保标准但未纳入低保")
    expect(change).to_contain_text("不再预警")
    expect(change).to_contain_text(re.compile("|".join(window)))
    expect(desk.locator(".outcome-chart svg").first).to_be_visible()
    expect(desk.locator(".outcome-chart svg").first).to_contain_text("不再预警")
    screenshot(desk, "auditor_backtest")


def test_integrity_is_intact_then_names_the_deleted_row(desk: Page, site: Any, story: dict[str, Any]) -> None:
    url, runtime, _ = site
    log_in(desk, "auditor")
    desk.goto("/audit/integrity")
    expect(desk.locator("#verdict")).to_contain_text("完整")
    expect(desk.locator('#chains tr[data-application="households"] .head')).to_have_text(re.compile("^[0-9a-f]{64}$"))
    screenshot(desk, "auditor_integrity_ok")

    with sqlite3.connect(runtime.settings.data_dir / "households.sqlite") as db:  # behind the application's back
        (victim,) = db.execute("SELECT rowid FROM stored_events ORDER BY rowid LIMIT 1 OFFSET 1").fetchone()
        db.execute("DELETE FROM stored_events WHERE rowid = ?", (victim,))
    desk.reload()
    expect(desk.locator("#verdict")).to_have_text("哈希链断裂：日志在应用之外被改动过。")
    broken = desk.locator("#break-households")
    expect(broken).to_contain_text("被删除")
    expect(broken.locator(".break-notification")).to_have_text(str(victim))
    expect(desk.locator('#chains tr[data-application="alerts"] td.ok')).to_have_text("完整")
    screenshot(desk, "auditor_integrity_broken")


def test_response_times_and_equity_draw_their_charts(desk: Page, site: Any, story: dict[str, Any]) -> None:
    log_in(desk, "auditor")
    desk.goto("/audit")
    desk.locator("#reports").get_by_role("link", name="响应时间").click()
    expect(desk.locator("#chart-stages svg")).to_be_visible()
    row = desk.locator('#response-times tr[data-group="500103001001"]')
    expect(row).to_contain_text("某社区")
    expect(row.locator('td[data-stage="alert_to_resolution"]')).to_contain_text("0.0 / 0.0")
    desk.get_by_label("分组").select_option("caseworker")
    desk.get_by_role("button", name="查看").click()
    expect(desk.locator('#response-times tr[data-group="test-caseworker"]')).to_have_count(1)
    expect(desk.locator("#chart-stages svg")).to_contain_text("test-caseworker")
    screenshot(desk, "auditor_response_times")

    desk.goto("/audit/equity")
    expect(desk.locator(".equity-chart svg")).to_have_count(5)
    expect(desk.locator('#eq-sex tr[data-group="F"]')).to_contain_text("100%")
    expect(desk.locator("#eq-hukou svg")).to_contain_text("城镇")
    expect(desk.locator("svg script[src], svg [href^='http']")).to_have_count(0)
    screenshot(desk, "auditor_equity")


def test_a_supervisor_reads_response_times_of_the_street_only(desk: Page, site: Any, story: dict[str, Any]) -> None:
    log_in(desk, "supervisor")
    desk.get_by_role("link", name="响应时间").click()
    expect(desk.locator('#response-times tr[data-group="500103001001"]')).to_have_count(1)
    region = desk.get_by_label("地区")  # the street and what lies under it, by name
    assert "解放碑街道" not in region.inner_text() and "某社区" in region.inner_text()
    desk.goto("/audit/response-times?region=500103002")  # asked outside the street: the street's own figures
    expect(desk.locator('#response-times tr[data-group="500103001001"]')).to_have_count(1)
    assert desk.goto("/audit/integrity").status == 403  # type: ignore[union-attr]


def test_the_timeline_fits_a_phone(phone: Any, site: Any, story: dict[str, Any]) -> None:
    """On a phone's screen the page itself never scrolls sideways: wide tables scroll inside their box."""
    _, page = phone
    log_in(page, "auditor")
    page.goto(f"/audit/households/{HOUSEHOLD}")
    expect(page.locator("#k")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.goto(f"/audit/alerts/{story['alert']}")
    expect(page.locator("#causes")).to_be_attached()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "auditor_alert_story_phone")
