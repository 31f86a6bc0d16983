"""The feeds beside "What's new" and "Questions waiting": Top (this week or month), Following
(threads I follow) and Saved (posts I saved); and, on a post's page, the viewer's own choices
about it and who has read an announcement. Each feed is built on
`Post.objects.visible_to(viewer)` with feeds' own state rule (visible posts only), is
keyset-paginated and presented by `posts.queries.present`, so an anonymous asker's name shows
nowhere it would not on a card."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Ln
from django.utils import timezone

from afterclass.core.pagination import Page, paginate
from afterclass.posts.access import can_see_acknowledgements
from afterclass.posts.models import (
    Acknowledgement,
    ContentState,
    Post,
    PostKind,
    PostQuerySet,
    SavedPost,
    ThreadFollow,
    ThreadState,
)
from afterclass.posts.queries import FeedPage, present, present_page
from afterclass.spaces.access import is_signed_in, my_place
from afterclass.spaces.models import Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler

    from afterclass.people.models import Person

# Top: a post's points halve in weight every HALF_LIFE_DAYS of age. Written as
# ln(points) + age·ln 2 / half-life (the logarithm of points·2^(days/half-life)), the order is
# the same at any moment, so a keyset cursor over the score stays true from page to page.
HALF_LIFE_DAYS = 3.0
TOP_PERIODS = {"week": 7, "month": 30}
# Days are counted from here: any fixed moment gives the same order.
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)

TOP_ORDER = ["-top_score", "-id"]
FOLLOWING_ORDER = ["-last_activity_at", "-id"]
SAVED_ORDER = ["-created_at", "-id"]


class DaysSince(Func):
    """Days (with fractions) from `_EPOCH` to a date-time column, on SQLite and PostgreSQL."""

    output_field = FloatField()

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, tuple[str | int, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(julianday({sql}) - julianday(%s))", (*params, _EPOCH.strftime("%Y-%m-%d"))

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, tuple[str | int, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(EXTRACT(EPOCH FROM ({sql} - %s::timestamptz)) / 86400.0)::double precision",
            (*params, _EPOCH.isoformat()),
        )


def top_score() -> Any:
    """Helped-me counts most, then answers, then any reaction; +1 so a quiet post still ranks
    by its age."""
    points = F("helped_count") * 3 + F("answer_count") * 2 + F("reaction_count") + 1
    decay = DaysSince(F("created_at")) * Value(math.log(2) / HALF_LIFE_DAYS)
    return Cast(Ln(Cast(points, FloatField())) + decay, FloatField())


def _feed_posts(viewer: Person) -> PostQuerySet:
    """What a feed may list for the viewer: the seeing rule, visible posts only (as every feed)."""
    return Post.objects.visible_to(viewer).filter(state=ContentState.VISIBLE)


def top_feed(
    viewer: Person | AnonymousUser | None,
    *,
    period: str = "week",
    cursor: str | None = None,
    limit: int = 20,
    conversation: bool = True,
) -> FeedPage:
    """The most helpful posts of my spaces started in the last week (or month), newer ones
    weighing more. The window is read from the (space, state, -created_at, -id) index; only
    its posts are scored."""
    if not is_signed_in(viewer):
        return FeedPage(items=[], next=None)
    since = timezone.now() - timedelta(days=TOP_PERIODS.get(period, TOP_PERIODS["week"]))
    mine = Membership.objects.active_in(person=viewer).values("space_id")
    posts = (
        _feed_posts(viewer)
        .filter(space_id__in=Subquery(mine), created_at__gte=since)
        .for_list()
        .annotate(top_score=top_score())
    )
    return present_page(
        paginate(posts, order=TOP_ORDER, cursor=cursor, limit=limit),
        viewer,
        conversation=conversation,
    )


def following_posts(viewer: Person) -> Q:
    """Threads the viewer follows: by choice, or as the author who has not chosen otherwise."""
    chosen = ThreadFollow.objects.filter(person=viewer)
    followed = chosen.filter(state=ThreadState.FOLLOWING).values("post_id")
    declined = chosen.exclude(state=ThreadState.FOLLOWING).values("post_id")
    return Q(pk__in=followed) | (Q(author=viewer) & ~Q(pk__in=declined))


def following_feed(
    viewer: Person | AnonymousUser | None,
    *,
    cursor: str | None = None,
    limit: int = 20,
    conversation: bool = True,
) -> FeedPage:
    """Threads I follow, the most recently active first."""
    if not is_signed_in(viewer):
        return FeedPage(items=[], next=None)
    posts = _feed_posts(viewer).filter(following_posts(viewer)).for_list()
    return present_page(
        paginate(posts, order=FOLLOWING_ORDER, cursor=cursor, limit=limit),
        viewer,
        conversation=conversation,
    )


SAVED_POST_FIELDS = (
    "post__space",
    "post__author",
    "post__author__department",
    "post__author__level",
    "post__poll",
)


def saved_feed(
    viewer: Person | AnonymousUser | None,
    *,
    cursor: str | None = None,
    limit: int = 20,
    conversation: bool = True,
) -> FeedPage:
    """Posts I saved that I may still see, the most recently saved first (the
    (person, -created_at, -id) index of saved posts)."""
    if not is_signed_in(viewer):
        return FeedPage(items=[], next=None)
    saves = SavedPost.objects.filter(
        person=viewer, post__in=_feed_posts(viewer).values("pk")
    ).select_related(*SAVED_POST_FIELDS)
    page: Page[SavedPost] = paginate(saves, order=SAVED_ORDER, cursor=cursor, limit=limit)
    items = present([saved.post for saved in page.items], viewer, conversation=conversation)
    return FeedPage(items=items, next=page.next)


@dataclass(frozen=True, slots=True)
class ThreadControls:
    """The viewer's choices about one post, for its Save / Follow / Mute / "I have read this"
    controls."""

    post_id: int
    saved: bool
    state: str
    asks_acknowledgement: bool
    acknowledged: bool
    can_acknowledge: bool
    sees_acknowledgements: bool

    @property
    def following(self) -> bool:
        return self.state == ThreadState.FOLLOWING

    @property
    def muted(self) -> bool:
        return self.state == ThreadState.MUTED


def thread_controls(post: Post, viewer: Person) -> ThreadControls:
    """In one query (the post's space carries the viewer's membership, see views.load_post)."""
    saved = SavedPost.objects.filter(person=viewer, post=OuterRef("pk"))
    chosen = ThreadFollow.objects.filter(person=viewer, post=OuterRef("pk")).values("state")
    acked = Acknowledgement.objects.filter(person=viewer, post=OuterRef("pk"))
    is_saved, state, acknowledged = (
        Post.objects.filter(pk=post.pk)
        .annotate(is_saved=Exists(saved), chosen=Subquery(chosen[:1]), acked=Exists(acked))
        .values_list("is_saved", "chosen", "acked")
        .get()
    )
    if state is None:
        author = post.author_id == viewer.pk
        state = ThreadState.FOLLOWING if author else ThreadState.NOT_FOLLOWING
    asks = post.asks_acknowledgement and post.kind == PostKind.ANNOUNCEMENT
    return ThreadControls(
        post_id=post.pk,
        saved=bool(is_saved),
        state=state,
        asks_acknowledgement=asks,
        acknowledged=bool(acknowledged),
        can_acknowledge=asks
        and post.state == ContentState.VISIBLE
        and my_place(viewer, post.space).is_active_member,
        sees_acknowledgements=asks and can_see_acknowledgements(viewer, post),
    )


@dataclass(frozen=True, slots=True)
class Reader:
    name: str
    read_at: datetime | None


READERS_PAGE = 100  # names a list of readers shows at a time


@dataclass(frozen=True, slots=True)
class Readers:
    """One page of the people who have (or have not) read an announcement, by name."""

    people: list[Reader]
    next: str | None  # the cursor of the next page, if there is one


@dataclass(frozen=True, slots=True)
class Acknowledgements:
    """Who among the space's active members has said "I have read this", and who has not: how
    many of each, and the first page of each list (`readers` gives the next ones)."""

    read_count: int
    members: int
    read: Readers
    not_read: Readers

    @property
    def not_read_count(self) -> int:
        return self.members - self.read_count


def _audience(post: Post) -> QuerySet[Membership]:
    """The space's active members (deactivated people left out)."""
    return Membership.objects.active_in(post.space_id).filter(person__is_active=True)


def _acknowledged(post: Post) -> Exists:
    """Whether the member of the row has acknowledged the post."""
    return Exists(Acknowledgement.objects.filter(post=post, person=OuterRef("person")))


def acknowledgements(post: Post) -> Acknowledgements:
    """How many have read the post and the first page of each list, in three queries. For its
    moderators: check_can_see_acknowledgements."""
    if not post.asks_acknowledgement:
        empty = Readers(people=[], next=None)
        return Acknowledgements(read_count=0, members=0, read=empty, not_read=empty)
    read_count, members = acknowledgement_counts(post)
    return Acknowledgements(
        read_count=read_count,
        members=members,
        read=readers(post, read=True),
        not_read=readers(post, read=False),
    )


def acknowledgement_counts(post: Post) -> tuple[int, int]:
    """(how many have read the post, how many active members its space has), in one query."""
    read = Count("pk", filter=Q(_acknowledged(post)))
    counts = _audience(post).aggregate(members=Count("pk"), read=read)
    return counts["read"], counts["members"]


def readers(
    post: Post, *, read: bool, cursor: str | None = None, limit: int | None = None
) -> Readers:
    """A page of those who have (`read`) or have not read the post, by name (keyset), with
    when they said so."""
    if not post.asks_acknowledgement:
        return Readers(people=[], next=None)
    acknowledged = _acknowledged(post)
    when = Acknowledgement.objects.filter(post=post, person=OuterRef("person")).values("created_at")
    rows = (
        _audience(post)
        .filter(acknowledged if read else ~acknowledged)
        .select_related("person")
        .only("person__display_name", "person_id")
        .annotate(read_at=Subquery(when[:1]))
    )
    order = ("person__display_name", "person_id")
    page = paginate(rows, order=order, cursor=cursor, limit=limit or READERS_PAGE)
    people = [Reader(name=row.person.display_name, read_at=_read_at(row)) for row in page.items]
    return Readers(people=people, next=page.next)


def _read_at(row: Membership) -> datetime | None:
    """The `read_at` that `readers` annotated on a membership."""
    value: datetime | None = vars(row)["read_at"]
    return value
