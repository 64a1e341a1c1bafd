"""What the pages' Content-Security-Policy needs from them (charts without pygal's inline script or style
attribute, with the response's nonce on their stylesheet), and values a page cannot take refused by name
rather than answered with a 500."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from starlette.requests import Request

from api.pages.audit_charts import grouped_bars
from api.pages.charts import bar_chart, csp_ready, line_chart
from api.pages.render import templates
from api.pages.session import BadValues, PageError, check_csrf, csrf_token, one_of
from api.pages.time_axes import AxisError, chosen_as_of, chosen_known_at, day_axis


@pytest.mark.parametrize("svg", [bar_chart("t", [("甲", 1)]), line_chart("t", [("a", 1), ("b", 2)]),
                                 grouped_bars("g", ["x"], [("s", [0.5])], percent=True)])
def test_charts_carry_no_script_and_no_style_attribute(svg: str) -> None:
    assert "<script" not in svg and not re.search(r"\sstyle=", svg)
    assert svg.count("<style") == 1 and 'opacity="0"' in svg


def test_csp_ready_only_drops_the_script() -> None:
    assert csp_ready('<svg><script type="text/javascript">x = 1;</script><g style="opacity: 0"/></svg>') == \
        '<svg><g opacity="0"/></svg>'


def test_the_chart_filter_puts_the_nonce_on_the_stylesheet() -> None:
    template = templates.env.from_string("{{ svg|chart }}")
    drawn = template.render(svg=bar_chart("t", [("a", 1)]), csp_nonce="N0NCE")
    assert drawn.count('<style nonce="N0NCE"') == 1
    assert "<style nonce" not in templates.env.from_string("{{ svg|chart }}").render(svg="<style>", csp_nonce="")


def test_a_value_outside_its_vocabulary_is_named_in_both_languages() -> None:
    assert one_of("severity", "", ("high",)) == "" and one_of("severity", "high", ("high",)) == "high"
    with pytest.raises(BadValues) as refused:
        one_of("severity", "urgent", ("high", "low"))
    assert refused.value.problems == [{"field": "severity", "message": "must be one of: high, low",
                                       "message_zh": "必须是以下之一：紧急、较低"}]


@pytest.mark.parametrize("position", ["²", "9" * 5000, "-1", "1e3", " 1"])
def test_a_slider_position_that_is_not_a_number_is_the_typed_inputs_error(position: str) -> None:
    """`"²".isdigit()` is true and `int("9" * 5000)` raises: both used to answer 500."""
    axis = day_axis([], date(2025, 8, 10))
    with pytest.raises(AxisError) as error:
        chosen_as_of({"d": position, "d0": "0"}, axis)
    assert error.value.field == "as_of"
    with pytest.raises(AxisError) as error:
        chosen_known_at({"k": position, "k0": "0"}, [], datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert error.value.field == "known_at"


def signed_in_request() -> Request:
    return Request({"type": "http", "method": "POST", "path": "/logout", "query_string": b"",
                    "headers": [(b"cookie", b"qianshao_session=token-1")]})


@pytest.mark.parametrize("submitted", ["²", "表单", "\x00", None, 7])
def test_a_csrf_token_of_any_kind_is_refused_not_a_500(submitted: object) -> None:
    """`hmac.compare_digest` raises TypeError for a str that is not ASCII: a form sending one answered 500."""
    request = signed_in_request()
    with pytest.raises(PageError) as refused:
        check_csrf(request, submitted)
    assert refused.value.status == 403
    check_csrf(request, csrf_token(request))  # the right one passes
