"""Who may see which notifications: only their recipient, and only while the recipient may
still see what a notification is about.

The rules (applied inside every query, never to a list afterwards):
- A notification is its recipient's alone; anyone else gets the same 404 as for a missing one.
- One about a space the recipient may no longer know exists (`Space.objects.visible_to`) is
  left out.
- One about a post or comment is left out once the recipient may no longer see it
  (`Post.objects.visible_to`, `Comment.objects.visible_to`), or once the post or comment is
  no longer visible (hidden or removed), unless the recipient wrote it. Moderators too: the
  stricter rule, as feeds have it (a hidden post is in the moderation queue, not in the bell).
- One about a discussion prompt whose unit is not released yet (a mention in a comment on it)
  is shown only to the space's moderators and organisation admins, who may open the prompt
  (part of `Post.objects.visible_to`).
- The mailer and the digest ask the same for many recipients at once, with the relative forms
  (`.visible_to_recipient(OuterRef("recipient"))`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from afterclass.core.errors import NotFound
from afterclass.notifications.models import Notification
from afterclass.posts.models import Comment, ContentState, Post
from afterclass.spaces.access import is_signed_in
from afterclass.spaces.models import Space

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from afterclass.people.models import Person

NOTIFICATION_NOT_FOUND = "There is no such notification, or it is not yours."


def notifications_visible_to(person: Person | AnonymousUser | None) -> Q:
    """The person's own notifications about things they may still see, as one Q."""
    if not is_signed_in(person):
        return Q(pk__in=[])
    space_known = Q(space__isnull=True) | Q(space__in=Space.objects.visible_to(person).values("pk"))
    post = Post.objects.visible_to(person).filter(_still_shown(person), pk=OuterRef("post"))
    comment = Comment.objects.visible_to(person).filter(
        _still_shown(person), pk=OuterRef("comment")
    )
    return (
        Q(recipient=person)
        & space_known
        & (Q(post__isnull=True) | Q(Exists(post)))
        & (Q(comment__isnull=True) | Q(Exists(comment)))
    )


def notifications_still_shown() -> Q:
    """The same, relative to each row's own recipient, for the mailer and the digest, which work
    across many people in one query."""
    recipient = OuterRef("recipient")
    space = Space.objects.visible_to_recipient(recipient).filter(pk=OuterRef("space"))
    post = Post.objects.visible_to_recipient(recipient).filter(
        _still_shown(recipient), pk=OuterRef("post")
    )
    comment = Comment.objects.visible_to_recipient(recipient).filter(
        _still_shown(recipient), pk=OuterRef("comment")
    )
    return (
        Q(recipient__is_active=True)
        & (Q(space__isnull=True) | Q(Exists(space)))
        & (Q(post__isnull=True) | Q(Exists(post)))
        & (Q(comment__isnull=True) | Q(Exists(comment)))
    )


def _still_shown(recipient: object) -> Q:
    """The bell's own, stricter reading on top of who may see the post or comment: once it is
    hidden or removed, only its author is still told (moderators too lose it: a hidden post is
    in the moderation queue, not in the bell)."""
    return Q(state=ContentState.VISIBLE) | Q(author=recipient)


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
