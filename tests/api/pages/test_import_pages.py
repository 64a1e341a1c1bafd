"""The import pages in a browser: the integration user lands on 部门数据导入, uploads a department's file, follows
the report page until the import is done and reads every row accounted for; a file with renamed headers is
refused on the form itself, naming the header it expected."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, expect

from infra.imports import sample_path
from tests.api.pages.conftest import log_in, new_page, screenshot


def test_an_upload_shows_its_report_and_a_wrong_file_is_told_on_the_form(browser: Browser, site: Any,
                                                                        tmp_path: Path) -> None:
    url, _, _ = site
    context, page = new_page(browser, url)
    log_in(page, "integration")
    expect(page).to_have_url(f"{url}/imports")
    expect(page.locator("h1")).to_have_text("部门数据导入")

    sample = sample_path("education")
    page.get_by_label("文件", exact=True).set_input_files(str(sample))
    page.get_by_label("数据来源部门").select_option(label="教育局")
    page.get_by_role("button", name="开始导入").click()
    expect(page.locator("h1")).to_have_text("导入报告")
    expect(page.locator("#import-state")).to_have_attribute("data-state", "done", timeout=60_000)
    rows = int(page.locator("[data-count=rows_read]").inner_text())
    assert rows > 0
    leads = int(page.locator("[data-count=leads]").inner_text())
    rejected = int(page.locator("[data-count=rejected]").inner_text())
    duplicates = int(page.locator("[data-count=duplicates]").inner_text())
    accepted = int(page.locator("[data-count=accepted]").inner_text())
    assert accepted + leads + rejected + duplicates == rows  # nobody of 江津区 is registered here: no match
    screenshot(page, "integration_import_report")

    wrong = tmp_path / "wrong.csv"
    wrong.write_text("姓名,身份证\n某人,1\n", encoding="utf-8")
    page.goto("/imports")
    page.get_by_label("文件", exact=True).set_input_files(str(wrong))
    page.get_by_role("button", name="开始导入").click()
    expect(page).to_have_url(f"{url}/imports")
    expect(page.locator("#import-error")).to_contain_text("缺少")
    expect(page.locator("table.imports")).to_contain_text(sample.name)
    screenshot(page, "integration_import_refused")
    context.close()
