"""Chart data as a CSV download, safe to open in a spreadsheet."""

import csv
from collections.abc import Iterable, Sequence

from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import get_valid_filename

from afterclass.insights.charts import Cell, Chart

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Cell) -> str | int | float:
    """A table cell for CSV: numbers as they are, no figure as empty, text defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        # Sums of shares carry binary noise (0.30000000000000004); six decimals is plenty.
        return int(value) if value.is_integer() else round(value, 6)
    if isinstance(value, int):
        return value
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _safe_filename(name: str) -> str:
    try:
        return get_valid_filename(name)
    except SuspiciousFileOperation:
        return ""


def table_csv_response(
    headers: Sequence[Cell], rows: Iterable[Sequence[Cell]], filename: str
) -> HttpResponse:
    """A table (headers, then one line per row) as a CSV attachment."""
    name = _safe_filename(filename.removesuffix(".csv")) or "table"
    response = HttpResponse(
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": content_disposition_header(
                as_attachment=True, filename=f"{name}.csv"
            ),
            "X-Content-Type-Options": "nosniff",
        },
    )
    writer = csv.writer(response)
    writer.writerow([csv_cell(heading) for heading in headers])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return response


def chart_csv_response(chart: Chart, filename: str) -> HttpResponse:
    """The chart's table as a CSV attachment."""
    name = _safe_filename(filename.removesuffix(".csv")) or _safe_filename(chart.slug) or "chart"
    return table_csv_response(chart.table.headers, chart.table.rows, name)
