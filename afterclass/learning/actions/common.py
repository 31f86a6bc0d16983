"""What the learning actions share: cleaning dates, renumbering ordered rows, progress upserts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, available_timezones

from django.db.models import Case, F, IntegerField, Model, QuerySet, Value, When
from django.utils import timezone

from afterclass.core.errors import InvalidInput
from afterclass.learning.models import Activity, Progress

if TYPE_CHECKING:
    from afterclass.people.models import Person


def clean_time_zone(name: Any) -> str:
    text = str(name or "").strip()
    if text not in _zones():
        raise InvalidInput(
            f"“{text}” is not a time zone name; use one like Europe/London.", field="time_zone"
        )
    return text


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


def clean_moment(
    value: Any, field: str, *, time_zone: str = "UTC", required: bool
) -> datetime | None:
    """An aware datetime; a naive one is read in `time_zone` (what a form's clock shows)."""
    if value is None or value == "":
        if required:
            raise InvalidInput(f"The {field.replace('_', ' ')} is required.", field=field)
        return None
    if not isinstance(value, datetime):
        raise InvalidInput(f"The {field.replace('_', ' ')} must be a date and time.", field=field)
    moment: datetime = value
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, ZoneInfo(time_zone))
    return moment


def required_moment(value: Any, field: str, *, time_zone: str = "UTC") -> datetime:
    moment = clean_moment(value, field, time_zone=time_zone, required=True)
    if moment is None:  # clean_moment has refused it already; this tells the type checker
        raise InvalidInput(f"The {field.replace('_', ' ')} is required.", field=field)
    return moment


def check_due_after_release(release_at: datetime, due_at: datetime | None) -> None:
    if due_at is not None and due_at <= release_at:
        raise InvalidInput("The due date must be after the release date.", field="due_at")


def renumber[M: Model](rows: QuerySet[M], ordered_ids: Sequence[int]) -> None:
    """Give `ordered_ids` positions 1..n in two statements: first negated (distinct from every
    current position), then flipped, so a unique (scope, position) constraint always holds."""
    if not ordered_ids:
        return
    whens = [When(pk=pk, then=Value(-(index + 1))) for index, pk in enumerate(ordered_ids)]
    rows.filter(pk__in=ordered_ids).update(position=Case(*whens, output_field=IntegerField()))
    rows.filter(pk__in=ordered_ids).update(position=-F("position"))


def moved_order(ids: list[int], moving: int, *, direction: str | None, to: int | None) -> list[int]:
    """The order after moving `moving` one step up/down, or to a 1-based position."""
    if moving not in ids:
        raise InvalidInput("That item is not in this list.", field="id")
    index = ids.index(moving)
    if direction is not None:
        if direction not in {"up", "down"}:
            raise InvalidInput("Move up or down.", field="direction")
        target = index - 1 if direction == "up" else index + 1
    elif to is not None:
        if not 1 <= to <= len(ids):
            raise InvalidInput(f"The position must be between 1 and {len(ids)}.", field="position")
        target = to - 1
    else:
        raise InvalidInput("Say where to move it: up, down or a position.", field="direction")
    target = max(0, min(target, len(ids) - 1))
    ids = [pk for pk in ids if pk != moving]
    ids.insert(target, moving)
    return ids


def set_progress(activity: Activity, person: Person, state: str, **fields: Any) -> Progress:
    """Write the person's state on the activity in one upsert."""
    now = timezone.now()
    row = Progress(activity=activity, person=person, state=state, updated_at=now, **fields)
    Progress.objects.bulk_create(
        [row],
        update_conflicts=True,
        unique_fields=["activity", "person"],
        update_fields=["state", "updated_at", *fields.keys()],
    )
    return row
