"""Charts drawn on the server as SVG by pygal: no JavaScript, printable, shown as ``<img>``.

The SVG goes into a ``data:`` URL (allowed by the site's Content-Security-Policy for images), so
the chart's own styles never meet the page's policy, and WeasyPrint puts the same image in the
PDF. Each chart stands beside a table with its figures; the ``alt`` text says so.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import pygal
from pygal.style import Style

# Dark blue and a dark orange: both at least 3:1 against white (WCAG 1.4.11) and apart in greyscale.
STYLE = Style(
    background="#ffffff", plot_background="#ffffff", foreground="#1a1a1a", foreground_strong="#1a1a1a",
    foreground_subtle="#4a4a4a", colors=("#8a4b00", "#0b5394"), font_family="sans-serif",
    label_font_size=13, major_label_font_size=13, legend_font_size=14, value_font_size=12, title_font_size=16,
    opacity="1", opacity_hover="1",
)


def bar_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]],
              horizontal: bool = False) -> str:
    """An SVG bar chart as a ``data:image/svg+xml;base64,…`` URL; ``series`` is (name, values).

    The bars carry no printed values: the table beside the chart has them."""
    chart_class = pygal.HorizontalBar if horizontal else pygal.Bar
    height = max(320, 28 * len(labels) * max(1, len(series))) if horizontal else 360
    chart = chart_class(
        style=STYLE, js=[], disable_xml_declaration=False, width=720, height=height, legend_at_bottom=True,
        print_values=False, x_label_rotation=0 if horizontal else 20, truncate_label=-1,
        show_y_guides=not horizontal, show_x_guides=horizontal, min_scale=1, max_scale=6, explicit_size=True,
    )
    labels, series = list(labels), [(name, list(values)) for name, values in series]
    if horizontal:  # pygal draws the first label at the bottom; readers expect the table's order
        labels.reverse()
        series = [(name, values[::-1]) for name, values in series]
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, [v or 0 for v in values])
    svg = chart.render()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
