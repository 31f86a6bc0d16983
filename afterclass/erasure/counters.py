"""Counters recounted from their rows after an erasure deleted some: a recount (not a decrement)
gives the same result however often it runs, so a resumed erasure cannot count anything twice."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from afterclass.polls.models import Poll, PollBallot, PollChoice, PollOption
from afterclass.posts.models import (
    Comment,
    ContentState,
    Post,
    PostKind,
    Reaction,
    ReactionKind,
    Vote,
)
from afterclass.spaces.models import Membership, MembershipState, Space
from afterclass.surveys.models import Response, Survey


def _count(rows: object, link: str, **filters: object) -> Coalesce:
    """COUNT(*) of `rows` whose `link` is the outer row, as an expression for update()."""
    counted = (
        rows.filter(**{link: OuterRef("pk")}, **filters)  # type: ignore[attr-defined]
        .order_by()
        .values(link)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def recount_posts(post_ids: Collection[int]) -> None:
    """Comments (every row), answers (visible top-level comments of a question), reactions and
    "this helped me" of each post, as the posts actions keep them."""
    if not post_ids:
        return
    posts = Post.objects.filter(pk__in=list(post_ids))
    posts.update(
        comment_count=_count(Comment.objects, "post"),
        reaction_count=_count(Reaction.objects, "post"),
        helped_count=_count(Reaction.objects, "post", kind=ReactionKind.HELPED),
    )
    posts.filter(kind=PostKind.QUESTION).update(
        answer_count=_count(
            Comment.objects, "post", parent__isnull=True, state=ContentState.VISIBLE
        )
    )


def recount_comments(comment_ids: Collection[int]) -> None:
    if not comment_ids:
        return
    Comment.objects.filter(pk__in=list(comment_ids)).update(
        vote_count=_count(Vote.objects, "comment"),
        reaction_count=_count(Reaction.objects, "comment"),
        helped_count=_count(Reaction.objects, "comment", kind=ReactionKind.HELPED),
    )


def recount_named_polls(poll_ids: Collection[int]) -> None:
    """Voters and each option's votes of named polls (an anonymous poll's counters are its only
    record of the choices: erasure leaves its ballots, so they stay right)."""
    named = Poll.objects.filter(pk__in=list(poll_ids), anonymous=False)
    named.update(voter_count=_count(PollBallot.objects, "poll"))
    options = PollOption.objects.filter(poll__in=named)
    options.update(vote_count=_count(PollChoice.objects, "option"))


def recount_spaces(space_ids: Collection[int]) -> None:
    if not space_ids:
        return
    Space.objects.filter(pk__in=list(space_ids)).update(
        member_count=_count(Membership.objects, "space", state=MembershipState.ACTIVE),
        pending_count=_count(Membership.objects, "space", state=MembershipState.PENDING),
    )


def recount_surveys(survey_ids: Collection[int]) -> None:
    if not survey_ids:
        return
    Survey.objects.filter(pk__in=list(survey_ids)).update(
        responded_count=_count(Response.objects, "survey")
    )
