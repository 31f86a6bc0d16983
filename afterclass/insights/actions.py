"""The writes of insights: what a space's owner shares, pulse answers, and reads recorded."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from afterclass.audit.log import record_audit
from afterclass.core.errors import InvalidInput, NotAllowed
from afterclass.insights.access import (
    check_can_change_insight_settings,
    check_due_for_pulse,
    insight_settings,
)
from afterclass.insights.events import record_event
from afterclass.insights.models import Event, EventKind, InsightSettings, PulseAnswer
from afterclass.insights.periods import day_start, today
from afterclass.people.models import Person
from afterclass.spaces.access import my_place
from afterclass.spaces.models import Space


def do_change_insight_settings(
    space: Space, *, actor: Person, pulse_enabled: bool, health_visible_to_members: bool
) -> InsightSettings:
    """Switch the pulse question and the members' health summary on or off (owners)."""
    check_can_change_insight_settings(actor, space)
    with transaction.atomic():
        found, _ = InsightSettings.objects.update_or_create(
            space=space,
            defaults={
                "pulse_enabled": pulse_enabled,
                "health_visible_to_members": health_visible_to_members,
                "updated_at": timezone.now(),
            },
        )
        record_audit(
            "insights.settings",
            found,
            actor=actor,
            space_id=space.pk,
            pulse_enabled=pulse_enabled,
            health_visible_to_members=health_visible_to_members,
        )
    return found


def do_answer_pulse(space: Space, *, actor: Person, score: object) -> PulseAnswer:
    """A member answers the pulse question (1 to 5) once they are asked it (14 days in the
    space, active on 3: `check_due_for_pulse`, whose refusal says when); answering again
    replaces the answer, also for a member who answered before the rule."""
    if not my_place(actor, space).is_active_member:
        raise NotAllowed("Only members of the space answer its pulse question.")
    if not insight_settings(space).pulse_enabled:
        raise NotAllowed("This space does not ask the pulse question.")
    if not PulseAnswer.objects.filter(space=space, person=actor).exists():
        check_due_for_pulse(actor, space)
    try:
        value = int(str(score))
    except ValueError:
        value = 0
    if not 1 <= value <= 5:
        raise InvalidInput("Choose a score from 1 (not at all) to 5 (a lot).", field="score")
    with transaction.atomic():
        answer, _ = PulseAnswer.objects.update_or_create(
            space=space, person=actor, defaults={"score": value, "answered_at": timezone.now()}
        )
        record_event(EventKind.PULSE_ANSWERED, person=actor, space=space)
    return answer


def do_record_view(space: Space, *, actor: Person) -> bool:
    """Record that a member read the space today (once per person, space and day): "active"
    includes reading. Returns whether an event was written."""
    if not my_place(actor, space).is_active_member:
        return False
    seen = Event.objects.filter(
        kind=EventKind.VIEWED, person=actor, space=space, time__gte=day_start(today())
    )
    if seen.exists():
        return False
    record_event(EventKind.VIEWED, person=actor, space=space)
    return True
