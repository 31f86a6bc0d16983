"""Test helpers for the pulse question: a member made due for it (14 days in, active on 3)."""

from datetime import timedelta

from django.utils import timezone

from afterclass.insights.models import Event, EventKind
from afterclass.people.models import Person
from afterclass.spaces.models import Membership, Space


def make_due_for_pulse(
    space: Space, person: Person, *, days_in: int = 15, active_days: tuple[int, ...] = (1, 2, 3)
) -> None:
    """In the space for `days_in` days, active `active_days` days ago."""
    now = timezone.now()
    Membership.objects.filter(space=space, person=person).update(
        joined_at=now - timedelta(days=days_in), created_at=now - timedelta(days=days_in)
    )
    for ago in active_days:
        Event.objects.create(
            kind=EventKind.VIEWED, person=person, space=space, time=now - timedelta(days=ago)
        )
