"""Charts for the insights pages: accessible, printable SVG drawn on the server, with their data.

Every chart is plain SVG (no script), coloured only through the CSS classes of
`insights/charts.css` (the Content-Security-Policy forbids `style` attributes and elements), and
comes with the same numbers as a table for screen readers, for people who prefer numbers and for
the CSV download. All text is escaped here, so a chart is safe to put on a page as it is.
"""

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

type Cell = str | int | float | None

# How many colours (and dash patterns) the stylesheet defines for series: `series-0`..`series-5`.
SERIES_CLASSES = 6
# Heat-map intensity classes `heat-0` (nothing) .. `heat-5` (the most).
HEAT_BUCKETS = 5

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

NO_FIGURE = "\u2013"  # an en dash where there is no figure

_chart_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    """One line of a line chart: a value per x label, None where there is no figure."""

    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Segment:
    """One part of a stacked bar, e.g. the readers of a space and how many there are."""

    label: str
    value: float


@dataclass(frozen=True)
class Bar:
    """One 100 % bar of a stacked bar chart; a reference bar (e.g. 90-9-1) is drawn lighter."""

    label: str
    segments: Sequence[Segment]
    reference: bool = False


@dataclass(frozen=True)
class ChartTable:
    """The numbers behind a chart: raw values (for CSV) and the same values written for people."""

    headers: list[str]
    rows: list[list[Cell]]
    display_rows: list[list[str]]


@dataclass(frozen=True)
class Chart:
    kind: str
    slug: str
    title: str
    description: str
    svg: SafeString
    table: ChartTable
    empty: bool = False


def reference_90_9_1(
    labels: tuple[str, str, str] | None = None, *, label: str | None = None
) -> Bar:
    """The well-known participation pattern, as a reference bar next to a space's ladder."""
    readers, contributors, creators = labels or (_("Readers"), _("Contributors"), _("Creators"))
    return Bar(
        label=label or _("90-9-1 pattern"),
        segments=[Segment(readers, 90), Segment(contributors, 9), Segment(creators, 1)],
        reference=True,
    )


# --- Formatting ----------------------------------------------------------------------------


def format_number(value: float | None) -> str:
    """A number as people read it: 1,234 and 12.5 (one decimal at most), a dash for none."""
    if value is None:
        return NO_FIGURE
    if float(value).is_integer():
        return f"{int(value):,}"
    text = f"{value:,.1f}"
    return text.removesuffix(".0")


def format_value(value: float | None, suffix: str = "") -> str:
    """A number with its unit: '12 %' for suffix '%', '3 h' for 'h'; a dash for none."""
    if value is None:
        return NO_FIGURE
    if not suffix:
        return format_number(value)
    return f"{format_number(value)} {suffix}"


def rounded_percentages(values: Sequence[float]) -> list[int]:
    """Whole percentages of the total that add up to exactly 100 (largest remainders win)."""
    total = sum(values)
    if total <= 0:
        return [0 for _value in values]
    exact = [value / total * 100 for value in values]
    floors = [math.floor(share) for share in exact]
    short = 100 - sum(floors)
    by_remainder = sorted(range(len(values)), key=lambda i: exact[i] - floors[i], reverse=True)
    for index in by_remainder[:short]:
        floors[index] += 1
    return floors


def nice_scale(max_value: float, *, integer: bool = False, ticks: int = 4) -> tuple[float, float]:
    """The top of a value axis and the step between its gridlines, both round numbers."""
    if max_value <= 0:
        return (float(ticks), 1.0) if integer else (1.0, 0.25)
    raw = max_value / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = 10 * magnitude
    for multiple in (1, 2, 2.5, 5, 10):
        if multiple * magnitude >= raw:
            step = multiple * magnitude
            break
    if integer and not float(step).is_integer():
        step = float(math.ceil(step))
    top = math.ceil(max_value / step - 1e-9) * step
    return float(top), float(step)


def heat_bucket(value: float, max_value: float, buckets: int = HEAT_BUCKETS) -> int:
    """The intensity class of a heat-map cell: 0 for nothing, 1..buckets relative to the most."""
    if value <= 0 or max_value <= 0:
        return 0
    return min(buckets, max(1, math.ceil(value / max_value * buckets)))


def truncate(text: str, length: int) -> str:
    """A label shortened to `length` characters, ending in an ellipsis when cut."""
    return text if len(text) <= length else text[: max(1, length - 1)].rstrip() + "…"


# --- SVG building blocks -------------------------------------------------------------------


def _n(value: float) -> str:
    """A coordinate with at most two decimals, short enough to keep the SVG small."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _text(x: float, y: float, content: str, css: str, anchor: str = "start") -> str:
    return (
        f'<text class="{css}" x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}">'
        f"{escape(content)}</text>"
    )


def _label(x: float, y: float, content: str, css: str, length: int, anchor: str = "end") -> str:
    """An axis label cut to fit, with the full name as a tooltip when it was cut."""
    short = truncate(content, length)
    if short == content:
        return _text(x, y, content, css, anchor)
    return f"<g><title>{escape(content)}</title>{_text(x, y, short, css, anchor)}</g>"


def _svg(
    kind: str, slug: str, title: str, description: str, height: float, body: str, width: float
) -> SafeString:
    uid = f"chart-{slug}-{next(_chart_ids)}"
    return mark_safe(  # noqa: S308 - every text and attribute value is escaped or generated here
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
        f'aria-labelledby="{uid}-title {uid}-desc" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" id="{uid}">'
        f'<title id="{uid}-title">{escape(title)}</title>'
        f'<desc id="{uid}-desc">{escape(description)}</desc>{body}</svg>'
    )


def _slug(title: str, slug: str | None) -> str:
    return slugify(slug or title) or "chart"


def _empty(
    kind: str, title: str, description: str, slug: str | None, headers: list[str], empty_text: str
) -> Chart:
    """A chart with nothing to draw says so in words, at a readable size."""
    body = '<rect class="empty-frame" x="1" y="1" width="638" height="118" rx="8"/>' + _text(
        320, 66, empty_text, "empty-text", "middle"
    )
    chart_slug = _slug(title, slug)
    desc = f"{description} {empty_text}".strip()
    return Chart(
        kind=kind,
        slug=chart_slug,
        title=title,
        description=description,
        svg=_svg(kind, chart_slug, title, desc, 120, body, 640),
        table=ChartTable(headers=headers, rows=[], display_rows=[]),
        empty=True,
    )


def _legend(entries: list[tuple[str, str]], y: float, x: float, max_x: float) -> str:
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
            f'<rect class="swatch" x="{_n(x)}" y="{_n(y - 10)}" width="14" height="12" rx="2"/>'
            f"{_text(x + 20, y, short, 'legend-text')}</g>"
        )
        x += width
    return "".join(parts)


# --- Line chart ----------------------------------------------------------------------------


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
        return _empty("line", title, description, slug, headers, empty_text or _("No activity yet"))

    integer = all(float(v).is_integer() for v in figures) and (
        target is None or float(target).is_integer()
    )
    highest = max([*figures, target or 0])
    if y_max is not None and highest <= y_max:
        top, step = y_max, nice_scale(y_max, integer=integer)[1]
    else:
        top, step = nice_scale(highest, integer=integer)
    plot_w, plot_h = LINE_RIGHT - LINE_LEFT, LINE_BOTTOM - LINE_TOP
    count = len(x_labels)

    def x_of(index: int) -> float:
        return LINE_LEFT + plot_w / 2 if count == 1 else LINE_LEFT + index * plot_w / (count - 1)

    def y_of(value: float) -> float:
        return LINE_BOTTOM - min(max(value, 0), top) / top * plot_h

    parts: list[str] = ['<g class="gridlines">']
    for k in range(round(top / step) + 1):
        value = k * step
        y = y_of(value)
        css = "axis" if k == 0 else "grid"
        parts.append(
            f'<line class="{css}" x1="{LINE_LEFT}" x2="{LINE_RIGHT}" y1="{_n(y)}" y2="{_n(y)}"/>'
            + _text(LINE_LEFT - 8, y + 4, format_value(value, y_suffix), "tick-label", "end")
        )
    parts.append('</g><g class="x-axis">')
    shown = _x_label_indexes(count)
    for index in shown:
        x = x_of(index)
        anchor = "middle"
        if count > 1 and index == count - 1:
            anchor = "end"
        elif count > 1 and index == 0:
            anchor = "start"
        parts.append(
            f'<line class="tick" x1="{_n(x)}" x2="{_n(x)}" y1="{LINE_BOTTOM}" '
            f'y2="{LINE_BOTTOM + 5}"/>'
            + _text(x, LINE_BOTTOM + 20, x_labels[index], "tick-label", anchor)
        )
    parts.append("</g>")

    if target is not None:
        y = y_of(target)
        parts.append(
            f'<g class="target"><line class="target-line" x1="{LINE_LEFT}" x2="{LINE_RIGHT}" '
            f'y1="{_n(y)}" y2="{_n(y)}"/>'
            + _text(
                LINE_RIGHT,
                y - 6,
                f"{target_name}: {format_value(target, y_suffix)}",
                "target-label",
                "end",
            )
            + "</g>"
        )

    with_points = count <= 31
    for number, line in enumerate(series):
        css = f"series-{number % SERIES_CLASSES}"
        commands: list[str] = []
        dots: list[str] = []
        pen_down = False
        for index, point in enumerate(line.values):
            if point is None:
                pen_down = False
                continue
            x, y = x_of(index), y_of(point)
            commands.append(f"{'L' if pen_down else 'M'}{_n(x)},{_n(y)}")
            lonely = not pen_down and (index + 1 >= count or line.values[index + 1] is None)
            pen_down = True
            if with_points or lonely:
                dots.append(
                    f'<circle class="point" cx="{_n(x)}" cy="{_n(y)}" r="3">'
                    f"<title>{escape(line.name)}, {escape(x_labels[index])}: "
                    f"{escape(format_value(point, y_suffix))}</title></circle>"
                )
        parts.append(
            f'<g class="series {css}"><path class="line" d="{" ".join(commands)}"/>'
            f"{''.join(dots)}</g>"
        )

    entries = [(f"series-{i % SERIES_CLASSES}", line.name) for i, line in enumerate(series)]
    if target is not None:
        entries.append(("target", target_name))
    parts.append(_legend(entries, LINE_HEIGHT - 18, LINE_LEFT, LINE_WIDTH))

    rows: list[list[Cell]] = []
    display: list[list[str]] = []
    for index, label in enumerate(x_labels):
        values: list[float | None] = [line.values[index] for line in series]
        if target is not None:
            values.append(target)
        rows.append([label, *values])
        display.append([label, *(format_value(v, y_suffix) for v in values)])

    chart_slug = _slug(title, slug)
    return Chart(
        kind="line",
        slug=chart_slug,
        title=title,
        description=description,
        svg=_svg("line", chart_slug, title, description, LINE_HEIGHT, "".join(parts), LINE_WIDTH),
        table=ChartTable(headers=headers, rows=rows, display_rows=display),
    )


# --- Stacked 100 % bars ----------------------------------------------------------------------


def stacked_bar(
    title: str,
    description: str,
    bars: list[Bar],
    *,
    slug: str | None = None,
    empty_text: str | None = None,
) -> Chart:
    """Horizontal 100 % bars (e.g. the participation ladder beside the 90-9-1 pattern)."""
    names: list[str] = []
    for bar in bars:
        for segment in bar.segments:
            if segment.label not in names:
                names.append(segment.label)
    headers = ["", *names]
    if not bars or all(sum(s.value for s in bar.segments) <= 0 for bar in bars):
        return _empty(
            "stacked", title, description, slug, headers, empty_text or _("No activity yet")
        )

    colour = {name: f"series-{i % SERIES_CLASSES}" for i, name in enumerate(names)}
    bar_h, gap, top = 30, 16, 12
    plot_w = BAR_RIGHT - BAR_LABEL_WIDTH
    parts: list[str] = []
    rows: list[list[Cell]] = []
    display: list[list[str]] = []
    for number, bar in enumerate(bars):
        y = top + number * (bar_h + gap)
        total = sum(segment.value for segment in bar.segments)
        css = "bar reference" if bar.reference else "bar"
        parts.append(f'<g class="{css}">')
        parts.append(_label(BAR_LABEL_WIDTH - 10, y + bar_h / 2 + 4, bar.label, "bar-label", 22))
        percents = rounded_percentages([segment.value for segment in bar.segments])
        by_name: dict[str, tuple[float, int]] = {}
        if total <= 0:
            parts.append(
                f'<rect class="empty-frame" x="{BAR_LABEL_WIDTH}" y="{y}" width="{plot_w}" '
                f'height="{bar_h}"/>'
                + _text(
                    BAR_LABEL_WIDTH + plot_w / 2,
                    y + bar_h / 2 + 4,
                    _("No data"),
                    "empty-text small",
                    "middle",
                )
            )
        x = float(BAR_LABEL_WIDTH)
        for segment, percent in zip(bar.segments, percents, strict=True):
            by_name[segment.label] = (segment.value, percent)
            if total <= 0 or segment.value <= 0:
                continue
            width = segment.value / total * plot_w
            shown = f"{percent} %"
            label = ""
            if width >= 36:
                label = _text(x + width / 2, y + bar_h / 2 + 4, shown, "segment-label", "middle")
            elif x + width >= BAR_RIGHT - 0.01:
                # Too thin to write in (1 % creators): written just after the end of the bar.
                label = _text(BAR_RIGHT + 4, y + bar_h / 2 + 4, shown, "segment-label outside")
            parts.append(
                f'<g class="segment {colour[segment.label]}">'
                f"<title>{escape(bar.label)}, {escape(segment.label)}: {escape(shown)} "
                f"({escape(format_number(segment.value))})</title>"
                f'<rect x="{_n(x)}" y="{y}" width="{_n(width)}" height="{bar_h}"/>{label}</g>'
            )
            x += width
        parts.append("</g>")
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
    legend_y = top + len(bars) * (bar_h + gap) + 8
    entries = [(colour[name], name) for name in names]
    parts.append(_legend(entries, legend_y, BAR_LABEL_WIDTH, BAR_WIDTH))
    chart_slug = _slug(title, slug)
    height = legend_y + 14
    return Chart(
        kind="stacked",
        slug=chart_slug,
        title=title,
        description=description,
        svg=_svg("stacked", chart_slug, title, description, height, "".join(parts), BAR_WIDTH),
        table=ChartTable(headers=headers, rows=rows, display_rows=display),
    )


# --- Heat map ------------------------------------------------------------------------------


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
        return _empty(
            "heat", title, description, slug, headers, empty_text or _("No interactions yet")
        )

    parts: list[str] = ['<g class="col-labels">']
    for c, name in enumerate(cols):
        x: float = HEAT_LEFT + c * HEAT_CELL + HEAT_CELL / 2
        y: float = HEAT_TOP - 8
        short = truncate(name, 16)
        text = (
            f'<text class="axis-label" x="{_n(x)}" y="{_n(y)}" text-anchor="start" '
            f'transform="rotate(-45 {_n(x)} {_n(y)})">{escape(short)}</text>'
        )
        parts.append(text if short == name else f"<g><title>{escape(name)}</title>{text}</g>")
    parts.append('</g><g class="row-labels">')
    for r, name in enumerate(rows):
        y = HEAT_TOP + r * HEAT_CELL + HEAT_CELL / 2 + 4
        parts.append(_label(HEAT_LEFT - 8, y, name, "axis-label", 22))
    parts.append('</g><g class="cells">')
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
                + _text(x + HEAT_CELL / 2, y + HEAT_CELL / 2 + 4, shown, "cell-value", "middle")
                + "</g>"
            )
    parts.append("</g>")
    legend_y = HEAT_TOP + len(rows) * HEAT_CELL + 24
    parts.append(f'<g class="heat-legend">{_text(HEAT_LEFT, legend_y, _("Fewer"), "legend-text")}')
    for bucket in range(HEAT_BUCKETS + 1):
        x = HEAT_LEFT + 52 + bucket * 20
        parts.append(
            f'<rect class="heat-{bucket}" x="{x}" y="{legend_y - 11}" width="18" height="14"/>'
        )
    more = _("More (up to %(most)s)") % {"most": format_number(highest)}
    parts.append(_text(HEAT_LEFT + 52 + (HEAT_BUCKETS + 1) * 20 + 6, legend_y, more, "legend-text"))
    parts.append("</g>")

    # At least as wide as the other charts, so that text is drawn at the same size beside them.
    width = max(
        LINE_WIDTH,
        HEAT_LEFT + len(cols) * HEAT_CELL + 90,
        HEAT_LEFT + 52 + (HEAT_BUCKETS + 1) * 20 + 6 + len(more) * 7 + 10,
    )
    height = legend_y + 12
    table_rows: list[list[Cell]] = [[name, *row] for name, row in zip(rows, values, strict=True)]
    display = [
        [name, *(format_number(v) for v in row)] for name, row in zip(rows, values, strict=True)
    ]
    chart_slug = _slug(title, slug)
    return Chart(
        kind="heat",
        slug=chart_slug,
        title=title,
        description=description,
        svg=_svg("heat", chart_slug, title, description, height, "".join(parts), width),
        table=ChartTable(headers=headers, rows=table_rows, display_rows=display),
    )


# --- Sparkline -----------------------------------------------------------------------------


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
    chart_slug = _slug(label, slug)
    if not values:
        desc = _("No data yet")
        body = (
            f'<line class="baseline" x1="{SPARK_PAD}" x2="{SPARK_WIDTH - SPARK_PAD}" '
            f'y1="{SPARK_HEIGHT - SPARK_PAD}" y2="{SPARK_HEIGHT - SPARK_PAD}"/>'
        )
        return Chart(
            kind="sparkline",
            slug=chart_slug,
            title=label,
            description=desc,
            svg=_svg("sparkline", chart_slug, label, desc, SPARK_HEIGHT, body, SPARK_WIDTH),
            table=ChartTable(headers=headers, rows=[], display_rows=[]),
            empty=True,
        )
    highest = max(values)
    inner_w, inner_h = SPARK_WIDTH - 2 * SPARK_PAD, SPARK_HEIGHT - 2 * SPARK_PAD
    count = len(values)

    def x_of(index: int) -> float:
        return SPARK_PAD + (inner_w / 2 if count == 1 else index * inner_w / (count - 1))

    def y_of(value: float) -> float:
        share = max(value, 0) / highest if highest > 0 else 0
        return SPARK_PAD + inner_h - share * inner_h

    path = " ".join(
        f"{'M' if i == 0 else 'L'}{_n(x_of(i))},{_n(y_of(v))}" for i, v in enumerate(values)
    )
    last_x, last_y = x_of(count - 1), y_of(values[-1])
    body = (
        f'<line class="baseline" x1="{SPARK_PAD}" x2="{SPARK_WIDTH - SPARK_PAD}" '
        f'y1="{SPARK_HEIGHT - SPARK_PAD}" y2="{SPARK_HEIGHT - SPARK_PAD}"/>'
        f'<path class="line" d="{path}"/>'
        f'<circle class="point" cx="{_n(last_x)}" cy="{_n(last_y)}" r="2.5"/>'
    )
    desc = _("From %(first)s to %(last)s; highest %(highest)s.") % {
        "first": format_value(values[0], suffix),
        "last": format_value(values[-1], suffix),
        "highest": format_value(highest, suffix),
    }
    return Chart(
        kind="sparkline",
        slug=chart_slug,
        title=label,
        description=desc,
        svg=_svg("sparkline", chart_slug, label, desc, SPARK_HEIGHT, body, SPARK_WIDTH),
        table=ChartTable(
            headers=headers,
            rows=[[x, v] for x, v in zip(labels, values, strict=True)],
            display_rows=[
                [x, format_value(v, suffix)] for x, v in zip(labels, values, strict=True)
            ],
        ),
    )


# --- Simple bars ---------------------------------------------------------------------------


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
            + _label(BAR_LABEL_WIDTH - 10, y + bar_h / 2 + 4, label, "bar-label", 22)
            + f'<rect x="{BAR_LABEL_WIDTH}" y="{y}" width="{_n(width)}" height="{bar_h}"/>'
            + _text(BAR_LABEL_WIDTH + width + 6, y + bar_h / 2 + 4, shown, "value-label")
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
            f'y1="{_n(y)}" y2="{_n(y)}"/>'
            + _text(LINE_LEFT - 8, y + 4, format_value(k * step, suffix), "tick-label", "end")
        )
    slot = plot_w / len(labels)
    width = min(64.0, slot * 0.7)
    for number, (label, value) in enumerate(zip(labels, values, strict=True)):
        centre = LINE_LEFT + slot * (number + 0.5)
        height = min(max(value, 0), top) / top * plot_h
        shown = format_value(value, suffix)
        parts.append(
            f'<g class="bar value-bar series-0"><title>{escape(label)}: {escape(shown)}</title>'
            f'<rect x="{_n(centre - width / 2)}" y="{_n(VBAR_BOTTOM - height)}" '
            f'width="{_n(width)}" height="{_n(height)}"/>'
            + _text(centre, VBAR_BOTTOM - height - 6, shown, "value-label", "middle")
            + _label(centre, VBAR_BOTTOM + 18, label, "bar-label", max(3, int(slot / 7)), "middle")
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
        return _empty("bars", title, description, slug, headers, empty_text or _("No activity yet"))
    if horizontal:
        scale = max_value if max_value is not None and max_value > 0 else max(max(values), 0)
        parts, height = _horizontal_bars(labels, values, scale, suffix)
    else:
        parts, height = _vertical_bars(labels, values, max_value, suffix)
    chart_slug = _slug(title, slug)
    return Chart(
        kind="bars",
        slug=chart_slug,
        title=title,
        description=description,
        svg=_svg("bars", chart_slug, title, description, height, "".join(parts), BAR_WIDTH),
        table=ChartTable(
            headers=headers,
            rows=[[label, value] for label, value in zip(labels, values, strict=True)],
            display_rows=[
                [label, format_value(value, suffix)]
                for label, value in zip(labels, values, strict=True)
            ],
        ),
    )
