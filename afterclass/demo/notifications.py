"""Notifications waiting for the demo admin: what they would have been told over the last weeks
of the demo's conversations, and the join requests waiting in the spaces they moderate, told
through the same words the product uses.

The conversations themselves are loaded silently (history is not news); this replays the
recent part for one person, with the times of the comments they are about."""

from datetime import datetime, timedelta

from django.db.models import Q

from afterclass.notifications.actions import deliver
from afterclass.notifications.models import Notification
from afterclass.people.models import Person
from afterclass.posts.models import Comment, ContentState, Mention, Post, PostKind
from afterclass.posts.notices import comment_notices, post_notices
from afterclass.spaces.models import Membership, MembershipState, Role
from afterclass.spaces.notices import join_request_notice

RECENT_DAYS = 60
UNREAD = 6  # the newest few stay unread, so the bell has something to say


def notify_demo_admin(admin: Person, *, now: datetime) -> int:
    """Write the admin's notifications once; returns how many were written."""
    if Notification.objects.filter(recipient=admin).exists():
        return 0
    mentioned = set(
        Mention.objects.filter(person=admin, comment__isnull=False).values_list(
            "comment_id", flat=True
        )
    )
    comments = (
        Comment.objects.filter(created_at__gte=now - timedelta(days=RECENT_DAYS))
        .filter(state=ContentState.VISIBLE, post__state=ContentState.VISIBLE)
        .filter(Q(post__author=admin) | Q(parent__author=admin) | Q(pk__in=mentioned))
        .exclude(author=admin)
        .select_related("post__space", "parent", "author")
        .order_by("created_at", "pk")
    )
    written = 0
    for comment in comments:
        notices = comment_notices(
            comment, actor=comment.author, mentioned=[admin] if comment.pk in mentioned else []
        )
        for notice, people in notices:
            if admin.pk in people and deliver(notice, [admin.pk]):
                Notification.objects.filter(recipient=admin, comment=comment).update(
                    created_at=comment.created_at
                )
                written += 1
    announcements = (
        Post.objects.filter(kind=PostKind.ANNOUNCEMENT, state=ContentState.VISIBLE)
        .filter(created_at__gte=now - timedelta(days=RECENT_DAYS))
        .exclude(author=admin)
        .select_related("space", "author")
    )
    for post in announcements:
        for notice, _ in post_notices(post, actor=post.author, mentioned=[]):
            if deliver(notice, [admin.pk]):
                Notification.objects.filter(recipient=admin, post=post).update(
                    created_at=post.created_at
                )
                written += 1
    pending = Membership.objects.filter(
        state=MembershipState.PENDING,
        space__memberships__person=admin,
        space__memberships__state=MembershipState.ACTIVE,
        space__memberships__role__in=[Role.OWNER, Role.MODERATOR],
    ).select_related("space", "person")
    for membership in pending:
        space, person = membership.space, membership.person
        notice = join_request_notice(space, person)
        if deliver(notice, [admin.pk]):
            Notification.objects.filter(recipient=admin, kind=notice.kind, actor=person).update(
                created_at=membership.created_at
            )
            written += 1
    newest = Notification.objects.filter(recipient=admin).values_list("pk", flat=True)[:UNREAD]
    Notification.objects.filter(recipient=admin).exclude(pk__in=list(newest)).update(read_at=now)
    return written
