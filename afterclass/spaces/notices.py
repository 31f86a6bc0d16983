"""What people are told about spaces and memberships."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse

from afterclass.notifications.actions import Audience, Notice, notify
from afterclass.notifications.models import NotificationKind
from afterclass.spaces.models import Membership, Space, Visibility
from afterclass.surveys.access import planned_audience
from afterclass.surveys.models import SpaceInterest

if TYPE_CHECKING:
    from afterclass.people.models import Person

K = NotificationKind


def tell_join_request(space: Space, *, actor: Person) -> None:
    """The space's moderators hear that someone asks to join."""
    notify(join_request_notice(space, actor), audience=Audience.SPACE_MODERATORS)


def join_request_notice(space: Space, person: Person) -> Notice:
    return Notice(
        K.JOIN_REQUEST,
        f"{person.display_name} asks to join {space.name}",
        reverse("space-requests", args=[space.slug]),
        space_id=space.pk,
        actor_id=person.pk,
        by_id=person.pk,
    )


def tell_requests_decided(
    space: Space, memberships: Iterable[Membership], *, approve: bool
) -> None:
    """Each person who asked hears whether they are in."""
    if approve:
        message = f"Your request to join {space.name} is approved: welcome!"
        url = reverse("space-home", args=[space.slug])
    else:
        message = f"Your request to join {space.name} was declined."
        url = reverse("space-directory")
    notify(
        Notice(K.REQUEST_DECIDED, message, url, space_id=space.pk, members_only=approve),
        [membership.person_id for membership in memberships],
    )


def tell_space_archived(space: Space, *, actor: Person) -> None:
    """Members hear that the space is now read-only."""
    notify(
        Notice(
            K.SPACE_ARCHIVED,
            f"{space.name} is archived: you can still read it, but not post in it.",
            reverse("space-home", args=[space.slug]),
            space_id=space.pk,
            by_id=actor.pk,
        ),
        audience=Audience.SPACE_MEMBERS,
    )


def tell_space_launched(space: Space, *, actor: Person | None = None) -> None:
    """The launch announcement: the space's name, "read the ground rules and join" and a link to the
    space. People who signed up ("tell me at launch") are told first, in their own notice
    enqueued before the audience's; the audience's leaves them out, so nobody hears twice.
    A secret space is announced only to those who signed up: its audience may not know it."""
    notice = Notice(
        K.SPACE_LAUNCHED,
        # The space's name is the title (also the e-mail's subject); its page says the purpose.
        f"“{space.name}” is launched: read its ground rules and join.",
        reverse("space-home", args=[space.slug]),
        space_id=space.pk,
        by_id=actor.pk if actor is not None else None,
        members_only=False,
    )
    members = Membership.objects.active_in(space).values("person_id")
    interested = list(
        SpaceInterest.objects.filter(space=space)
        .exclude(person_id__in=members)
        .values_list("person_id", flat=True)
    )
    notify(notice, interested)
    if space.visibility == Visibility.SECRET:
        return
    audience = (
        planned_audience(space)
        .exclude(pk__in=members)
        .exclude(pk__in=SpaceInterest.objects.filter(space=space).values("person_id"))
        .values_list("pk", flat=True)
    )
    notify(notice, list(audience))
