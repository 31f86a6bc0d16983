"""Stacked 100 % bars: each bar split into its parts (e.g. the participation ladder beside the
90-9-1 pattern)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.translation import gettext as _

from afterclass.insights.charts.numbers import NO_FIGURE, format_number, rounded_percentages
from afterclass.insights.charts.svg import (
    BAR_LABEL_WIDTH,
    BAR_RIGHT,
    BAR_WIDTH,
    SERIES_CLASSES,
    coord,
    cut_label,
    drawn,
    empty_chart,
    legend,
    text,
)
from afterclass.insights.charts.types import Bar, Cell, Chart, ChartTable

BAR_HEIGHT, BAR_GAP, TOP = 30, 16, 12
PLOT_WIDTH = BAR_RIGHT - BAR_LABEL_WIDTH


def _segment_names(bars: list[Bar]) -> list[str]:
    """Every segment's label once, in the order the bars first name them."""
    names: list[str] = []
    for bar in bars:
        for segment in bar.segments:
            if segment.label not in names:
                names.append(segment.label)
    return names


def _no_data(y: float) -> str:
    return (
        f'<rect class="empty-frame" x="{BAR_LABEL_WIDTH}" y="{y}" width="{PLOT_WIDTH}" '
        f'height="{BAR_HEIGHT}"/>'
        + text(
            BAR_LABEL_WIDTH + PLOT_WIDTH / 2,
            y + BAR_HEIGHT / 2 + 4,
            _("No data"),
            "empty-text small",
            "middle",
        )
    )


def _segments(bar: Bar, y: float, colour: dict[str, str], percents: list[int]) -> list[str]:
    """The bar's parts, each with its percentage written in it, or after the bar's end when it
    is too thin to write in (1 % creators)."""
    total = sum(segment.value for segment in bar.segments)
    parts: list[str] = []
    x = float(BAR_LABEL_WIDTH)
    for segment, percent in zip(bar.segments, percents, strict=True):
        if total <= 0 or segment.value <= 0:
            continue
        width = segment.value / total * PLOT_WIDTH
        shown = f"{percent} %"
        label = ""
        if width >= 36:
            label = text(x + width / 2, y + BAR_HEIGHT / 2 + 4, shown, "segment-label", "middle")
        elif x + width >= BAR_RIGHT - 0.01:
            label = text(BAR_RIGHT + 4, y + BAR_HEIGHT / 2 + 4, shown, "segment-label outside")
        parts.append(
            f'<g class="segment {colour[segment.label]}">'
            f"<title>{escape(bar.label)}, {escape(segment.label)}: {escape(shown)} "
            f"({escape(format_number(segment.value))})</title>"
            f'<rect x="{coord(x)}" y="{y}" width="{coord(width)}" height="{BAR_HEIGHT}"/>'
            f"{label}</g>"
        )
        x += width
    return parts


def _bar(number: int, bar: Bar, colour: dict[str, str]) -> str:
    y = TOP + number * (BAR_HEIGHT + BAR_GAP)
    css = "bar reference" if bar.reference else "bar"
    parts = [
        f'<g class="{css}">',
        cut_label(BAR_LABEL_WIDTH - 10, y + BAR_HEIGHT / 2 + 4, bar.label, "bar-label", 22),
    ]
    percents = rounded_percentages([segment.value for segment in bar.segments])
    if sum(segment.value for segment in bar.segments) <= 0:
        parts.append(_no_data(y))
    parts.extend(_segments(bar, y, colour, percents))
    parts.append("</g>")
    return "".join(parts)


def _table(headers: list[str], bars: list[Bar], names: list[str]) -> ChartTable:
    rows: list[list[Cell]] = []
    display: list[list[str]] = []
    for bar in bars:
        percents = rounded_percentages([segment.value for segment in bar.segments])
        by_name = {
            segment.label: (segment.value, percent)
            for segment, percent in zip(bar.segments, percents, strict=True)
        }
        rows.append([bar.label, *(by_name[name][0] if name in by_name else None for name in names)])
        display.append(
            [
                bar.label,
                *(
                    f"{format_number(by_name[name][0])} ({by_name[name][1]} %)"
                    if name in by_name
                    else NO_FIGURE
                    for name in names
                ),
            ]
        )
    return ChartTable(headers=headers, rows=rows, display_rows=display)


def stacked_bar(
    title: str,
    description: str,
    bars: list[Bar],
    *,
    slug: str | None = None,
    empty_text: str | None = None,
) -> Chart:
    """Horizontal 100 % bars (e.g. the participation ladder beside the 90-9-1 pattern)."""
    names = _segment_names(bars)
    headers = ["", *names]
    if not bars or all(sum(s.value for s in bar.segments) <= 0 for bar in bars):
        return empty_chart(
            "stacked", title, description, slug, headers, empty_text or _("No activity yet")
        )
    colour = {name: f"series-{i % SERIES_CLASSES}" for i, name in enumerate(names)}
    parts = [_bar(number, bar, colour) for number, bar in enumerate(bars)]
    legend_y = TOP + len(bars) * (BAR_HEIGHT + BAR_GAP) + 8
    parts.append(
        legend([(colour[name], name) for name in names], legend_y, BAR_LABEL_WIDTH, BAR_WIDTH)
    )
    table = _table(headers, bars, names)
    return drawn(
        "stacked", title, description, slug, "".join(parts), (BAR_WIDTH, legend_y + 14), table
    )
