"""Charts for the insights pages: accessible, printable SVG drawn on the server, with their data.

Every chart is plain SVG (no script), coloured only through the CSS classes of
`insights/charts.css` (the Content-Security-Policy forbids `style` attributes and elements), and
comes with the same numbers as a table for screen readers, for people who prefer numbers and for
the CSV download. All text is escaped here, so a chart is safe to put on a page as it is.

One module per kind of chart (`line`, `stacked`, `heat`, `sparkline`, `bars`), on what they
share: the types (`types`), the numbers as written (`numbers`) and the SVG pieces and canvas
sizes (`svg`). Callers import from here.
"""

from afterclass.insights.charts.bars import bar_chart
from afterclass.insights.charts.heat import heat_map
from afterclass.insights.charts.line import line_chart
from afterclass.insights.charts.numbers import (
    HEAT_BUCKETS,
    NO_FIGURE,
    format_number,
    format_value,
    heat_bucket,
    nice_scale,
    rounded_percentages,
    truncate,
)
from afterclass.insights.charts.sparkline import sparkline
from afterclass.insights.charts.stacked import stacked_bar
from afterclass.insights.charts.svg import (
    BAR_LABEL_WIDTH,
    BAR_RIGHT,
    BAR_WIDTH,
    HEAT_CELL,
    HEAT_LEFT,
    HEAT_TOP,
    LINE_BOTTOM,
    LINE_HEIGHT,
    LINE_LEFT,
    LINE_MAX_X_LABELS,
    LINE_RIGHT,
    LINE_TOP,
    LINE_WIDTH,
    SERIES_CLASSES,
    SPARK_HEIGHT,
    SPARK_PAD,
    SPARK_WIDTH,
    VALUE_BAR_RIGHT,
    VBAR_BOTTOM,
)
from afterclass.insights.charts.types import (
    Bar,
    Cell,
    Chart,
    ChartTable,
    Segment,
    Series,
    reference_90_9_1,
)

__all__ = [
    "BAR_LABEL_WIDTH",
    "BAR_RIGHT",
    "BAR_WIDTH",
    "HEAT_BUCKETS",
    "HEAT_CELL",
    "HEAT_LEFT",
    "HEAT_TOP",
    "LINE_BOTTOM",
    "LINE_HEIGHT",
    "LINE_LEFT",
    "LINE_MAX_X_LABELS",
    "LINE_RIGHT",
    "LINE_TOP",
    "LINE_WIDTH",
    "NO_FIGURE",
    "SERIES_CLASSES",
    "SPARK_HEIGHT",
    "SPARK_PAD",
    "SPARK_WIDTH",
    "VALUE_BAR_RIGHT",
    "VBAR_BOTTOM",
    "Bar",
    "Cell",
    "Chart",
    "ChartTable",
    "Segment",
    "Series",
    "bar_chart",
    "format_number",
    "format_value",
    "heat_bucket",
    "heat_map",
    "line_chart",
    "nice_scale",
    "reference_90_9_1",
    "rounded_percentages",
    "sparkline",
    "stacked_bar",
    "truncate",
]
