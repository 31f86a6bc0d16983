"""The charts of the insight pages, built from the figures: each is drawn as SVG on the page,
listed as a table beside it, and downloadable as CSV under its slug."""

from __future__ import annotations

from collections.abc import Sequence

from afterclass.insights.charts import (
    Bar,
    Chart,
    Segment,
    Series,
    bar_chart,
    heat_map,
    line_chart,
    reference_90_9_1,
    sparkline,
    stacked_bar,
)
from afterclass.insights.metrics import SpaceInsights
from afterclass.insights.organisation import OrganisationInsights, SpaceRow
from afterclass.insights.privacy import Breakdown


def _day(day: object) -> str:
    return f"{day:%-d %b}"


def space_charts(found: SpaceInsights) -> dict[str, Chart]:
    """The space page's charts by slug (the slug is the CSV's address)."""
    v = found.vitals
    days = [_day(day) for day, _ in found.daily]
    target = found.space.target_weekly_active_pct
    charts = [
        line_chart(
            "Active members per day",
            "Members who did anything in the space, reading included, each day of"
            f" {found.period.label}.",
            days,
            [Series("Active members", [float(n) for _, n in found.daily])],
            slug="daily-active",
            x_heading="Day",
            empty_text="Nobody was active in this period.",
        ),
        bar_chart(
            "Weekly active members",
            "Members active in the last 7 days of the period, as a share of all members,"
            " against the plan's target.",
            ["Weekly active", *(["Target"] if target is not None else [])],
            [v.weekly_active_pct or 0.0, *([float(target)] if target is not None else [])],
            suffix=" %",
            max_value=100,
            slug="weekly-active",
            label_heading="Figure",
            value_heading="Share of members",
        ),
        _ladder(found),
        bar_chart(
            "Activity by kind",
            f"What people made and did in the period; the space is for {v.purpose_label}.",
            [label for label, _, _ in found.by_kind],
            [float(now) for _, now, _ in found.by_kind],
            slug="activity-by-kind",
            label_heading="Kind",
            value_heading="This period",
            empty_text="Nothing was made or done in this period.",
        ),
        heat_map(
            "Interactions between departments",
            "Answers, comments, reactions and votes from people of a department (row) to"
            f" people of a department (column). Departments of fewer than {found.min_group}"
            " active people are counted in Other; a dashed cell is withheld because fewer"
            f" than {found.min_group} people acted in it.",
            found.matrix.labels,
            found.matrix.labels,
            found.matrix.values,
            row_heading="From \\ to",
            slug="departments-matrix",
            empty_text="No interactions between people of known departments yet.",
        ),
        _breakdown_chart("department", "Department", "departments", found.departments, found),
        _breakdown_chart("management level", "Level", "levels", found.levels, found),
    ]
    if found.completion:
        units = found.unit_completion
        charts.append(
            bar_chart(
                "Completion per unit",
                "Share of the unit's released activities that learners finished.",
                [u.unit for u in units],
                [u.pct or 0.0 for u in units],
                suffix=" %",
                max_value=100,
                slug="unit-completion",
                label_heading="Unit",
                value_heading="Finished",
            )
        )
        charts.append(
            bar_chart(
                "Completion per activity",
                "Share of learners who finished each released activity.",
                [f"{c.unit}: {c.activity}" for c in found.completion],
                [c.pct or 0.0 for c in found.completion],
                suffix=" %",
                max_value=100,
                slug="completion",
                label_heading="Activity",
                value_heading="Learners done",
            )
        )
    return {chart.slug: chart for chart in charts}


def _breakdown_chart(
    noun: str, heading: str, slug: str, breakdown: Breakdown, found: SpaceInsights
) -> Chart:
    return bar_chart(
        f"Active people by {noun}",
        f"People active in the period by {noun}; groups under {found.min_group} people are"
        " merged into Other.",
        [group.label for group in breakdown.groups],
        [float(group.people) for group in breakdown.groups],
        slug=slug,
        label_heading=heading,
        value_heading="Active people",
        empty_text="Too few people to show a breakdown.",
    )


def _ladder(found: SpaceInsights) -> Chart:
    ladder = found.ladder
    bar = Bar(
        found.space.name,
        [
            Segment("Readers", ladder.readers),
            Segment("Contributors", ladder.contributors),
            Segment("Creators", ladder.creators),
        ],
    )
    return stacked_bar(
        "Participation ladder",
        "Active people who only read, who contributed (reacted, voted, answered a poll,"
        " commented, answered, completed an activity) and who created posts, next to the"
        " well-known 90-9-1 pattern.",
        [bar, reference_90_9_1()],
        slug="ladder",
        empty_text="Nobody was active.",
    )


def organisation_charts(found: OrganisationInsights) -> dict[str, Chart]:
    days = [_day(day) for day, _ in found.daily_active]
    charts = [
        line_chart(
            "People active per day, across all spaces",
            f"People who did anything in any space, each day of {found.period.label}.",
            days,
            [Series("Active people", [float(n) for _, n in found.daily_active])],
            slug="daily-active",
            x_heading="Day",
            empty_text="Nobody was active in this period.",
        ),
    ]
    return {chart.slug: chart for chart in charts}


def space_sparklines(rows: Sequence[SpaceRow]) -> dict[int, Chart]:
    """Each space's active members per day, small enough for a table cell."""
    return {
        row.space.pk: sparkline(
            [float(n) for n in row.vitals.daily_active],
            f"Active members per day in {row.space.name}",
            slug=f"spark-{row.space.slug}",
        )
        for row in rows
    }
