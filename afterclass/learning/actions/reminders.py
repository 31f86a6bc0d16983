"""Reminders run from cron (`afterclass learning_reminders`): units released, and due soon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse

from afterclass.learning.actions.progress import unfinished_learners
from afterclass.learning.models import Unit
from afterclass.notifications.actions import Audience, Notice, notify
from afterclass.notifications.models import NotificationKind
from afterclass.spaces.models import Status

DUE_SOON = timedelta(hours=24)


@dataclass(frozen=True)
class Reminded:
    released: int
    due: int


def send_learning_reminders(now: datetime) -> Reminded:
    """Tell members once when a unit is released, and once, 24 hours before it is due, tell the
    learners who have not finished one of its activities. Safe to run as often as wanted."""
    released = due = 0
    units = Unit.objects.filter(space__status=Status.LAUNCHED).select_related("space")
    for unit in units.filter(release_at__lte=now, released_notified_at__isnull=True):
        with transaction.atomic():
            # The guard in the update makes two overlapping runs send it only once.
            if not Unit.objects.filter(pk=unit.pk, released_notified_at__isnull=True).update(
                released_notified_at=now
            ):
                continue
            notify(
                Notice(NotificationKind.ACTIVITY_RELEASED,
                       f"New in {unit.space.name}: “{unit.title}” is ready for you.",
                       reverse("learning-space", args=[unit.space.slug]), space_id=unit.space_id),
                audience=Audience.SPACE_MEMBERS,
            )  # fmt: skip
            released += 1
    soon = units.filter(
        release_at__lte=now, due_at__gt=now, due_at__lte=now + DUE_SOON,
        due_notified_at__isnull=True,
    ).prefetch_related("activities")  # fmt: skip
    for unit in soon:
        with transaction.atomic():
            if not Unit.objects.filter(pk=unit.pk, due_notified_at__isnull=True).update(
                due_notified_at=now
            ):
                continue
            people: set[int] = set()
            for activity in unit.activities.all():
                activity.unit = unit
                people.update(unfinished_learners(activity))
            notify(
                Notice(NotificationKind.ACTIVITY_DUE,
                       f"Due soon in {unit.space.name}: “{unit.title}”.",
                       reverse("learning-space", args=[unit.space.slug]), space_id=unit.space_id),
                people,
            )  # fmt: skip
            due += 1
    return Reminded(released, due)
