"""What a profile shows of a person's contributions, to one viewer (issue 14, People).

Only what the viewer may see (`Post.objects.visible_to`, `Comment.objects.visible_to`,
`Space.objects.visible_to`): a secret space's posts, or the space itself, never show on the
profile of a colleague to someone outside it, not even as a count. Anonymous questions never
show (nor the asker's own comments in them, which are anonymous too), so a profile cannot tell
who asked. Hidden and removed content is left out. Seven queries, whatever the person wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from afterclass.posts.models import Comment, ContentState, Post, PostKind, Reaction, ReactionKind
from afterclass.spaces.models import Membership, Space

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from afterclass.people.models import Person

RECENT = 5
MAX_SPACES = 30


@dataclass(frozen=True)
class Contributions:
    """A person's contributions as one viewer may see them."""

    posts: int
    answers: int
    accepted_answers: int
    helped: int  # colleagues who marked one of their posts or comments "This helped me"
    recent_posts: list[Post]
    recent_answers: list[Comment]
    spaces: list[Space]  # where they are an active member, that the viewer may know, by name
    more_spaces: bool


def _their_posts(person: Person, viewer: Person | AnonymousUser | None) -> QuerySet[Post]:
    return Post.objects.visible_to(viewer).filter(
        author=person, state=ContentState.VISIBLE, is_anonymous=False
    )


def _their_comments(person: Person, viewer: Person | AnonymousUser | None) -> QuerySet[Comment]:
    """Their visible comments on visible posts, without those in their own anonymous question."""
    return (
        Comment.objects.visible_to(viewer)
        .filter(author=person, state=ContentState.VISIBLE, post__state=ContentState.VISIBLE)
        .exclude(post__is_anonymous=True, post__author=person)
    )


def contributions(person: Person, viewer: Person | AnonymousUser | None) -> Contributions:
    posts = _their_posts(person, viewer)
    comments = _their_comments(person, viewer)
    answers = comments.filter(parent__isnull=True, post__kind=PostKind.QUESTION)
    helped_on = Reaction.objects.filter(kind=ReactionKind.HELPED).exclude(person=person)
    # UNION (not ALL) keeps each colleague once, whichever of their things they marked.
    helped = (
        helped_on.filter(post__in=posts.values("pk"))
        .values("person")
        .union(helped_on.filter(comment__in=comments.values("pk")).values("person"))
        .count()
    )
    member = Membership.objects.active_in(OuterRef("pk"), person)
    spaces = list(
        Space.objects.visible_to(viewer)
        .filter(Exists(member))
        .order_by("name", "pk")[: MAX_SPACES + 1]
    )
    return Contributions(
        posts=posts.count(),
        answers=answers.count(),
        accepted_answers=answers.filter(Q(post__accepted_answer=F("pk"))).count(),
        helped=helped,
        recent_posts=list(posts.select_related("space").order_by("-created_at", "-pk")[:RECENT]),
        recent_answers=list(
            answers.select_related("post", "post__space").order_by("-created_at", "-pk")[:RECENT]
        ),
        spaces=spaces[:MAX_SPACES],
        more_spaces=len(spaces) > MAX_SPACES,
    )
