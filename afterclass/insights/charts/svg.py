"""The SVG every chart is drawn with: the canvas sizes, text and labels, the legend, the `<svg>`
element with its title and description, and the chart that says in words it has nothing to draw.
"""

from __future__ import annotations

import itertools

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from afterclass.insights.charts.numbers import truncate
from afterclass.insights.charts.types import Chart, ChartTable

# How many colours (and dash patterns) the stylesheet defines for series: `series-0`..`series-5`.
SERIES_CLASSES = 6

# The drawing area of a line chart inside its viewBox; tests and callers may rely on it.
LINE_WIDTH = 640
LINE_HEIGHT = 300
LINE_LEFT = 56
LINE_RIGHT = LINE_WIDTH - 24
LINE_TOP = 24
LINE_BOTTOM = LINE_HEIGHT - 64
# The most x-axis labels a line chart writes (90 daily labels would be unreadable).
LINE_MAX_X_LABELS = 6
VBAR_BOTTOM = 200  # the baseline of vertical bars, which share the line chart's left and right

BAR_WIDTH = 640
BAR_LABEL_WIDTH = 160  # where horizontal bars start
BAR_RIGHT = BAR_WIDTH - 48  # room for the percentage of a thin last segment
VALUE_BAR_RIGHT = BAR_WIDTH - 80  # room for the value written after a simple bar

HEAT_CELL = 48
HEAT_LEFT = 170
HEAT_TOP = 110

SPARK_WIDTH = 120
SPARK_HEIGHT = 28
SPARK_PAD = 3

_chart_ids = itertools.count(1)


def coord(value: float) -> str:
    """A coordinate with at most two decimals, short enough to keep the SVG small."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def text(x: float, y: float, content: str, css: str, anchor: str = "start") -> str:
    return (
        f'<text class="{css}" x="{coord(x)}" y="{coord(y)}" text-anchor="{anchor}">'
        f"{escape(content)}</text>"
    )


def cut_label(x: float, y: float, content: str, css: str, length: int, anchor: str = "end") -> str:
    """An axis label cut to fit, with the full name as a tooltip when it was cut."""
    short = truncate(content, length)
    if short == content:
        return text(x, y, content, css, anchor)
    return f"<g><title>{escape(content)}</title>{text(x, y, short, css, anchor)}</g>"


def svg_element(
    kind: str, slug: str, title: str, description: str, height: float, body: str, width: float
) -> SafeString:
    uid = f"chart-{slug}-{next(_chart_ids)}"
    return mark_safe(  # noqa: S308 - every text and attribute value is escaped or generated here
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
        f'aria-labelledby="{uid}-title {uid}-desc" viewBox="0 0 {coord(width)} {coord(height)}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" id="{uid}">'
        f'<title id="{uid}-title">{escape(title)}</title>'
        f'<desc id="{uid}-desc">{escape(description)}</desc>{body}</svg>'
    )


def chart_slug(title: str, slug: str | None) -> str:
    return slugify(slug or title) or "chart"


def drawn(
    kind: str,
    title: str,
    description: str,
    slug: str | None,
    body: str,
    size: tuple[float, float],
    table: ChartTable,
) -> Chart:
    """A drawn chart: its SVG (`size` is width and height) and its table."""
    found = chart_slug(title, slug)
    width, height = size
    return Chart(
        kind=kind,
        slug=found,
        title=title,
        description=description,
        svg=svg_element(kind, found, title, description, height, body, width),
        table=table,
    )


def empty_chart(
    kind: str, title: str, description: str, slug: str | None, headers: list[str], empty_text: str
) -> Chart:
    """A chart with nothing to draw says so in words, at a readable size."""
    body = '<rect class="empty-frame" x="1" y="1" width="638" height="118" rx="8"/>' + text(
        320, 66, empty_text, "empty-text", "middle"
    )
    found = chart_slug(title, slug)
    desc = f"{description} {empty_text}".strip()
    return Chart(
        kind=kind,
        slug=found,
        title=title,
        description=description,
        svg=svg_element(kind, found, title, desc, 120, body, 640),
        table=ChartTable(headers=headers, rows=[], display_rows=[]),
        empty=True,
    )


def legend(entries: list[tuple[str, str]], y: float, x: float, max_x: float) -> str:
    """Swatches with their names, in a row (wrapping when they do not fit)."""
    parts: list[str] = []
    start = x
    for css, name in entries:
        short = truncate(name, 28)
        width = 22 + len(short) * 7 + 18
        if x + width > max_x and x > start:
            x, y = start, y + 18
        parts.append(
            f'<g class="legend-item {css}">'
            f'<rect class="swatch" x="{coord(x)}" y="{coord(y - 10)}" width="14" height="12" '
            'rx="2"/>'
            f"{text(x + 20, y, short, 'legend-text')}</g>"
        )
        x += width
    return "".join(parts)
