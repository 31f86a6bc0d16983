"""Insights never single out a small group: breakdown cells with fewer people than the
threshold are merged into "Other" (or, when even that is too small, not shown at all)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings

FLOOR = 3  # the threshold can be raised, never set below this


def min_group() -> int:
    """The smallest group a breakdown shows: settings.AFTERCLASS_INSIGHTS_MIN_GROUP (5),
    never below 3."""
    return max(FLOOR, int(getattr(settings, "AFTERCLASS_INSIGHTS_MIN_GROUP", 5)))


OTHER = "Other"


@dataclass(frozen=True)
class Group:
    label: str
    people: int
    value: float


@dataclass(frozen=True)
class Breakdown:
    groups: list[Group]
    # People in groups too small to show even after merging (shown only as a count).
    withheld_people: int


def merge_small(
    people: Mapping[int | None, int],
    values: Mapping[int | None, float],
    names: Mapping[int, str],
) -> Breakdown:
    """Groups keyed by id (None = unknown) with their number of people and a value; groups of
    fewer than `min_group()` people (and the unknown) are merged into "Other"; an "Other" still
    too small is withheld."""
    threshold = min_group()
    shown: list[Group] = []
    other_people = 0
    other_value = 0.0
    for key, count in people.items():
        if key is not None and count >= threshold:
            shown.append(Group(names.get(key, "Unknown"), count, values.get(key, 0)))
        else:
            other_people += count
            other_value += values.get(key, 0)
    shown.sort(key=lambda group: (-group.value, group.label))
    withheld = 0
    if other_people >= threshold:
        shown.append(Group(OTHER, other_people, other_value))
    else:
        withheld = other_people
    return Breakdown(shown, withheld)


def group_of(key: int | None, people: Mapping[int | None, int]) -> int | None:
    """The key a department/level is shown under: itself when big enough, else None (Other)."""
    if key is None or people.get(key, 0) < min_group():
        return None
    return key
