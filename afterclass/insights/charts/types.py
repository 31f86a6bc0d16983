"""What a chart is made of and what it gives back: the series, segments and bars it draws, and
the drawn chart with its SVG and the table of its numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

type Cell = str | int | float | None


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
