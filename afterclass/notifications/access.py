"""Who may see which notifications: only their recipient, and only while the recipient may
still see what a notification is about.

The rules (applied inside every query, never to a list afterwards):
- A notification is its recipient's alone; anyone else gets the same 404 as for a missing one.
- One about a space the recipient may no longer know exists (spaces.access.visible_spaces_filter)
  is left out.
- One about a post or comment is left out once the recipient may no longer read the space's
  content (they left it, unless they are an organisation admin), or once the post or comment is
  no longer visible (hidden or removed), unless the recipient wrote it. Moderators too: the
  stricter rule, as feeds have it (a hidden post is in the moderation queue, not in the bell).
- One about a discussion prompt whose unit is not released yet (a mention in a comment on it)
  is shown only to the space's moderators and organisation admins, who may open the prompt
  (posts.access.unreleased_prompt_posts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, F, OuterRef, Q

from afterclass.core.errors import NotFound
from afterclass.notifications.models import Notification
from afterclass.posts.access import MODERATOR_ROLES, unreleased_prompt_posts
from afterclass.posts.models import ContentState
from afterclass.spaces.access import is_signed_in, visible_spaces_filter
from afterclass.spaces.models import Membership, MembershipState, Space, Status, Visibility

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from afterclass.people.models import Person

NOTIFICATION_NOT_FOUND = "There is no such notification, or it is not yours."


def notifications_visible_to(person: Person | AnonymousUser | None) -> Q:
    """The person's own notifications about things they may still see, as one Q."""
    if not is_signed_in(person):
        return Q(pk__in=[])
    spaces = Space.objects.filter(visible_spaces_filter(person)).values("pk")
    space_known = Q(space__isnull=True) | Q(space__in=spaces)
    if person.is_org_admin:
        reads_content = Q()
    else:
        active = Membership.objects.filter(
            space=OuterRef("post__space"), person=person, state=MembershipState.ACTIVE
        )
        moderates = Q(Exists(active.filter(role__in=MODERATOR_ROLES)))
        reads_content = Q(Exists(active)) & (moderates | ~Q(post__in=unreleased_prompt_posts()))
    post_shown = Q(post__isnull=True) | (
        reads_content & (Q(post__state=ContentState.VISIBLE) | Q(post__author=person))
    )
    comment_shown = (
        Q(comment__isnull=True) | Q(comment__state=ContentState.VISIBLE) | Q(comment__author=person)
    )
    return Q(recipient=person) & space_known & post_shown & comment_shown


def notifications_still_shown() -> Q:
    """The same rule relative to each row's own recipient, for the mailer, which works across
    many people in one query. (The space part mirrors spaces.access.visible_spaces_filter.)"""
    admin = Q(recipient__is_org_admin=True)

    def member_of(space: str, *, moderator: bool = False) -> Q:
        active = Membership.objects.filter(
            space=OuterRef(space), person=OuterRef("recipient"), state=MembershipState.ACTIVE
        )
        return Q(Exists(active.filter(role__in=MODERATOR_ROLES) if moderator else active))

    listed = Q(
        space__visibility=Visibility.LISTED,
        space__status__in=[Status.LAUNCHED, Status.ARCHIVED],
    )
    space_known = Q(space__isnull=True) | admin | listed | member_of("space")
    released = ~Q(post__in=unreleased_prompt_posts()) | member_of("post__space", moderator=True)
    post_shown = Q(post__isnull=True) | (
        (admin | (member_of("post__space") & released))
        & (Q(post__state=ContentState.VISIBLE) | Q(post__author=F("recipient")))
    )
    comment_shown = (
        Q(comment__isnull=True)
        | Q(comment__state=ContentState.VISIBLE)
        | Q(comment__author=F("recipient"))
    )
    return Q(recipient__is_active=True) & space_known & post_shown & comment_shown


def access_notification(
    person: Person | AnonymousUser | None, notification_id: int
) -> Notification:
    """One of the person's own notifications that they may still see; 404 otherwise."""
    found = Notification.objects.filter(
        notifications_visible_to(person), pk=notification_id
    ).first()
    if found is None:
        raise NotFound(NOTIFICATION_NOT_FOUND)
    return found
