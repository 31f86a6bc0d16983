"""Recording analytics events from inside an action's transaction."""

from typing import TYPE_CHECKING

from afterclass.insights.models import Event, EventKind

if TYPE_CHECKING:
    from afterclass.people.models import Person
    from afterclass.spaces.models import Space


def record_event(kind: EventKind, *, person: "Person", space: "Space | None" = None) -> Event:
    """Append one event with the person's department and level as they are now."""
    return Event.objects.create(
        kind=kind,
        person_id=person.pk,
        space_id=space.pk if space is not None else None,
        department_id=person.department_id,
        level_id=person.level_id,
    )
