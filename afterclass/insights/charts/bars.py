"""Simple bars with their value written at the end (e.g. activity by kind, completion):
horizontal, or columns over a round-number scale."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.translation import gettext as _

from afterclass.insights.charts.numbers import format_value, nice_scale
from afterclass.insights.charts.svg import (
    BAR_LABEL_WIDTH,
    BAR_WIDTH,
    LINE_LEFT,
    LINE_RIGHT,
    LINE_TOP,
    VALUE_BAR_RIGHT,
    VBAR_BOTTOM,
    coord,
    cut_label,
    drawn,
    empty_chart,
    text,
)
from afterclass.insights.charts.types import Chart, ChartTable


def _horizontal_bars(
    labels: list[str], values: list[float], scale: float, suffix: str
) -> tuple[list[str], float]:
    bar_h, gap, top = 24, 10, 8
    plot_w = VALUE_BAR_RIGHT - BAR_LABEL_WIDTH
    parts: list[str] = [
        f'<line class="axis" x1="{BAR_LABEL_WIDTH}" x2="{BAR_LABEL_WIDTH}" y1="{top - 4}" '
        f'y2="{top + len(labels) * (bar_h + gap) - gap + 4}"/>'
    ]
    for number, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + number * (bar_h + gap)
        share = min(max(value, 0) / scale, 1) if scale > 0 else 0
        width = share * plot_w
        shown = format_value(value, suffix)
        parts.append(
            f'<g class="bar value-bar series-0"><title>{escape(label)}: {escape(shown)}</title>'
            + cut_label(BAR_LABEL_WIDTH - 10, y + bar_h / 2 + 4, label, "bar-label", 22)
            + f'<rect x="{BAR_LABEL_WIDTH}" y="{y}" width="{coord(width)}" height="{bar_h}"/>'
            + text(BAR_LABEL_WIDTH + width + 6, y + bar_h / 2 + 4, shown, "value-label")
            + "</g>"
        )
    return parts, top + len(labels) * (bar_h + gap) + 4


def _vertical_bars(
    labels: list[str], values: list[float], max_value: float | None, suffix: str
) -> tuple[list[str], float]:
    integer = all(float(v).is_integer() for v in values)
    highest = max(max(values), 0)
    if max_value is not None and max_value > 0 and highest <= max_value:
        top, step = max_value, nice_scale(max_value, integer=integer)[1]
    else:
        top, step = nice_scale(highest, integer=integer)
    plot_w, plot_h = LINE_RIGHT - LINE_LEFT, VBAR_BOTTOM - LINE_TOP
    parts: list[str] = []
    for k in range(round(top / step) + 1):
        y = VBAR_BOTTOM - k * step / top * plot_h
        parts.append(
            f'<line class="{"axis" if k == 0 else "grid"}" x1="{LINE_LEFT}" x2="{LINE_RIGHT}" '
            f'y1="{coord(y)}" y2="{coord(y)}"/>'
            + text(LINE_LEFT - 8, y + 4, format_value(k * step, suffix), "tick-label", "end")
        )
    slot = plot_w / len(labels)
    width = min(64.0, slot * 0.7)
    for number, (label, value) in enumerate(zip(labels, values, strict=True)):
        centre = LINE_LEFT + slot * (number + 0.5)
        height = min(max(value, 0), top) / top * plot_h
        shown = format_value(value, suffix)
        parts.append(
            f'<g class="bar value-bar series-0"><title>{escape(label)}: {escape(shown)}</title>'
            f'<rect x="{coord(centre - width / 2)}" y="{coord(VBAR_BOTTOM - height)}" '
            f'width="{coord(width)}" height="{coord(height)}"/>'
            + text(centre, VBAR_BOTTOM - height - 6, shown, "value-label", "middle")
            + cut_label(
                centre, VBAR_BOTTOM + 18, label, "bar-label", max(3, int(slot / 7)), "middle"
            )
            + "</g>"
        )
    return parts, VBAR_BOTTOM + 32


def bar_chart(
    title: str,
    description: str,
    labels: list[str],
    values: list[float],
    *,
    suffix: str = "",
    max_value: float | None = None,
    horizontal: bool = True,
    label_heading: str = "",
    value_heading: str | None = None,
    slug: str | None = None,
    empty_text: str | None = None,
) -> Chart:
    """Bars with their value written at the end (e.g. activity by kind, completion).

    Horizontal by default (long labels stay readable); `horizontal=False` draws columns over a
    round-number scale. `max_value` fixes the full length (100 for percentages); otherwise the
    longest bar sets it.
    """
    if len(labels) != len(values):
        raise ValueError("A bar chart needs one value per label.")
    headers = [label_heading, value_heading or _("Value")]
    if not labels:
        return empty_chart(
            "bars", title, description, slug, headers, empty_text or _("No activity yet")
        )
    if horizontal:
        scale = max_value if max_value is not None and max_value > 0 else max(max(values), 0)
        parts, height = _horizontal_bars(labels, values, scale, suffix)
    else:
        parts, height = _vertical_bars(labels, values, max_value, suffix)
    table = ChartTable(
        headers=headers,
        rows=[[label, value] for label, value in zip(labels, values, strict=True)],
        display_rows=[
            [label, format_value(value, suffix)]
            for label, value in zip(labels, values, strict=True)
        ],
    )
    return drawn("bars", title, description, slug, "".join(parts), (BAR_WIDTH, height), table)
