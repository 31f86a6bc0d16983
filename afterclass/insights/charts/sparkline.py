"""Sparklines: a tiny line for a table cell (e.g. a space's weekly active members over 12
weeks)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from afterclass.insights.charts.numbers import format_value
from afterclass.insights.charts.svg import (
    SPARK_HEIGHT,
    SPARK_PAD,
    SPARK_WIDTH,
    chart_slug,
    coord,
    drawn,
    svg_element,
)
from afterclass.insights.charts.types import Chart, ChartTable

BASELINE = (
    f'<line class="baseline" x1="{SPARK_PAD}" x2="{SPARK_WIDTH - SPARK_PAD}" '
    f'y1="{SPARK_HEIGHT - SPARK_PAD}" y2="{SPARK_HEIGHT - SPARK_PAD}"/>'
)


def _empty(label: str, slug: str | None, headers: list[str]) -> Chart:
    desc = _("No data yet")
    found = chart_slug(label, slug)
    return Chart(
        kind="sparkline",
        slug=found,
        title=label,
        description=desc,
        svg=svg_element("sparkline", found, label, desc, SPARK_HEIGHT, BASELINE, SPARK_WIDTH),
        table=ChartTable(headers=headers, rows=[], display_rows=[]),
        empty=True,
    )


def _line(values: list[float]) -> str:
    """The baseline, the line scaled to the highest value, and a dot on the last point."""
    highest = max(values)
    inner_w, inner_h = SPARK_WIDTH - 2 * SPARK_PAD, SPARK_HEIGHT - 2 * SPARK_PAD
    count = len(values)

    def x_of(index: int) -> float:
        return SPARK_PAD + (inner_w / 2 if count == 1 else index * inner_w / (count - 1))

    def y_of(value: float) -> float:
        share = max(value, 0) / highest if highest > 0 else 0
        return SPARK_PAD + inner_h - share * inner_h

    path = " ".join(
        f"{'M' if i == 0 else 'L'}{coord(x_of(i))},{coord(y_of(v))}" for i, v in enumerate(values)
    )
    last_x, last_y = x_of(count - 1), y_of(values[-1])
    return (
        f'{BASELINE}<path class="line" d="{path}"/>'
        f'<circle class="point" cx="{coord(last_x)}" cy="{coord(last_y)}" r="2.5"/>'
    )


def sparkline(
    values: list[float],
    label: str,
    *,
    x_labels: list[str] | None = None,
    suffix: str = "",
    slug: str | None = None,
) -> Chart:
    """A tiny line for a table cell (e.g. a space's weekly active members over 12 weeks)."""
    if x_labels is not None and len(x_labels) != len(values):
        raise ValueError("A sparkline needs one x label per value.")
    labels = x_labels if x_labels is not None else [str(i + 1) for i in range(len(values))]
    headers = [_("Point") if x_labels is None else _("Date"), label]
    if not values:
        return _empty(label, slug, headers)
    desc = _("From %(first)s to %(last)s; highest %(highest)s.") % {
        "first": format_value(values[0], suffix),
        "last": format_value(values[-1], suffix),
        "highest": format_value(max(values), suffix),
    }
    table = ChartTable(
        headers=headers,
        rows=[[x, v] for x, v in zip(labels, values, strict=True)],
        display_rows=[[x, format_value(v, suffix)] for x, v in zip(labels, values, strict=True)],
    )
    return drawn("sparkline", label, desc, slug, _line(values), (SPARK_WIDTH, SPARK_HEIGHT), table)
