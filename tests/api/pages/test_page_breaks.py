"""The small breaks of issue 18 in the browser: a refused form leaves the address bar on its page (a reload or
the language switch is a page, never a 405 JSON); every bad page address is a Chinese HTML page with its
status while the API keeps problem+json; `/home` tells only a role without pages to use the API; the catalog
fits a 390 px phone; regions are chosen by name; tap targets are at least 44 px tall on the phone."""

from __future__ import annotations

import http.client
import re
from typing import Any, Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from api.http.app import create_app
from api.http.body_limits import MAX_BODY_BYTES
from infra.http_server import BackgroundServer
from tests.api.pages.conftest import log_in, new_page, screenshot
from tests.api.pages.data import raise_alerts

PHONE = {"width": 390, "height": 844}
TAP = 44  # px: the smallest tap target


@pytest.fixture()
def phone390(browser: Browser, site: Any) -> Iterator[tuple[BrowserContext, Page]]:
    context, page = new_page(browser, site[0], PHONE)
    yield context, page
    context.close()


def test_a_refused_step_stays_on_the_alert_and_a_reload_or_the_switch_is_a_page(desk: Page, site: Any) -> None:
    url, runtime, _ = site
    (alert_id,) = raise_alerts(runtime, "CQ-B1")
    log_in(desk, "caseworker")
    desk.goto(f"/work/alerts/{alert_id}")
    desk.get_by_label("办理结果").select_option("other")
    with desk.expect_response(lambda r: r.request.method == "GET" and f"/work/alerts/{alert_id}" in r.url) as shown:
        desk.get_by_role("button", name="办结").click()
    assert shown.value.status == 422  # the page says why with the refusal's status
    expect(desk).to_have_url(f"{url}/work/alerts/{alert_id}")  # not the POST's address
    expect(desk.locator("#problem")).to_have_text("选择“其他”时必须填写说明")
    screenshot(desk, "breaks_refused_step")

    reloaded = desk.reload()
    assert reloaded is not None and reloaded.status == 200 and "html" in reloaded.headers["content-type"]
    expect(desk.locator("#problem")).to_have_count(0)  # said once
    expect(desk.locator("#alert-state")).to_have_text("待处理")

    desk.goto(f"/work/alerts/{alert_id}")
    desk.get_by_label("办理结果").select_option("other")
    desk.get_by_role("button", name="办结").click()
    expect(desk.locator("#problem")).to_be_visible()
    with desk.expect_navigation() as switched:
        desk.get_by_role("link", name="English").click()
    assert switched.value is not None and switched.value.status == 200
    expect(desk.locator("#alert-state")).to_have_text("open")

    desk.get_by_role("button", name="Assign").click()  # a step done: the address is the alert's, not the POST's
    expect(desk).to_have_url(re.compile(rf"{re.escape(url)}/work/alerts/{alert_id}\?done=assign$"))


def test_a_refused_login_stays_on_the_login_page(desk: Page, site: Any) -> None:
    log_in(desk, "caseworker", "not-the-password")
    expect(desk).to_have_url(site[0] + "/login")
    expect(desk.locator("#login-error")).to_have_text("用户名或密码错误")
    expect(desk.get_by_label("用户名")).to_have_value("test-caseworker")  # kept for the next try
    reloaded = desk.reload()
    assert reloaded is not None and reloaded.status == 200
    expect(desk.locator("#login-error")).to_have_count(0)


BAD_PAGES = [  # (address, status) as the caseworker asks them
    ("/field/nope", 404), ("/nope", 404), ("/work/nope/deeper", 404), ("/work/alerts/NO-SUCH-ALERT", 404),
    ("/households/NO-SUCH-HOUSEHOLD", 404), ("/audit/backtests/no-such-report", 403),
    ("/work/alerts/x/acknowledge", 405), ("/logout", 405), ("/field/tasks/x/verification", 405),
    ("/field/tasks", 403), ("/audit", 403), ("/work?severity=bogus", 422), ("/catalog?region=5001031", 422),
    ("/work?offset=-1", 422),
]


def test_every_bad_page_address_is_a_chinese_page_with_its_status(desk: Page, site: Any) -> None:
    log_in(desk, "caseworker")
    for path, status in BAD_PAGES:
        response = desk.goto(path)
        assert response is not None and response.status == status, (path, response and response.status)
        assert response.headers["content-type"].startswith("text/html"), path
        assert desk.locator("html").get_attribute("lang") == "zh-CN", path
        heading = desk.locator("h1").inner_text()
        assert re.search(r"[\u4e00-\u9fff]", heading) and not re.search(r"[A-Za-z]", heading), (path, heading)
        expect(desk.get_by_role("link", name="English")).to_be_visible()
    desk.goto("/work/alerts/x/acknowledge")
    screenshot(desk, "breaks_405_page")
    desk.get_by_role("link", name="English").click()
    expect(desk.get_by_role("heading", name="Cannot be opened this way")).to_be_visible()

    api = desk.request.get("/api/v1/no-such-route")  # the API keeps problem+json
    assert api.status == 404 and api.headers["content-type"].startswith("application/problem+json")
    wrong_method = desk.request.get("/api/v1/observations")
    assert wrong_method.status == 405 and wrong_method.headers["content-type"].startswith("application/problem+json")


def test_an_unknown_field_address_is_a_page_before_login_too(desk: Page, site: Any) -> None:
    response = desk.goto("/field/nope")
    assert response is not None and response.status == 404 and response.headers["content-type"].startswith("text/html")
    expect(desk.get_by_role("heading", name="未找到")).to_be_visible()


def test_a_server_error_on_a_page_is_a_chinese_page_and_json_on_the_api() -> None:
    """An application started without its services fails every read: the last resort answers it."""
    server = BackgroundServer(create_app(None)).start()
    try:
        # one connection each: the server closes a connection whose request failed
        broken = httpx.get(f"{server.url}/catalog", timeout=30)
        assert broken.status_code == 500 and broken.headers["content-type"].startswith("text/html")
        assert "服务器出错了" in broken.text and 'lang="zh-CN"' in broken.text and "Traceback" not in broken.text
        english = httpx.get(f"{server.url}/catalog", params={"lang": "en"}, timeout=30)
        assert english.status_code == 500 and "Server error" in english.text
        api = httpx.get(f"{server.url}/api/v1/alerts", timeout=30)
        assert api.status_code == 500 and api.headers["content-type"].startswith("application/problem+json")
    finally:
        server.stop()


NO_PAGES = "您的角色没有网页端功能，请使用接口。"


@pytest.mark.parametrize("role", ["caseworker", "supervisor", "auditor", "admin"])
def test_home_offers_every_desk_role_a_page_of_its_work(desk: Page, site: Any, role: str) -> None:
    """Since department imports (issue 17) even the admin has a page beside the catalog: none is told to use the API."""
    log_in(desk, role)
    desk.goto("/home")
    tiles = desk.locator("ul.tiles a")
    expect(tiles.first).to_be_visible()
    working = [t for t in tiles.all_inner_texts() if t != "规则目录"]
    assert working, role
    if role == "admin":
        assert "部门数据导入" in working
    expect(desk.get_by_text(NO_PAGES)).to_have_count(0)


def test_the_catalog_fits_a_390_px_phone(phone390: tuple[BrowserContext, Page]) -> None:
    _, page = phone390
    page.goto("/catalog")
    expect(page.locator("table.params").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    cell = page.locator("table.params td[data-label]").first.bounding_box()
    assert cell is not None and cell["x"] + cell["width"] <= PHONE["width"]
    screenshot(page, "breaks_catalog_phone")


def test_regions_are_chosen_by_name(desk: Page, site: Any) -> None:
    log_in(desk, "supervisor")  # 七星岗街道 and what lies under it
    desk.goto("/audit/equity")
    region = desk.get_by_label("地区")
    labels = [t.strip() for t in region.locator("option").all_inner_texts()]
    assert labels == ["本辖区全部", "七星岗街道", "某社区"], labels
    region.select_option(label="\u3000某社区")
    desk.get_by_role("button", name="查看").click()
    expect(desk).to_have_url(re.compile(r"/audit/equity\?region=500103001001$"))
    expect(desk.get_by_label("地区")).to_have_value("500103001001")
    assert not re.search(r"（\d{2,12}）", desk.locator("main").inner_text())  # no code after a name
    desk.goto("/audit/response-times")
    assert "某社区" in desk.get_by_label("地区").inner_text()
    screenshot(desk, "breaks_region_by_name")
    desk.goto("/catalog")  # everyone's: the whole tree, the district chosen
    catalog = desk.get_by_label("地区")
    expect(catalog).to_have_value("500103")
    assert "重庆市" in catalog.inner_text() and not re.search(r"\d", catalog.inner_text())


TARGETS = ("header a:visible, header button:visible, main button:visible, main input:visible, main select:visible, "
           "main textarea:visible, main summary:visible, main a.button:visible")


def short_targets(page: Page) -> list[str]:
    """Every visible header link, button and form control less than 44 px tall, described."""
    found = []
    for target in page.locator(TARGETS).all():
        box = target.bounding_box()
        if box is not None and box["height"] < TAP:
            found.append(f"{target.evaluate('e => e.outerHTML')[:80]} {box['height']:.1f}px")
    return found


@pytest.mark.parametrize("role, paths", [
    ("informant", ["/field/tasks", "/field/report", "/field/register", "/field/mine"]),
    ("caseworker", ["/work", "/households", "/catalog"]),
    ("supervisor", ["/dashboard", "/audit/equity", "/audit/response-times"]),
])
def test_tap_targets_are_44_px_on_the_phone(phone390: tuple[BrowserContext, Page], site: Any, role: str,
                                            paths: list[str]) -> None:
    _, page = phone390
    if role == "caseworker":  # the alert page and its action forms too
        paths = [*paths, f"/work/alerts/{raise_alerts(site[1], 'CQ-B2')[0]}"]
    log_in(page, role)
    for path in paths:
        page.goto(path)
        expect(page.locator("header a").first).to_be_visible()
        assert short_targets(page) == [], path
    screenshot(page, f"breaks_tap_targets_{role}_phone", full_page=False)


def refused_before_any_route(url: str, path: str, content_type: str) -> tuple[int, str, str]:
    """A POST declaring a body over the 16 MiB limit (refused on its headers: nothing more is sent)."""
    address = urlsplit(url)
    connection = http.client.HTTPConnection(str(address.hostname), address.port, timeout=30)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", content_type)
        connection.putheader("Content-Length", str(MAX_BODY_BYTES + 1))
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, answer.getheader("content-type") or "", answer.read().decode()
    finally:
        connection.close()


def test_a_form_refused_before_any_route_is_a_chinese_page_and_json_stays_json(site: Any) -> None:
    """Refused by `api.http.body_limits` (a body over 16 MiB): a form on a page's address gets a page; the
    phone's outbox, posting JSON to a page's address, and the API keep problem+json."""
    status, kind, text = refused_before_any_route(site[0], "/login", "application/x-www-form-urlencoded")
    assert status == 413 and kind.startswith("text/html") and 'lang="zh-CN"' in text and "提交的内容过大" in text
    for path in ("/field/observations", "/api/v1/observations"):
        status, kind, _ = refused_before_any_route(site[0], path, "application/json")
        assert status == 413 and kind.startswith("application/problem+json"), path
