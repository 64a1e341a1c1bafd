"""Charts with several series side by side (pygal, server-drawn SVG in the style of `charts.py`):
response-time medians per stage, and each group's share of the population next to its share of those found."""

from __future__ import annotations

import math

import pygal

from api.pages.charts import STYLE, csp_ready, drawn_once, whole_numbers

SERIES_COLOURS = ("#0b5394", "#a4161a", "#1e6b2f", "#8a4b00", "#5c3d99")


@drawn_once
def grouped_bars(title: str, groups: list[str], series: list[tuple[str, list[float | None]]],
                 percent: bool = False) -> str:
    """Horizontal bars: one row per group, one bar per series (None: no bar), with a legend."""
    chart = pygal.HorizontalBar(height=max(300, 22 * len(groups) * max(1, len(series)) + 140), width=640)
    chart.title = title
    chart.js = []  # no tooltip script fetched from elsewhere
    chart.disable_xml_declaration = True
    chart.print_values = True
    chart.legend_at_bottom = True
    chart.truncate_label = -1
    chart.truncate_legend = -1
    chart.margin_left = 20 + max([sum(ord(c) > 0x2E80 for c in g) for g in groups] + [0]) * 6
    chart.style = STYLE.__class__(**{**STYLE.__dict__, "colors": SERIES_COLOURS})
    if percent:
        chart.value_formatter = lambda v: f"{v:.0%}"
        chart.range = (0, 1)
        chart.y_labels = [i / 4 for i in range(5)]
    else:
        chart.value_formatter = lambda v: f"{v:g}"
        top = max([v for _, values in series for v in values if v is not None] + [1])
        chart.y_labels = whole_numbers([("", math.ceil(top))])
    chart.x_labels = list(reversed(groups))  # the first group on top
    for name, values in series:
        chart.add(name, list(reversed(values)))
    if not groups:
        chart.no_data_text = "—"
    return csp_ready(str(chart.render(is_unicode=True)))
