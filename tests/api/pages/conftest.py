"""Browser tests: the pages in Debian's Chromium driven by Playwright, against a served pipeline.

The browser is the system's (`/usr/bin/chromium`, installed by `.ci/run`); Playwright never downloads
one. One Playwright and one browser per test module, started and used from the test thread only (the
sync API is bound to the thread that started it, and is stopped before other modules run); every test
gets a fresh context (its own cookies and storage). Screenshots go to `var/screenshots/<test>.png`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from infra.runtime import Runtime
from tests.people import People
from tests.serving import served_pipeline

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--lang=zh-CN"]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"
DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # the informant's phone (issue 18)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture()
def site(broker: Any, tmp_path: Path) -> Iterator[tuple[str, Runtime, People]]:
    """The served application (API and pages) on a real pipeline, with one user per role."""
    with served_pipeline(broker, tmp_path) as served:
        yield served


def new_page(browser: Browser, url: str, viewport: dict[str, int] = DESK) -> tuple[BrowserContext, Page]:
    context = browser.new_context(base_url=url, viewport=viewport, locale="zh-CN")  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    return context, context.new_page()


@pytest.fixture()
def desk(browser: Browser, site: tuple[str, Runtime, People]) -> Iterator[Page]:
    context, page = new_page(browser, site[0])
    yield page
    context.close()


@pytest.fixture()
def phone(browser: Browser, site: tuple[str, Runtime, People]) -> Iterator[tuple[BrowserContext, Page]]:
    context, page = new_page(browser, site[0], PHONE)
    yield context, page
    context.close()


def screenshot(page: Page, name: str, full_page: bool = True) -> Path:
    """Save the page (whole, or what the window shows) as `var/screenshots/<name>.png` (a test artefact)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def log_in(page: Page, role: str, password: str | None = None) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(f"test-{role}")
    page.get_by_label("密码").fill(password or f"{role}-password")
    page.get_by_role("button", name="登录").click()


def network_down(context: BrowserContext) -> None:
    """The phone loses its network: offline, and every request fails as a lost connection. Chromium 150
    lifts its offline emulation from a page reloaded offline (`navigator.onLine` is true again, and a
    send may get through), so the emulation alone is not a phone without a network."""
    context.set_offline(True)
    context.route("**/*", lambda route: route.abort("internetdisconnected"))


def network_back(context: BrowserContext) -> None:
    """The phone has its network again."""
    context.unroute_all()
    context.set_offline(False)
