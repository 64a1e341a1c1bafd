"""The auditor's pages over plain HTTP: the sliders' form works without a script, a bad date or moment is a
422 page naming it in Chinese, an unknown household, alert or back-test is the 404 page, English is there,
and no garbage in a path or query makes any of them answer 500."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.api.pages.data import raise_alerts
from tests.api.pages.test_page_http import logged_in

AUDIT_PAGES = ["/audit", "/audit/households/x", "/audit/alerts/x", "/audit/backtests", "/audit/backtests/x",
               "/audit/integrity", "/audit/response-times", "/audit/equity"]


def _moments(html: str) -> int:
    found = re.search(r'id="k" name="k" min="0" max="(\d+)"', html)
    assert found, html
    return int(found.group(1)) + 1


def test_the_sliders_form_without_a_script(site: Any) -> None:
    url, runtime, _ = site
    (alert,) = raise_alerts(runtime, "CQ-AH1")
    with logged_in(url, "auditor") as client:
        now = client.get("/audit/households/CQ-AH1")
        assert now.status_code == 200
        assert 'data-then="in_force_then"' in now.text and "收入低于低保标准但未纳入低保" in now.text and "MISSED.DIBAO" not in now.text
        last = _moments(now.text) - 1
        first = client.get("/audit/households/CQ-AH1", params={"k": "0", "k0": str(last),
                                                                "known_at": "2099-01-01T00:00:00+08:00"})
        assert first.status_code == 200  # the moved slider won over the typed moment
        assert 'id="k" name="k" min="0" max="%d" value="0"' % last in first.text
        assert f'href="/audit/alerts/{alert}"' not in first.text.split('id="then"')[1].split("</section>")[0]
        typed = client.get("/audit/households/CQ-AH1", params={"as_of": "2025-08-02", "d": "0", "d0": "0"})
        assert typed.status_code == 200 and 'data-then="not_happened_yet"' in typed.text
        alerts_only = client.get("/audit/households/CQ-AH1", params={"kind": "alert"})
        assert 'data-type="alert.raised"' in alerts_only.text and 'data-type="household.registered"' not in alerts_only.text


def test_bad_input_is_a_chinese_422_page_and_unknown_records_404(site: Any) -> None:
    url, runtime, _ = site
    raise_alerts(runtime, "CQ-AH2")
    with logged_in(url, "auditor") as client:
        bad_day = client.get("/audit/households/CQ-AH2", params={"as_of": "2025-02-30"})
        assert bad_day.status_code == 422 and "日期格式不正确" in bad_day.text
        bad_moment = client.get("/audit/households/CQ-AH2", params={"known_at": "soon"})
        assert bad_moment.status_code == 422 and "时刻格式不正确" in bad_moment.text
        bad_range = client.get("/audit/response-times", params={"start": "2025-13-01"})
        assert bad_range.status_code == 422 and "日期格式不正确" in bad_range.text
        for path in ("/audit/households/NOPE", "/audit/alerts/not-a-uuid",
                     "/audit/alerts/00000000-0000-0000-0000-000000000000", "/audit/backtests/..%2Fhouseholds",
                     "/audit/backtests/20250101T000000000000Z"):
            answer = client.get(path)
            assert answer.status_code == 404 and "未找到" in answer.text, path
        english = client.get("/audit/households/CQ-AH2", params={"lang": "en"})
        assert "History of household CQ-AH2" in english.text and "As of: what had happened" in english.text
        assert client.get("/audit", params={"household": "CQ-AH2"}).headers["location"] == "/audit/households/CQ-AH2"


@pytest.mark.parametrize("path", AUDIT_PAGES)
def test_no_audit_page_answers_500_to_garbage(site: Any, path: str) -> None:
    garbage = {"as_of": "\x00", "known_at": "9999-99-99", "k": "-1", "k0": "x", "d": "99999999", "d0": "0",
               "kind": "<script>", "group_by": "nope", "region": "'; DROP", "start": "0", "end": "", "lang": "xx"}
    with logged_in(site[0], "auditor") as client:
        answer = client.get(path, params=garbage)
        assert answer.status_code in (200, 404, 422), (path, answer.status_code, answer.text[:500])
    with logged_in(site[0], "informant") as client:
        assert client.get(path).status_code == 403
