"""Line charts: one or more series over time, with round-number gridlines and an optional dashed
target."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.translation import gettext as _

from afterclass.insights.charts.numbers import format_value, nice_scale
from afterclass.insights.charts.svg import (
    LINE_BOTTOM,
    LINE_HEIGHT,
    LINE_LEFT,
    LINE_MAX_X_LABELS,
    LINE_RIGHT,
    LINE_TOP,
    LINE_WIDTH,
    SERIES_CLASSES,
    coord,
    drawn,
    empty_chart,
    legend,
    text,
)
from afterclass.insights.charts.types import Cell, Chart, ChartTable, Series

# Every point is drawn as a dot up to a month of days; beyond, only lonely points are.
MOST_DOTTED = 31


def _x_label_indexes(count: int, most: int = LINE_MAX_X_LABELS) -> list[int]:
    """Which x labels to write: the first, the last and evenly spaced ones between."""
    if count <= most:
        return list(range(count))
    stride = math.ceil((count - 1) / (most - 1))
    indexes = list(range(0, count, stride))
    if indexes[-1] != count - 1:
        # A last label closer than two thirds of a step would run into the one before it.
        if count - 1 - indexes[-1] >= stride * 2 / 3:
            indexes.append(count - 1)
        else:
            indexes[-1] = count - 1
    return indexes


@dataclass(frozen=True)
class _Plot:
    """Where a point goes: `count` labels across, values up to `top` (drawn at the top)."""

    count: int
    top: float

    def x_of(self, index: int) -> float:
        plot_w = LINE_RIGHT - LINE_LEFT
        if self.count == 1:
            return LINE_LEFT + plot_w / 2
        return LINE_LEFT + index * plot_w / (self.count - 1)

    def y_of(self, value: float) -> float:
        plot_h = LINE_BOTTOM - LINE_TOP
        return LINE_BOTTOM - min(max(value, 0), self.top) / self.top * plot_h


def _scale(figures: list[float], target: float | None, y_max: float | None) -> tuple[float, float]:
    """The top of the y axis and its step: `y_max` unless a figure or the target is above it."""
    integer = all(float(v).is_integer() for v in figures) and (
        target is None or float(target).is_integer()
    )
    highest = max([*figures, target or 0])
    if y_max is not None and highest <= y_max:
        return y_max, nice_scale(y_max, integer=integer)[1]
    return nice_scale(highest, integer=integer)


def _gridlines(plot: _Plot, step: float, y_suffix: str) -> str:
    parts: list[str] = ['<g class="gridlines">']
    for k in range(round(plot.top / step) + 1):
        value = k * step
        y = plot.y_of(value)
        css = "axis" if k == 0 else "grid"
        parts.append(
            f'<line class="{css}" x1="{LINE_LEFT}" x2="{LINE_RIGHT}" '
            f'y1="{coord(y)}" y2="{coord(y)}"/>'
            + text(LINE_LEFT - 8, y + 4, format_value(value, y_suffix), "tick-label", "end")
        )
    return "".join(parts) + "</g>"


def _x_axis(plot: _Plot, x_labels: list[str]) -> str:
    parts: list[str] = ['<g class="x-axis">']
    count = plot.count
    for index in _x_label_indexes(count):
        x = plot.x_of(index)
        anchor = "middle"
        if count > 1 and index == count - 1:
            anchor = "end"
        elif count > 1 and index == 0:
            anchor = "start"
        parts.append(
            f'<line class="tick" x1="{coord(x)}" x2="{coord(x)}" y1="{LINE_BOTTOM}" '
            f'y2="{LINE_BOTTOM + 5}"/>'
            + text(x, LINE_BOTTOM + 20, x_labels[index], "tick-label", anchor)
        )
    return "".join(parts) + "</g>"


def _target(plot: _Plot, target: float, name: str, y_suffix: str) -> str:
    y = plot.y_of(target)
    label = f"{name}: {format_value(target, y_suffix)}"
    return (
        f'<g class="target"><line class="target-line" x1="{LINE_LEFT}" x2="{LINE_RIGHT}" '
        f'y1="{coord(y)}" y2="{coord(y)}"/>'
        + text(LINE_RIGHT, y - 6, label, "target-label", "end")
        + "</g>"
    )


def _series(plot: _Plot, number: int, line: Series, x_labels: list[str], y_suffix: str) -> str:
    """One series' path, broken where there is no figure, with a dot for each point (or only
    for lonely points, between two gaps, on a long chart)."""
    css = f"series-{number % SERIES_CLASSES}"
    commands: list[str] = []
    dots: list[str] = []
    pen_down = False
    for index, point in enumerate(line.values):
        if point is None:
            pen_down = False
            continue
        x, y = plot.x_of(index), plot.y_of(point)
        commands.append(f"{'L' if pen_down else 'M'}{coord(x)},{coord(y)}")
        lonely = not pen_down and (index + 1 >= plot.count or line.values[index + 1] is None)
        pen_down = True
        if plot.count <= MOST_DOTTED or lonely:
            dots.append(
                f'<circle class="point" cx="{coord(x)}" cy="{coord(y)}" r="3">'
                f"<title>{escape(line.name)}, {escape(x_labels[index])}: "
                f"{escape(format_value(point, y_suffix))}</title></circle>"
            )
    return (
        f'<g class="series {css}"><path class="line" d="{" ".join(commands)}"/>{"".join(dots)}</g>'
    )


def _table(
    headers: list[str],
    x_labels: list[str],
    series: list[Series],
    target: float | None,
    y_suffix: str,
) -> ChartTable:
    rows: list[list[Cell]] = []
    display: list[list[str]] = []
    for index, label in enumerate(x_labels):
        values: list[float | None] = [line.values[index] for line in series]
        if target is not None:
            values.append(target)
        rows.append([label, *values])
        display.append([label, *(format_value(v, y_suffix) for v in values)])
    return ChartTable(headers=headers, rows=rows, display_rows=display)


def line_chart(
    title: str,
    description: str,
    x_labels: list[str],
    series: list[Series],
    *,
    y_max: float | None = None,
    y_suffix: str = "",
    target: float | None = None,
    target_label: str | None = None,
    x_heading: str | None = None,
    slug: str | None = None,
    empty_text: str | None = None,
) -> Chart:
    """One or more lines over time, with round-number gridlines and an optional dashed target."""
    for line in series:
        if len(line.values) != len(x_labels):
            raise ValueError(
                f"Series {line.name!r} has {len(line.values)} values for {len(x_labels)} labels."
            )
    target_name = target_label or _("Target")
    headers = [x_heading or _("Date"), *(line.name for line in series)]
    if target is not None:
        headers.append(target_name)
    figures = [v for line in series for v in line.values if v is not None]
    if not x_labels or not figures:
        return empty_chart(
            "line", title, description, slug, headers, empty_text or _("No activity yet")
        )
    top, step = _scale(figures, target, y_max)
    plot = _Plot(len(x_labels), top)
    parts = [_gridlines(plot, step, y_suffix), _x_axis(plot, x_labels)]
    if target is not None:
        parts.append(_target(plot, target, target_name, y_suffix))
    parts.extend(
        _series(plot, number, line, x_labels, y_suffix) for number, line in enumerate(series)
    )
    entries = [(f"series-{i % SERIES_CLASSES}", line.name) for i, line in enumerate(series)]
    if target is not None:
        entries.append(("target", target_name))
    parts.append(legend(entries, LINE_HEIGHT - 18, LINE_LEFT, LINE_WIDTH))
    table = _table(headers, x_labels, series, target, y_suffix)
    return drawn("line", title, description, slug, "".join(parts), (LINE_WIDTH, LINE_HEIGHT), table)
