"""The read side of notifications: a person's list, newest first and grouped by day, and the
bell's unread count. Both leave out, in the query, what the person may no longer see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from afterclass.core.pagination import DEFAULT_LIMIT, Page, paginate
from afterclass.notifications.access import notifications_visible_to
from afterclass.notifications.models import (
    DigestFrequency,
    EmailSettings,
    Notification,
    NotificationKind,
    NotificationPreference,
    SpaceLevel,
    SpaceSubscription,
)
from afterclass.notifications.rules import channel_choices, default_channel
from afterclass.spaces.models import Membership, Space

if TYPE_CHECKING:
    from afterclass.people.models import Person

NEWEST_FIRST = ["-created_at", "-id"]
# The bell shows "99+" beyond this: counting stops at UNREAD_CAP rows, however many there are.
UNREAD_CAP = 100
# Without a subscription row a member hears replies and mentions (see actions.deliver).
DEFAULT_SPACE_LEVEL = SpaceLevel.DIRECT


def notifications_for(
    person: Person, cursor: str | None = None, *, limit: int = DEFAULT_LIMIT
) -> Page[Notification]:
    """A page of the person's notifications, newest first, with what the list shows."""
    rows = Notification.objects.filter(notifications_visible_to(person)).select_related(
        "actor", "space"
    )
    return paginate(rows, order=NEWEST_FIRST, cursor=cursor, limit=limit)


def unread_count(person: Person) -> int:
    """How many unread notifications the person has, counted up to UNREAD_CAP (one query)."""
    rows = Notification.objects.unread().filter(notifications_visible_to(person))
    return rows.order_by()[:UNREAD_CAP].count()


def unread_label(count: int) -> str:
    return f"{UNREAD_CAP - 1}+" if count >= UNREAD_CAP else str(count)


@dataclass
class Day:
    """Notifications of one day, labelled for people ("Today", "Yesterday", a date)."""

    date: datetime.date
    label: str
    items: list[Notification] = field(default_factory=list)
    continued: bool = False  # the previous page already showed this day's heading


def day_label(day: datetime.date, today: datetime.date) -> str:
    if day == today:
        return "Today"
    if day == today - datetime.timedelta(days=1):
        return "Yesterday"
    if day.year == today.year:
        return f"{day:%A} {day.day} {day:%B}"
    return f"{day.day} {day:%B %Y}"


def by_day(
    notifications: list[Notification],
    *,
    today: datetime.date | None = None,
    continues: datetime.date | None = None,
) -> list[Day]:
    """Group a page (newest first) by local day; `continues` is the last day of the page before."""
    today = today or timezone.localdate()
    days: list[Day] = []
    for notification in notifications:
        date = timezone.localdate(notification.created_at)
        if not days or days[-1].date != date:
            days.append(Day(date, day_label(date, today), continued=date == continues))
        days[-1].items.append(notification)
    return days


# --- Settings: what a person chose, with the defaults filled in -----------------------------


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    channel: str
    choices: list[tuple[str, str]]


@dataclass(frozen=True)
class SpaceRow:
    space: Space
    level: str
    choices: list[tuple[str, str]]


@dataclass(frozen=True)
class EmailRow:
    digest: str
    no_email: bool
    digest_choices: list[tuple[str, str]]


def _kind_row(kind: str, chosen: dict[str, str]) -> KindRow:
    return KindRow(
        kind=kind,
        label=NotificationKind(kind).label,
        channel=chosen.get(kind, default_channel(kind)),
        choices=channel_choices(kind),
    )


def kind_rows(person: Person) -> list[KindRow]:
    """Every kind with the channel the person chose, or its default (one query)."""
    chosen = dict(
        NotificationPreference.objects.filter(person=person).values_list("kind", "channel")
    )
    return [_kind_row(kind, chosen) for kind in NotificationKind.values]


def kind_row(person: Person, kind: str) -> KindRow:
    chosen = dict(
        NotificationPreference.objects.filter(person=person, kind=kind).values_list(
            "kind", "channel"
        )
    )
    return _kind_row(kind, chosen)


def _level_of(person: Person) -> Subquery:
    return Subquery(
        SpaceSubscription.objects.filter(person=person, space=OuterRef("pk")).values("level")[:1]
    )


def space_rows(person: Person) -> list[SpaceRow]:
    """The spaces the person is an active member of, with how much they hear (one query)."""
    spaces = (
        Space.objects.filter(Exists(Membership.objects.active_in(OuterRef("pk"), person)))
        .annotate(my_level=_level_of(person))
        .order_by("name", "pk")
    )
    return [
        SpaceRow(space, getattr(space, "my_level", None) or DEFAULT_SPACE_LEVEL, SpaceLevel.choices)
        for space in spaces
    ]


def space_row(person: Person, space: Space) -> SpaceRow:
    level = (
        SpaceSubscription.objects.filter(person=person, space=space)
        .values_list("level", flat=True)
        .first()
    )
    return SpaceRow(space, level or DEFAULT_SPACE_LEVEL, SpaceLevel.choices)


def email_row(person: Person) -> EmailRow:
    row = EmailSettings.objects.filter(person=person).first()
    return EmailRow(
        digest=row.digest if row else DigestFrequency.WEEKLY,
        no_email=row.no_email if row else False,
        digest_choices=DigestFrequency.choices,
    )
