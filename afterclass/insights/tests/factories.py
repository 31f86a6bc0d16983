"""Factories for insights tests: analytics events at explicit local times."""

from datetime import date, datetime, time
from typing import Any

import factory
from django.utils import timezone

from afterclass.insights.models import Event, EventKind
from afterclass.people.models import Person


def local(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """An instant at a wall-clock time of `day` in the organisation's time zone."""
    return timezone.make_aware(
        datetime.combine(day, time(hour, minute)), timezone.get_default_timezone()
    )


class EventFactory(factory.django.DjangoModelFactory):
    """An event as record_event writes it; `person` fills in the department and level."""

    class Meta:
        model = Event

    kind = EventKind.VIEWED
    time = factory.LazyFunction(timezone.now)
    department_id = factory.LazyAttribute(lambda o: o.person.department_id if o.person else None)
    level_id = factory.LazyAttribute(lambda o: o.person.level_id if o.person else None)


def event(
    kind: str, person: Person | None, space: Any, day: date, hour: int = 12, minute: int = 0,
    **fields: Any,
) -> Event:  # fmt: skip
    """One event of `person` (None: anonymous) in `space` at `hour:minute` local time on `day`."""
    fields.setdefault("time", local(day, hour, minute))
    return EventFactory(kind=kind, person=person, space=space, **fields)


def events_on(kind: str, person: Person, space: Any, days: list[date], **fields: Any) -> None:
    Event.objects.bulk_create(
        Event(
            kind=kind,
            person=person,
            space=space,
            department_id=person.department_id,
            level_id=person.level_id,
            time=local(day),
            **fields,
        )
        for day in days
    )
