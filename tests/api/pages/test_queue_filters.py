"""The caseworker's queue filtered by community, grid and household, chosen by their Chinese names and
combined with the other filters; new alerts marked and counted in the header until opened; a place
outside the jurisdiction's list is a Chinese 422 page naming the filter."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from api.pages.workbench import pager
from tests.api.pages.conftest import log_in, screenshot
from tests.api.pages.data import poor_household, tick
from tests.conftest import poll_until

OTHER_COMMUNITY, OTHER_GRID = "500103001002", "500103001002-01"
PLACES = {"CQ-Q1": ("500103001001", "500103001001-03"), "CQ-Q2": ("500103001001", "500103001001-04"),
          "CQ-Q3": (OTHER_COMMUNITY, OTHER_GRID)}


def raise_in_places(runtime: Any) -> dict[str, str]:
    """A MISSED.DIBAO alert in each of two grids of 某社区 and in 另一社区; their ids by household."""
    runtime.identity.add_jurisdiction(OTHER_COMMUNITY, "另一社区", "500103001")
    runtime.identity.add_jurisdiction(OTHER_GRID, "第1网格", OTHER_COMMUNITY)
    envelopes = []
    for household, (region, grid) in PLACES.items():
        registration, income = poor_household(household)
        registration["data"] = {**registration["data"], "region": region, "grid": grid}
        envelopes += [registration, income]
    outcomes = runtime.intake.accept_batch(envelopes + [tick("2025-08-04")])
    assert {o.status for o in outcomes} == {"accepted"}, [o.to_json() for o in outcomes]
    runtime.drain()
    return {h: poll_until(lambda: runtime.views.query(
        "SELECT alert_id FROM alerts WHERE household = ? AND rule = 'MISSED.DIBAO'", (h,)), message=h)[0]["alert_id"]
        for h in PLACES}


def shown(page: Page) -> list[str]:
    return sorted(page.locator("table.queue tbody tr td:nth-child(3)").all_inner_texts())


def filter_by(page: Page, **choices: str) -> None:
    for label, value in choices.items():
        field = page.get_by_label(label, exact=True)
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value) if value != "" else field.select_option("")
        else:
            field.fill(value)
    page.get_by_role("button", name="筛选").click()


def test_filters_by_place_and_household_and_the_new_marks(desk: Page, site: Any) -> None:
    url, runtime, _ = site
    ids = raise_in_places(runtime)
    log_in(desk, "caseworker")
    expect(desk.locator("table.queue tbody tr")).to_have_count(3)
    expect(desk.locator("#news-alerts")).to_have_text("新预警 3")
    expect(desk.locator("tr[data-unread=new] .tag.new")).to_have_count(3)
    communities = desk.get_by_label("社区", exact=True).locator("option").all_inner_texts()
    assert communities == ["全部", "某社区", "另一社区"]
    assert desk.get_by_label("网格", exact=True).locator("option").all_inner_texts() == [
        "全部", "某社区 第3网格", "某社区 第4网格", "另一社区 第1网格"]

    filter_by(desk, 社区="另一社区")
    assert shown(desk) == ["CQ-Q3"]
    filter_by(desk, 社区="某社区", 网格="某社区 第4网格")
    assert shown(desk) == ["CQ-Q2"]
    filter_by(desk, 社区="另一社区")  # a grid of another community: nothing
    expect(desk.locator("p.notice")).to_have_text("没有符合条件的预警。")
    filter_by(desk, 社区="全部", 网格="全部", 家庭编号="CQ-Q1", 紧急程度="紧急")
    assert shown(desk) == ["CQ-Q1"]
    screenshot(desk, "queue_filtered_household")
    filter_by(desk, 紧急程度="特急")  # combined with the severity: none is critical
    expect(desk.locator("table.queue")).to_have_count(0)

    desk.goto(f"/work/alerts/{ids['CQ-Q1']}")  # opened: no longer new to this caseworker
    poll_until(lambda: runtime.views.query("SELECT 1 FROM alert_opened WHERE user = 'test-caseworker' AND alert_id = ?",
                                           (ids["CQ-Q1"],)), message="the opening in the views")
    desk.goto("/work")
    expect(desk.locator("#news-alerts")).to_have_text("新预警 2")
    expect(desk.locator(f'tr[data-alert="{ids["CQ-Q1"]}"]')).not_to_have_attribute("data-unread", "new")
    filter_by(desk, 未读="新预警")
    assert shown(desk) == ["CQ-Q2", "CQ-Q3"]
    screenshot(desk, "queue_unread")

    response = desk.goto("/work?community=500103009009")
    assert response is not None and response.status == 422
    expect(desk.get_by_role("heading", name="参数有误")).to_be_visible()
    expect(desk.locator("main")).to_contain_text("另一社区")  # the choices, by name


def test_the_pager_keeps_every_filter_chosen() -> None:
    chosen = {"rule": "", "severity": "high", "status": "open", "mine": "", "overdue": "", "community": "500103001001",
              "grid": "500103001001-03", "household": "", "unread": "new"}
    links = pager(chosen, 50, 120)
    assert links["prev"] == ("?severity=high&status=open&community=500103001001&grid=500103001001-03&unread=new"
                             "&offset=0")
    assert links["next"] is not None and links["next"].endswith("&unread=new&offset=100")
    assert pager(chosen, 0, 30) == {"prev": None, "next": None}
