"""Insight charts: geometry of the SVG, escaping, empty data, the data table, the CSV download
and the chart partial. No database: charts are drawn from plain numbers."""

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from afterclass.insights import charts
from afterclass.insights.charts import (
    Bar,
    Chart,
    Segment,
    Series,
    bar_chart,
    format_number,
    format_value,
    heat_bucket,
    heat_map,
    line_chart,
    nice_scale,
    reference_90_9_1,
    rounded_percentages,
    sparkline,
    stacked_bar,
)
from afterclass.insights.csv_export import chart_csv_response

SVG = "{http://www.w3.org/2000/svg}"
NASTY = '<script>alert("x")</script> & Co'


def parse(chart: Chart) -> ET.Element:
    """The chart's SVG as XML: fails the test if it is not well-formed."""
    return ET.fromstring(str(chart.svg))  # noqa: S314 - our own output, not untrusted


def texts(root: ET.Element) -> list[str]:
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def path_points(d: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"[ML](-?[\d.]+),(-?[\d.]+)", d)]


def one_of_each() -> list[Chart]:
    return [
        line_chart(
            "Daily active", "Members active per day", ["1 Nov", "2 Nov"], [Series("A", [1, 2])]
        ),
        stacked_bar("Ladder", "Participation", [Bar("Space", [Segment("Readers", 3)])]),
        heat_map("Matrix", "Pairs", ["HR"], ["IT"], [[4]]),
        sparkline([1, 2, 3], "Weekly active"),
        bar_chart("By kind", "Posts by kind", ["Questions"], [5]),
        bar_chart("By kind", "Posts by kind", ["Questions"], [5], horizontal=False),
    ]


def empty_of_each() -> list[Chart]:
    return [
        line_chart("Daily active", "Members active per day", [], []),
        line_chart("Daily active", "Members active per day", ["1 Nov"], [Series("A", [None])]),
        stacked_bar("Ladder", "Participation", []),
        stacked_bar("Ladder", "Participation", [Bar("Space", [Segment("Readers", 0)])]),
        heat_map("Matrix", "Pairs", [], [], []),
        heat_map("Matrix", "Pairs", ["HR"], ["IT"], [[0]]),
        sparkline([], "Weekly active"),
        bar_chart("By kind", "Posts by kind", [], []),
    ]


# --- Every chart -----------------------------------------------------------------------------


@pytest.mark.parametrize("chart", one_of_each() + empty_of_each(), ids=lambda c: c.kind)
def test_chart_svg_is_accessible_scalable_and_well_formed(chart):
    root = parse(chart)

    assert isinstance(chart.svg, SafeString)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox"))
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == chart.title


def test_chart_ids_are_unique_when_the_same_chart_is_drawn_twice():
    first = line_chart("Same", "Same", ["a"], [Series("A", [1])])
    second = line_chart("Same", "Same", ["a"], [Series("A", [1])])

    first_ids = {node.get("id") for node in parse(first).iter() if node.get("id")}
    second_ids = {node.get("id") for node in parse(second).iter() if node.get("id")}
    assert len(first_ids) == 3
    assert first_ids.isdisjoint(second_ids)


@pytest.mark.parametrize("chart", one_of_each() + empty_of_each(), ids=lambda c: c.kind)
def test_chart_output_has_no_inline_style(chart):
    html = render_to_string("insights/_chart.html", {"chart": chart, "csv_url": "/data.csv"})

    assert "style=" not in str(chart.svg)
    assert "<style" not in str(chart.svg)
    assert "style=" not in html
    assert "<style" not in html
    assert "<script" not in html


def test_chart_text_is_escaped_everywhere():
    made = [
        line_chart(
            NASTY, NASTY, [NASTY, "b"], [Series(NASTY, [1, 2])], target=1, target_label=NASTY
        ),
        stacked_bar(NASTY, NASTY, [Bar(NASTY, [Segment(NASTY, 1), Segment("b", 1)])]),
        heat_map(NASTY, NASTY, [NASTY], [NASTY], [[1]]),
        sparkline([1, 2], NASTY),
        bar_chart(NASTY, NASTY, [NASTY], [1]),
        bar_chart(NASTY, NASTY, [NASTY], [1], horizontal=False),
    ]
    for chart in made:
        svg = str(chart.svg)
        root = parse(chart)  # a raw & or < would make it ill-formed
        assert "<script" not in svg
        assert "&lt;script&gt;" in svg
        assert "&amp; Co" in svg
        assert all(node.tag.startswith(SVG) for node in root.iter())
        assert root.find(f"{SVG}title").text == NASTY


@pytest.mark.parametrize("chart", empty_of_each(), ids=lambda c: c.kind)
def test_chart_without_data_says_so(chart):
    root = parse(chart)

    assert chart.empty
    assert chart.table.rows == []
    words = " ".join(texts(root)) + root.find(f"{SVG}desc").text
    assert "No " in words
    assert "nan" not in str(chart.svg).lower()


def test_chart_of_zeros_still_draws_without_dividing_by_zero():
    line = line_chart("Zero", "Nobody", ["a", "b"], [Series("Active", [0, 0])])
    bars = bar_chart("Zero", "Nothing", ["a", "b"], [0, 0])
    spark = sparkline([0, 0, 0], "Zero")

    for chart in (line, bars, spark):
        assert not chart.empty
        parse(chart)
        assert "nan" not in str(chart.svg).lower()
    points = path_points(parse(line).find(f".//{SVG}path").get("d"))
    assert {y for _x, y in points} == {charts.LINE_BOTTOM}


# --- Line chart ------------------------------------------------------------------------------


def test_line_chart_puts_the_highest_value_at_the_top_and_zero_at_the_bottom():
    chart = line_chart("Active", "Per day", ["a", "b", "c", "d"], [Series("A", [0, 10, 40, 20])])

    points = path_points(parse(chart).find(f".//{SVG}path").get("d"))
    assert [y for _x, y in points] == [charts.LINE_BOTTOM, 183, charts.LINE_TOP, 130]
    assert points[0][0] == charts.LINE_LEFT
    assert points[-1][0] == charts.LINE_RIGHT


def test_line_chart_gridlines_are_round_numbers():
    chart = line_chart("Active", "Per day", ["a", "b"], [Series("A", [37, 3])])

    tick_labels = [
        "".join(node.itertext())
        for node in parse(chart).iter(f"{SVG}text")
        if node.get("class") == "tick-label" and node.get("text-anchor") == "end"
    ]
    # 37 rounds up to a top of 40 in steps of 10; the last x label is also end-anchored.
    assert tick_labels[:5] == ["0", "10", "20", "30", "40"]


def test_line_chart_writes_a_few_x_labels_not_all_ninety():
    labels = [f"day {i}" for i in range(90)]
    chart = line_chart("Active", "Per day", labels, [Series("A", list(range(90)))])

    shown = [t for t in texts(parse(chart)) if t.startswith("day ")]
    assert shown[0] == "day 0"
    assert shown[-1] == "day 89"
    assert 3 <= len(shown) <= charts.LINE_MAX_X_LABELS
    assert len(chart.table.rows) == 90


def test_line_chart_draws_the_target_dashed_with_its_label():
    chart = line_chart(
        "Activated",
        "Share of invited people who signed in",
        ["w1", "w2"],
        [Series("Activated", [40, 60])],
        y_max=100,
        y_suffix="%",
        target=80,
        target_label="Workplace target",
    )
    root = parse(chart)

    target = next(n for n in root.iter(f"{SVG}line") if n.get("class") == "target-line")
    plot_h = charts.LINE_BOTTOM - charts.LINE_TOP
    assert float(target.get("y1")) == pytest.approx(charts.LINE_BOTTOM - 0.8 * plot_h)
    assert "Workplace target: 80 %" in texts(root)
    assert "100 %" in texts(root)
    assert chart.table.headers == ["Date", "Activated", "Workplace target"]


def test_line_chart_leaves_a_gap_where_a_value_is_missing():
    chart = line_chart("Gap", "Gap", ["a", "b", "c", "d"], [Series("A", [1, None, 3, 4])])

    d = parse(chart).find(f".//{SVG}path").get("d")
    assert [c for c in d if c in "ML"] == ["M", "M", "L"]
    assert chart.table.display_rows[1] == ["b", charts.NO_FIGURE]


def test_line_chart_table_equals_the_input_numbers():
    first, second = Series("This period", [3, 5, 8]), Series("Previous", [1, None, 2.5])
    chart = line_chart("Active", "Per day", ["a", "b", "c"], [first, second])

    assert chart.table.headers == ["Date", "This period", "Previous"]
    assert chart.table.rows == [["a", 3, 1], ["b", 5, None], ["c", 8, 2.5]]
    assert chart.slug == "active"
    assert chart.kind == "line"


def test_line_chart_refuses_series_of_the_wrong_length():
    with pytest.raises(ValueError, match="2 values for 3 labels"):
        line_chart("Bad", "Bad", ["a", "b", "c"], [Series("A", [1, 2])])


# --- Stacked bars ----------------------------------------------------------------------------


def segment_widths(chart: Chart, bar_index: int) -> list[float]:
    bar = [g for g in parse(chart).iter(f"{SVG}g") if "bar" in g.get("class", "").split()][
        bar_index
    ]
    return [float(rect.get("width")) for rect in bar.iter(f"{SVG}rect")]


def test_stacked_bar_segments_are_in_the_ratio_of_the_values():
    ladder = Bar("This space", [Segment("Readers", 50), Segment("Contributors", 30),
                                Segment("Creators", 20)])  # fmt: skip
    chart = stacked_bar("Ladder", "Participation", [ladder, reference_90_9_1()])

    widths = segment_widths(chart, 0)
    full = charts.BAR_RIGHT - charts.BAR_LABEL_WIDTH
    assert widths == pytest.approx([0.5 * full, 0.3 * full, 0.2 * full], abs=0.01)
    assert segment_widths(chart, 1) == pytest.approx(
        [0.9 * full, 0.09 * full, 0.01 * full], abs=0.01
    )
    words = texts(parse(chart))
    assert words[1:4] == ["50 %", "30 %", "20 %"]
    assert "1 %" in words  # the thin creators' segment is labelled outside the bar
    assert {"Readers", "Contributors", "Creators", "90-9-1 pattern"} <= set(words)


def test_stacked_bar_counts_become_percentages_that_add_up_to_100():
    chart = stacked_bar(
        "Ladder", "P", [Bar("S", [Segment("R", 1), Segment("C", 1), Segment("K", 1)])]
    )

    assert chart.table.display_rows == [["S", "1 (34 %)", "1 (33 %)", "1 (33 %)"]]
    assert rounded_percentages([2, 1]) == [67, 33]
    assert rounded_percentages([0, 0]) == [0, 0]


def test_stacked_bar_gives_a_segment_the_same_colour_in_every_bar():
    chart = stacked_bar(
        "Ladder",
        "P",
        [Bar("A", [Segment("R", 1), Segment("C", 1)]), Bar("B", [Segment("C", 1)])],
    )

    classes = [g.get("class") for g in parse(chart).iter(f"{SVG}g") if "segment" in g.get("class")]
    assert classes == ["segment series-0", "segment series-1", "segment series-1"]
    assert chart.table.headers == ["", "R", "C"]
    assert chart.table.rows == [["A", 1, 1], ["B", None, 1]]


def test_stacked_bar_with_an_empty_bar_beside_the_reference_draws_both():
    chart = stacked_bar(
        "Ladder", "P", [Bar("New space", [Segment("Readers", 0)]), reference_90_9_1()]
    )

    assert not chart.empty
    assert "No data" in texts(parse(chart))
    assert chart.table.rows[0] == ["New space", 0, None, None]


# --- Heat map --------------------------------------------------------------------------------


def test_heat_bucket_grows_with_the_value():
    assert [heat_bucket(v, 10) for v in (0, 1, 2, 3, 5, 9, 10)] == [0, 1, 1, 2, 3, 5, 5]
    assert heat_bucket(3, 0) == 0


def test_heat_map_cells_have_their_bucket_class_and_number():
    chart = heat_map("Matrix", "Pairs", ["HR", "IT"], ["HR", "IT"], [[0, 1], [6, 10]])

    cells = [g for g in parse(chart).iter(f"{SVG}g") if g.get("class", "").startswith("cell ")]
    assert [g.get("class") for g in cells] == [
        "cell heat-0",
        "cell heat-1",
        "cell heat-3",
        "cell heat-5",
    ]
    assert ["".join(g.find(f"{SVG}text").itertext()) for g in cells] == ["0", "1", "6", "10"]
    assert cells[2].find(f"{SVG}title").text == "IT → HR: 6"


def test_heat_map_truncates_long_names_with_the_full_name_as_tooltip():
    long = "Human Resources and People Development"
    chart = heat_map("Matrix", "Pairs", [long], [long], [[1234]])
    root = parse(chart)

    tooltips = [t.text for t in root.iter(f"{SVG}title")]
    assert tooltips.count(long) == 2
    assert long not in texts(root)
    assert any(t.endswith("…") and long.startswith(t[:-1]) for t in texts(root))
    assert "1,234" in texts(root)
    assert chart.table.rows == [[long, 1234]]


def test_heat_map_refuses_values_of_the_wrong_shape():
    with pytest.raises(ValueError, match="one row per row label"):
        heat_map("Bad", "Bad", ["a", "b"], ["a"], [[1]])


# --- Sparkline and simple bars ---------------------------------------------------------------


def test_sparkline_spans_its_box_from_zero_to_the_highest_value():
    chart = sparkline([0, 5, 10], "Weekly active", suffix="%")

    points = path_points(parse(chart).find(f"{SVG}path").get("d"))
    assert points[0] == (charts.SPARK_PAD, charts.SPARK_HEIGHT - charts.SPARK_PAD)
    assert points[2] == (charts.SPARK_WIDTH - charts.SPARK_PAD, charts.SPARK_PAD)
    assert chart.table.rows == [["1", 0], ["2", 5], ["3", 10]]
    assert chart.description == "From 0 % to 10 %; highest 10 %."


def test_bar_chart_lengths_follow_the_values_and_the_fixed_maximum():
    chart = bar_chart("Completion", "Per activity", ["A", "B"], [50, 25], suffix="%", max_value=100)
    root = parse(chart)

    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    full = charts.VALUE_BAR_RIGHT - charts.BAR_LABEL_WIDTH
    assert widths == pytest.approx([full / 2, full / 4])
    assert [t for t in texts(root) if t.endswith("%")] == ["50 %", "25 %"]
    assert chart.table.rows == [["A", 50], ["B", 25]]


def test_bar_chart_longest_bar_is_full_without_a_maximum():
    chart = bar_chart("Kinds", "Posts", ["Questions", "Answers"], [1200, 300])

    widths = [float(r.get("width")) for r in parse(chart).iter(f"{SVG}rect")]
    full = charts.VALUE_BAR_RIGHT - charts.BAR_LABEL_WIDTH
    assert widths == pytest.approx([full, full / 4])
    assert "1,200" in texts(parse(chart))


# --- Numbers for people ----------------------------------------------------------------------


def test_format_number_groups_thousands_and_keeps_one_decimal():
    assert format_number(1234) == "1,234"
    assert format_number(1234567.0) == "1,234,567"
    assert format_number(12.345) == "12.3"
    assert format_number(None) == charts.NO_FIGURE
    assert format_value(12, "%") == "12 %"


def test_nice_scale_rounds_the_axis_up():
    assert nice_scale(37) == (40, 10)
    assert nice_scale(100) == (100, 25)
    assert nice_scale(0.8) == (0.8, 0.2)
    assert nice_scale(1, integer=True) == (1, 1)
    assert nice_scale(0, integer=True) == (4, 1)


# --- CSV -------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_chart_csv_response_is_an_attachment_with_the_table():
    chart = line_chart(
        "Active",
        "Per day",
        ["1 Nov", "2 Nov"],
        [Series("Members", [1234, None]), Series("Ö", [0.5, 2])],
    )

    response = chart_csv_response(chart, "space-active.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="space-active.csv"'
    assert read_csv(response) == [
        ["Date", "Members", "Ö"],
        ["1 Nov", "1234", "0.5"],
        ["2 Nov", "", "2"],
    ]


def test_chart_csv_response_defuses_formulas():
    chart = bar_chart(
        "Kinds", "Posts", ['=HYPERLINK("x")', "+1", "-1", "@SUM(A1)", "plain"], [1, 2, -3, 4, 5]
    )

    rows = read_csv(chart_csv_response(chart, "kinds"))

    assert [row[0] for row in rows[1:]] == ['\'=HYPERLINK("x")', "'+1", "'-1", "'@SUM(A1)", "plain"]
    assert rows[3][1] == "-3"  # a number is data, not a formula


def test_chart_csv_response_cleans_the_file_name():
    chart = bar_chart("Kinds", "Posts", ["a"], [1])

    response = chart_csv_response(chart, 'evil"\r\nX-Header: 1.csv')

    assert "\n" not in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith('attachment; filename="evil')
    assert chart_csv_response(chart, "###")["Content-Disposition"] == (
        'attachment; filename="kinds.csv"'
    )


# --- The partial -----------------------------------------------------------------------------


def test_chart_partial_shows_the_svg_caption_table_and_csv_link():
    chart = bar_chart("By kind", "Posts by kind", ["Questions", NASTY], [1234, 5])

    html = render_to_string(
        "insights/_chart.html", {"chart": chart, "csv_url": "/x/kinds.csv?p=28"}
    )

    assert html.count("<svg") == 1
    assert "<figcaption><strong>By kind</strong> Posts by kind</figcaption>" in html
    assert "<summary>Data table</summary>" in html
    assert '<th scope="row">Questions</th><td>1,234</td>' in html
    assert "&lt;script&gt;" in html
    assert "<script" not in html
    assert 'href="/x/kinds.csv?p=28"' in html
    assert "Download CSV" in html


def test_chart_partial_without_csv_url_has_no_link_and_says_when_empty():
    chart = bar_chart("By kind", "Posts by kind", [], [])

    html = render_to_string("insights/_chart.html", {"chart": chart})

    assert "Download CSV" not in html
    assert "No data yet." in html
    assert "No activity yet" in html


def test_bar_chart_columns_rise_from_the_baseline_to_a_round_top():
    chart = bar_chart("Kinds", "Posts", ["Questions", "Answers"], [40, 10], horizontal=False)
    root = parse(chart)

    rects = list(root.iter(f"{SVG}rect"))
    plot_h = charts.VBAR_BOTTOM - charts.LINE_TOP
    assert float(rects[0].get("y")) == charts.LINE_TOP
    assert float(rects[0].get("height")) == pytest.approx(plot_h)
    assert float(rects[1].get("height")) == pytest.approx(plot_h / 4)
    assert float(rects[1].get("y")) + float(rects[1].get("height")) == charts.VBAR_BOTTOM
    assert {"0", "10", "20", "30", "40", "Questions", "Answers"} <= set(texts(root))
