"""Login in the browser: a wrong password says so in Chinese, a locked account says when to try again,
each role lands on its own page, a role opening another role's page gets the Chinese 403 page, and
logging out ends the session (the cookie is HttpOnly and SameSite)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.api.pages.conftest import log_in, screenshot

LANDING = {"informant": "/field/tasks", "caseworker": "/work", "supervisor": "/dashboard", "auditor": "/home"}


def test_each_role_lands_on_its_own_page_and_the_cookie_is_httponly_and_samesite(desk: Page, site: Any) -> None:
    for role, path in LANDING.items():
        desk.context.clear_cookies()
        log_in(desk, role)
        expect(desk).to_have_url(site[0] + path)
        cookies = {c["name"]: c for c in desk.context.cookies()}
        assert cookies["qianshao_session"]["httpOnly"] and cookies["qianshao_session"]["sameSite"] == "Lax"
    screenshot(desk, "home_auditor")


def test_a_wrong_password_and_a_locked_account_say_so_in_chinese(desk: Page, site: Any) -> None:
    log_in(desk, "caseworker", "not-the-password")
    expect(desk.locator("#login-error")).to_have_text("用户名或密码错误")
    screenshot(desk, "login_wrong_password")
    for _ in range(6):
        log_in(desk, "caseworker", "not-the-password")
    log_in(desk, "caseworker")  # the right password, too late: locked for a while
    expect(desk.locator("#login-error")).to_contain_text("登录失败次数过多")
    expect(desk).to_have_url(site[0] + "/login")
    screenshot(desk, "login_locked")


def test_a_role_opening_another_roles_page_gets_the_chinese_403_page(desk: Page, site: Any) -> None:
    log_in(desk, "informant")
    expect(desk.get_by_role("heading", name="我的核实任务")).to_be_visible()
    for path in ("/work", "/dashboard"):
        response = desk.goto(path)
        assert response is not None and response.status == 403
        expect(desk.get_by_role("heading", name="无权访问")).to_be_visible()
    screenshot(desk, "forbidden")
    desk.goto("/field/tasks")
    desk.get_by_role("button", name="退出登录").click()
    expect(desk).to_have_url(site[0] + "/login")
    desk.goto("/field/tasks")
    expect(desk).to_have_url(site[0] + "/login?next=%2Ffield%2Ftasks")


def test_logging_in_with_the_keyboard_alone(desk: Page, site: Any) -> None:
    desk.goto("/login")
    desk.keyboard.press("Tab")
    expect(desk.get_by_role("link", name="跳到正文")).to_be_focused()  # the first stop skips the menu
    desk.get_by_label("用户名").focus()
    desk.keyboard.type("test-caseworker")
    desk.keyboard.press("Tab")
    expect(desk.get_by_label("密码")).to_be_focused()
    desk.keyboard.type("caseworker-password")
    desk.keyboard.press("Enter")
    expect(desk).to_have_url(site[0] + "/work")
    assert desk.locator("html").get_attribute("lang") == "zh-CN"


def test_the_english_switch(desk: Page, site: Any) -> None:
    desk.goto("/login")
    desk.get_by_role("link", name="English").click()
    expect(desk.get_by_role("heading", name="Log in to Qianshao")).to_be_visible()
    assert desk.locator("html").get_attribute("lang") == "en"
    desk.goto("/catalog")  # the choice is kept in a cookie
    expect(desk.get_by_role("heading", name="Rule catalog")).to_be_visible()
