"""Recording analytics events from inside an action's transaction."""

from typing import TYPE_CHECKING

from django.db.models import Subquery

from afterclass.insights.models import Event, EventKind
from afterclass.people.models import Person

if TYPE_CHECKING:
    from afterclass.spaces.models import Space


def record_event(
    kind: EventKind,
    *,
    person: "Person",
    space: "Space | None" = None,
    detail: str = "",
    anonymous: bool = False,
    other_id: int | None = None,
) -> Event:
    """Append one event with the person's department and level as they are now.

    `anonymous`: the act must not be attributed (an anonymous question, its asker's comments in
    the thread): the event keeps no person, department or level.
    `other_id`: the person interacted with (the author of what was answered, commented on,
    reacted to or voted for); their department and level are read in the same INSERT. Leave it
    None when that person is anonymous to the space, or is the actor."""
    if anonymous:
        return Event.objects.create(kind=kind, detail=detail, space_id=_pk(space))
    other_department = other_level = None
    if other_id is not None and other_id != person.pk:
        other = Person.objects.filter(pk=other_id)
        other_department = Subquery(other.values("department_id")[:1])
        other_level = Subquery(other.values("level_id")[:1])
    return Event.objects.create(
        kind=kind,
        detail=detail,
        person_id=person.pk,
        space_id=_pk(space),
        department_id=person.department_id,
        level_id=person.level_id,
        other_department_id=other_department,
        other_level_id=other_level,
    )


def _pk(space: "Space | None") -> int | None:
    return space.pk if space is not None else None
