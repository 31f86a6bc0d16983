"""Heat maps: a matrix (e.g. department by department interactions), darker where there are
more; a cell withheld for privacy is drawn hatched, with a dash."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.translation import gettext as _

from afterclass.insights.charts.numbers import HEAT_BUCKETS, format_number, heat_bucket, truncate
from afterclass.insights.charts.svg import (
    HEAT_CELL,
    HEAT_LEFT,
    HEAT_TOP,
    LINE_WIDTH,
    coord,
    cut_label,
    drawn,
    empty_chart,
    text,
)
from afterclass.insights.charts.types import Cell, Chart, ChartTable

LEGEND_SWATCHES = HEAT_LEFT + 52  # where the legend's swatches start, after "Fewer"


def _column_labels(cols: list[str]) -> str:
    parts: list[str] = ['<g class="col-labels">']
    for c, name in enumerate(cols):
        x: float = HEAT_LEFT + c * HEAT_CELL + HEAT_CELL / 2
        y: float = HEAT_TOP - 8
        short = truncate(name, 16)
        label = (
            f'<text class="axis-label" x="{coord(x)}" y="{coord(y)}" text-anchor="start" '
            f'transform="rotate(-45 {coord(x)} {coord(y)})">{escape(short)}</text>'
        )
        parts.append(label if short == name else f"<g><title>{escape(name)}</title>{label}</g>")
    return "".join(parts) + "</g>"


def _row_labels(rows: list[str]) -> str:
    parts: list[str] = ['<g class="row-labels">']
    for r, name in enumerate(rows):
        y = HEAT_TOP + r * HEAT_CELL + HEAT_CELL / 2 + 4
        parts.append(cut_label(HEAT_LEFT - 8, y, name, "axis-label", 22))
    return "".join(parts) + "</g>"


def _cells(
    rows: list[str], cols: list[str], values: Sequence[Sequence[int | None]], highest: int
) -> str:
    parts: list[str] = ['<g class="cells">']
    for r, (row_name, row_values) in enumerate(zip(rows, values, strict=True)):
        for c, (col_name, value) in enumerate(zip(cols, row_values, strict=True)):
            x, y = HEAT_LEFT + c * HEAT_CELL, HEAT_TOP + r * HEAT_CELL
            shown = format_number(value)
            bucket = "withheld" if value is None else heat_bucket(value, highest)
            parts.append(
                f'<g class="cell heat-{bucket}">'
                f"<title>{escape(row_name)} → {escape(col_name)}: {escape(shown)}</title>"
                f'<rect x="{x + 1}" y="{y + 1}" width="{HEAT_CELL - 2}" height="{HEAT_CELL - 2}"'
                f' rx="3"/>'
                + text(x + HEAT_CELL / 2, y + HEAT_CELL / 2 + 4, shown, "cell-value", "middle")
                + "</g>"
            )
    return "".join(parts) + "</g>"


def _legend(legend_y: int, more: str) -> str:
    """From "Fewer" to "More (up to …)", a swatch for each intensity between."""
    parts = [f'<g class="heat-legend">{text(HEAT_LEFT, legend_y, _("Fewer"), "legend-text")}']
    for bucket in range(HEAT_BUCKETS + 1):
        x = LEGEND_SWATCHES + bucket * 20
        parts.append(
            f'<rect class="heat-{bucket}" x="{x}" y="{legend_y - 11}" width="18" height="14"/>'
        )
    parts.append(text(LEGEND_SWATCHES + (HEAT_BUCKETS + 1) * 20 + 6, legend_y, more, "legend-text"))
    return "".join(parts) + "</g>"


def heat_map(
    title: str,
    description: str,
    rows: list[str],
    cols: list[str],
    values: Sequence[Sequence[int | None]],
    *,
    row_heading: str = "",
    slug: str | None = None,
    empty_text: str | None = None,
) -> Chart:
    """A matrix (e.g. department by department interactions), darker where there are more.
    A None cell is withheld (too few people to show): drawn hatched, with a dash."""
    if len(values) != len(rows) or any(len(row) != len(cols) for row in values):
        raise ValueError("The values must have one row per row label and one column per column.")
    headers = [row_heading, *cols]
    highest = max((v for row in values for v in row if v is not None), default=0)
    if not rows or not cols or highest <= 0:
        return empty_chart(
            "heat", title, description, slug, headers, empty_text or _("No interactions yet")
        )
    legend_y = HEAT_TOP + len(rows) * HEAT_CELL + 24
    more = _("More (up to %(most)s)") % {"most": format_number(highest)}
    body = (
        _column_labels(cols)
        + _row_labels(rows)
        + _cells(rows, cols, values, highest)
        + _legend(legend_y, more)
    )
    # At least as wide as the other charts, so that text is drawn at the same size beside them.
    width = max(
        LINE_WIDTH,
        HEAT_LEFT + len(cols) * HEAT_CELL + 90,
        LEGEND_SWATCHES + (HEAT_BUCKETS + 1) * 20 + 6 + len(more) * 7 + 10,
    )
    table_rows: list[list[Cell]] = [[name, *row] for name, row in zip(rows, values, strict=True)]
    display = [
        [name, *(format_number(v) for v in row)] for name, row in zip(rows, values, strict=True)
    ]
    table = ChartTable(headers=headers, rows=table_rows, display_rows=display)
    return drawn("heat", title, description, slug, body, (width, legend_y + 12), table)
