"""Charts as inline SVG, drawn on the server by pygal (no chart script, nothing fetched by the browser)."""

from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict
from typing import Any, Callable, TypeVar

import pygal
from pygal.style import Style

STYLE = Style(background="white", plot_background="white", foreground="#1a1a1a", foreground_strong="#1a1a1a",
              foreground_subtle="#767676", colors=("#0b5394", "#a4161a", "#1e6b2f"),
              font_family="'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif", label_font_size=12,
              major_label_font_size=12, value_font_size=12, title_font_size=16)


F = TypeVar("F", bound=Callable[..., str])
KEPT_CHARTS = 256


def drawn_once(draw: F) -> F:
    """The chart drawn once per input and kept (the least recently drawn dropped first): a chart is a pure
    function of its title and data, and pygal takes tens of milliseconds to draw one, three on a dashboard
    seen again and again with the same figures."""
    kept: OrderedDict[Any, str] = OrderedDict()
    lock = threading.Lock()

    @functools.wraps(draw)
    def drawn(*args: Any, **kwargs: Any) -> str:
        key = _frozen((args, kwargs))
        with lock:
            if key in kept:
                kept.move_to_end(key)
                return kept[key]
        svg = draw(*args, **kwargs)
        with lock:
            kept[key] = svg
            while len(kept) > KEPT_CHARTS:
                kept.popitem(last=False)
        return svg

    return drawn  # type: ignore[return-value]


def _frozen(value: Any) -> Any:
    """A hashable copy: lists and tuples as tuples, dicts as sorted item tuples."""
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value


PYGAL_SCRIPT = re.compile(r"<script[^>]*>.*?</script>", re.DOTALL)


def csp_ready(svg: str) -> str:
    """The SVG without what the pages' Content-Security-Policy refuses: pygal's inline config script (of no
    use without its tooltip script) and its one style attribute (the same, as a presentation attribute).
    The inline `<style>` stays; the page gives it the request's nonce (`render.chart`)."""
    return PYGAL_SCRIPT.sub("", svg).replace('style="opacity: 0"', 'opacity="0"')


def whole_numbers(data: list[tuple[str, int]]) -> list[int]:
    """Axis marks for counts: whole numbers only, about six of them."""
    top = max([count for _, count in data] + [1])
    step = max(1, -(-top // 6))
    return list(range(0, top + step, step))


def _config(chart: pygal.graph.graph.Graph, title: str, data: list[tuple[str, int]]) -> None:
    chart.title = title
    chart.y_labels = whole_numbers(data)
    chart.js = []  # pygal's tooltips script would be fetched from elsewhere: none
    chart.disable_xml_declaration = True
    chart.show_legend = False
    chart.print_values = True
    chart.style = STYLE


@drawn_once
def bar_chart(title: str, data: list[tuple[str, int]], horizontal: bool = True) -> str:
    """A bar chart of (label, count), as SVG markup to inline into the page."""
    chart = (pygal.HorizontalBar if horizontal else pygal.Bar)(height=max(260, 28 * len(data) + 100), width=640)
    _config(chart, title, data)
    chart.truncate_label = -1  # whole names: the chart makes room for them
    # pygal sizes labels as if every character were half a square; Chinese ones are a whole square
    chart.margin_left = 20 + max([sum(ord(c) > 0x2E80 for c in label) for label, _ in data] + [0]) * 6
    shown = list(reversed(data)) if horizontal else data  # the largest on top
    chart.x_labels = [label for label, _ in shown]
    chart.add(title, [count for _, count in shown])
    if not data:
        chart.no_data_text = "—"
    return csp_ready(str(chart.render(is_unicode=True)))


@drawn_once
def line_chart(title: str, data: list[tuple[str, int]]) -> str:
    chart = pygal.Line(height=300, width=640, x_label_rotation=30, show_minor_x_labels=True)
    _config(chart, title, data)
    chart.print_values = False
    chart.x_labels = [label for label, _ in data]
    chart.add(title, [count for _, count in data])
    return csp_ready(str(chart.render(is_unicode=True)))
