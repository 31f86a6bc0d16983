"""Server-rendered bar charts for survey results: geometry computed here, drawn as SVG by the
template with presentation attributes only (the Content-Security-Policy forbids inline styles)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from afterclass.surveys.queries import Row

WIDTH = 560
LABEL_WIDTH = 220
BAR_AREA = WIDTH - LABEL_WIDTH - 60
BAR_HEIGHT = 22
GAP = 10


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    pct: int
    y: int
    text_y: int
    width: int
    value_x: int


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int


def bar_chart(rows: Sequence[Row]) -> BarChart:
    """Horizontal bars, longest = the largest count; every option keeps a row, even at zero."""
    largest = max((row.count for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        y = index * (BAR_HEIGHT + GAP)
        width = round(row.count * BAR_AREA / largest)
        label = row.label if len(row.label) <= 32 else f"{row.label[:31]}…"
        bars.append(
            Bar(
                label=label,
                count=row.count,
                pct=row.pct,
                y=y,
                text_y=y + BAR_HEIGHT - 6,
                width=width,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    height = max(len(bars) * (BAR_HEIGHT + GAP) - GAP, BAR_HEIGHT)
    return BarChart(bars=bars, width=WIDTH, height=height, label_width=LABEL_WIDTH)
