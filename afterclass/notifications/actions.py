"""Telling people: `notify` is called by other apps' actions inside their transaction; the
fan-out (`notifications.fanout`) runs after commit in the background and writes every row
with bulk inserts. And what a person does with their notifications and settings."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import asdict
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from afterclass.audit.log import record_audit
from afterclass.core.errors import InvalidInput
from afterclass.core.validation import clean_choice
from afterclass.live.events import ring_bells
from afterclass.notifications.fanout import (
    MESSAGE_LENGTH,
    Audience,
    Notice,
    deliver,
    is_silenced,
    silenced,
)
from afterclass.notifications.models import (
    Channel,
    DigestFrequency,
    EmailSettings,
    Notification,
    NotificationKind,
    NotificationPreference,
    SpaceLevel,
    SpaceSubscription,
)
from afterclass.notifications.rules import CANNOT_SWITCH_OFF
from afterclass.notifications.tasks import fan_out
from afterclass.spaces.access import check_can_view_content

if TYPE_CHECKING:
    from afterclass.people.models import Person
    from afterclass.spaces.models import Space

# What other apps' actions use to tell people, from one place.
__all__ = ["Audience", "Notice", "deliver", "notify", "silenced"]


def notify(notice: Notice, people: Iterable[int] = (), *, audience: str = Audience.PEOPLE) -> None:
    """Tell people once the current transaction commits (the fan-out runs in the background)."""
    ids = sorted({int(pk) for pk in people})
    if is_silenced() or (audience == Audience.PEOPLE and not ids):
        return
    data = asdict(notice)
    data["message"] = notice.message[:MESSAGE_LENGTH]
    data["key"] = notice.key or uuid.uuid4().hex
    transaction.on_commit(lambda: fan_out.enqueue(data, ids, audience))


# --- what a person does with their notifications -------------------------------------------


def do_mark_read(notification_ids: Iterable[int], *, actor: Person) -> int:
    """Mark some of the actor's own notifications read; others' ids are ignored."""
    ids = [int(pk) for pk in notification_ids]
    if not ids:
        raise InvalidInput("Choose at least one notification.", field="ids")
    return (
        Notification.objects.unread()
        .filter(recipient=actor, pk__in=ids)
        .update(read_at=timezone.now())
    )


def do_mark_read_about(*, actor: Person, post_id: int | None = None, url: str = "") -> int:
    """Opening a post (or a survey) is reading what the actor was told about it: their own
    unread notifications about that post, or linking to that page, become read. Others' stay."""
    if post_id is None and not url:
        return 0
    about = Q(post_id=post_id) if post_id is not None else Q(url=url) | Q(url__startswith=url + "#")
    # One UPDATE, atomic by itself: no transaction of its own (the post page's query budget).
    changed = (
        Notification.objects.unread().filter(about, recipient=actor).update(read_at=timezone.now())
    )
    if changed:
        # The actor's other open pages show the bell's new count.
        transaction.on_commit(lambda: ring_bells([actor.pk]))
    return changed


def do_mark_all_read(*, actor: Person) -> int:
    return Notification.objects.unread().filter(recipient=actor).update(read_at=timezone.now())


def do_set_preference(kind: str, channel: str, *, actor: Person) -> NotificationPreference:
    """Choose how one kind reaches the actor."""
    kind = clean_choice(kind, NotificationKind, "kind")
    channel = clean_choice(channel, Channel, "channel")
    if channel == Channel.OFF and kind in CANNOT_SWITCH_OFF:
        raise InvalidInput(
            "You are always told when an admin reveals who asked your anonymous question.",
            field="channel",
        )
    preference, _ = NotificationPreference.objects.update_or_create(
        person=actor, kind=kind, defaults={"channel": channel}
    )
    return preference


def do_set_space_level(space: Space, level: str, *, actor: Person) -> SpaceSubscription:
    """How much the actor hears from one space they can see."""
    check_can_view_content(actor, space)
    level = clean_choice(level, SpaceLevel, "level")
    subscription, _ = SpaceSubscription.objects.update_or_create(
        person=actor, space=space, defaults={"level": level}
    )
    return subscription


def do_set_email_settings(
    *, actor: Person, digest: str | None = None, no_email: bool | None = None
) -> EmailSettings:
    """Choose the digest's frequency, or stop (or resume) all e-mail."""
    with transaction.atomic():
        settings_row, _ = EmailSettings.objects.select_for_update().get_or_create(person=actor)
        fields = []
        if digest is not None:
            settings_row.digest = clean_choice(digest, DigestFrequency, "digest")
            fields.append("digest")
        if no_email is not None:
            settings_row.no_email = no_email
            fields.append("no_email")
        if fields:
            settings_row.save(update_fields=fields)
            changes = {name: getattr(settings_row, name) for name in fields}
            record_audit("notifications.email_settings", settings_row, actor=actor, **changes)
    return settings_row
