"""Go-to colleagues (issue 14, People): who answers well in which topics, so that people across
departments find each other.

An answer counts for its author when it was accepted (3 points) or colleagues marked it "This
helped me" (1 point each, the comment's own `helped_count`). Only answers the viewer may see
count (`Comment.objects.visible_to`, visible answers to visible questions), and never an anonymous
asker's own comments in their question: their name must not be reachable through a ranking
either. Topics are the hashtags of the questions they answered. Three queries for a space's
list, two for a person's "go-to for", however many answers there are.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from afterclass.people.models import Person
from afterclass.posts.models import Comment, ContentState, Post, PostHashtag, PostKind
from afterclass.spaces.models import Space

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

ACCEPTED_POINTS = 3
GO_TO_LIMIT = 5
TOPICS_EACH = 3
SPACES_EACH = 3


@dataclass(frozen=True)
class GoTo:
    """A colleague worth asking in a space: their answers accepted and found helpful there, and
    the topics (hashtags) of the questions they answered."""

    person: Person
    accepted: int
    helped: int
    topics: tuple[str, ...]


@dataclass(frozen=True)
class SpaceCount:
    slug: str
    name: str
    count: int


@dataclass(frozen=True)
class GoToFor:
    """Where a person's answers helped, as one viewer may see it: spaces and topics, by count."""

    spaces: tuple[SpaceCount, ...]
    topics: tuple[tuple[str, int], ...]

    @property
    def is_empty(self) -> bool:
        return not self.spaces and not self.topics


def _answers(viewer: Person | AnonymousUser | None) -> QuerySet[Comment]:
    """Visible answers to visible questions the viewer may see; an anonymous asker's own
    comments in their question are not theirs to be credited for."""
    return (
        Comment.objects.visible_to(viewer)
        .filter(
            parent__isnull=True,
            state=ContentState.VISIBLE,
            post__kind=PostKind.QUESTION,
            post__state=ContentState.VISIBLE,
            author__is_active=True,
        )
        .exclude(post__is_anonymous=True, post__author=F("author"))
    )


def _helpful(answers: QuerySet[Comment]) -> QuerySet[Comment]:
    return answers.filter(Q(post__accepted_answer=F("pk")) | Q(helped_count__gt=0))


def go_to_colleagues(
    space: Space, viewer: Person | AnonymousUser | None, *, limit: int = GO_TO_LIMIT
) -> list[GoTo]:
    """The colleagues whose answers in `space` were accepted or found helpful most."""
    # Driven from the space's questions (the posts' (space, state, …) index, then comments by
    # post): filtering the comments on their post's space lets the planner read every top-level
    # comment of the site instead.
    questions = Post.objects.filter(space=space, state=ContentState.VISIBLE, kind=PostKind.QUESTION)
    answers = _helpful(_answers(viewer).filter(post__in=questions.values("pk")))
    ranked = list(
        answers.values("author")
        .annotate(
            accepted=Count("pk", filter=Q(post__accepted_answer=F("pk"))),
            helped=Coalesce(Sum("helped_count"), Value(0), output_field=IntegerField()),
        )
        .annotate(score=F("accepted") * ACCEPTED_POINTS + F("helped"))
        .order_by("-score", "author")[:limit]
    )
    if not ranked:
        return []
    ids = [row["author"] for row in ranked]
    tags: dict[int, Counter[str]] = defaultdict(Counter)
    for author, tag in answers.filter(
        author__in=ids, post__post_hashtags__isnull=False
    ).values_list(
        "author", "post__post_hashtags__tag__name"
    ):  # one row per helpful answer and tag of its question
        tags[author][tag] += 1
    people = Person.objects.select_related("department").in_bulk(ids)
    return [
        GoTo(
            person=people[row["author"]],
            accepted=row["accepted"],
            helped=row["helped"],
            topics=tuple(tag for tag, _ in tags[row["author"]].most_common(TOPICS_EACH)),
        )
        for row in ranked
        if row["author"] in people
    ]


def go_to_for(person: Person, viewer: Person | AnonymousUser | None) -> GoToFor:
    """The spaces and topics where `person`'s answers were accepted or found helpful, of what
    the viewer may see."""
    answers = _helpful(_answers(viewer).filter(author=person))
    per_space = (
        answers.values("post__space")
        .annotate(count=Count("pk"))
        .order_by("-count", "post__space")
        .values_list("post__space__slug", "post__space__name", "count")[:SPACES_EACH]
    )
    topics = (
        PostHashtag.objects.filter(post__in=answers.values("post"))
        .values("tag__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "tag__name")[:TOPICS_EACH]
    )
    return GoToFor(
        spaces=tuple(SpaceCount(slug, name, count) for slug, name, count in per_space),
        topics=tuple((row["tag__name"], row["count"]) for row in topics),
    )
