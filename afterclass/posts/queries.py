"""The read side of posts: space feed, home feed, unanswered questions, a post's thread.

Every list passes through `present`, which sets on each post `shown_author` (a Person, or None
for "a colleague"), `my_reactions` and `is_mine`: templates and the API show only those, never
`post.author` directly, so an anonymous asker cannot leak through a forgotten field.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Exists, FilteredRelation, OuterRef, Prefetch, Q, QuerySet

from afterclass.attachments.queries import with_attachments
from afterclass.core.pagination import Page, after_cursor, check_limit, page_of, paginate
from afterclass.posts.access import (
    author_shown_to,
    comments_visible_to,
    moderated_space_ids,
    posts_visible_to,
)
from afterclass.posts.models import (
    Comment,
    ContentState,
    Post,
    PostKind,
    Reaction,
    Vote,
)
from afterclass.spaces.access import is_signed_in
from afterclass.spaces.models import Membership, Status

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from afterclass.people.models import Person
    from afterclass.spaces.models import Space

FEED_ORDER = ["-is_pinned", "-created_at", "-id"]
NEWEST_ORDER = ["-created_at", "-id"]


# Per post: None when the viewer keeps no read state there (not an active member of its space),
# else (comments seen, last activity seen, when the mark was written), all None when never opened.
ReadPoint = tuple[int | None, datetime | None, datetime | None]


def _read_marks(ids: list[int], viewer: Person) -> dict[int, ReadPoint | None]:
    """The viewer's read marks for these posts and whether they are a member of each post's
    space (an organisation admin may not be), in one query."""
    member = Exists(Membership.objects.active_in(OuterRef("space"), viewer))
    rows = (
        Post.objects.filter(pk__in=ids)
        .annotate(
            mark=FilteredRelation("read_marks", condition=Q(read_marks__person=viewer)),
            is_member=member,
        )
        .order_by()
        .values_list(
            "pk",
            "is_member",
            "mark__seen_comment_count",
            "mark__seen_activity_at",
            "mark__updated_at",
        )
    )
    return {
        pk: (count, seen_at, marked_at) if is_member else None
        for pk, is_member, count, seen_at, marked_at in rows
    }


def _set_read_state(post: Post, point: ReadPoint | None) -> None:
    if point is None:
        unread, new = False, 0
    elif point[1] is None:
        unread, new = True, 0  # never opened: the whole post is new
    else:
        unread = post.last_activity_at > point[1]
        new = max(post.comment_count - (point[0] or 0), 0) if unread else 0
    post.is_unread = unread  # type: ignore[attr-defined]
    post.new_comments = new  # type: ignore[attr-defined]
    # When the viewer last read the post (their read mark was written), None before a first
    # visit: the thread marks what came after as new. The mark's write time, not the activity it
    # saw: a comment is created a moment after the activity time its post is given.
    post.last_read_at = point[2] if point is not None else None  # type: ignore[attr-defined]


def present(posts: list[Post], viewer: Person | AnonymousUser | None) -> list[Post]:
    """Decide once, for a page of posts, what the viewer is shown of each (three queries).

    Read state (`is_unread`, `new_comments`) is for active members: a post is unread when it was
    never opened or has had activity since; an organisation admin outside the space has none."""
    moderated = moderated_space_ids(viewer)
    mine: dict[int, set[str]] = defaultdict(set)
    marks: dict[int, ReadPoint | None] = {}
    if is_signed_in(viewer) and posts:
        ids = [post.pk for post in posts]
        for post_id, kind in Reaction.objects.filter(person=viewer, post__in=ids).values_list(
            "post_id", "kind"
        ):
            mine[post_id].add(kind)
        marks = _read_marks(ids, viewer)
    for post in posts:
        post.shown_author = author_shown_to(viewer, post, moderated=moderated)  # type: ignore[attr-defined]
        post.is_mine = is_signed_in(viewer) and post.author_id == viewer.pk  # type: ignore[attr-defined]
        post.my_reactions = mine.get(post.pk, set())  # type: ignore[attr-defined]
        _set_read_state(post, marks.get(post.pk))
    with_attachments(posts)  # a query only when there are image posts or resources
    return posts


def _listable(viewer: Person | AnonymousUser | None) -> Q:
    """Posts that belong in feeds: visible ones (removed and hidden ones stay out). The state is
    spelled as one equality so that the (space, state, …) indexes serve the feeds in order."""
    return Q(state=ContentState.VISIBLE) & posts_visible_to(viewer)


def space_feed(
    space: Space,
    viewer: Person | AnonymousUser | None,
    *,
    kind: str | None = None,
    unanswered: bool = False,
    cursor: str | None = None,
    limit: int = 20,
) -> Page[Post]:
    """A space's posts: pinned first, then newest; by kind, or unanswered questions only."""
    posts = Post.objects.filter(_listable(viewer), space=space).for_list()
    if kind:
        posts = posts.filter(kind=kind)
    if unanswered:
        posts = posts.filter(kind=PostKind.QUESTION, answer_count=0)
    page = paginate(posts, order=FEED_ORDER, cursor=cursor, limit=limit)
    present(page.items, viewer)
    return page


# A feed across spaces reads each space's first page from its index and merges them (below);
# beyond this many spaces it sorts their posts in one query instead (SQLite allows 500 terms in a
# compound SELECT).
MERGE_MAX_SPACES = 200
_SPACE_PLACEHOLDER = -7_303_141  # an id no space has, found again among the SQL's parameters


def _across_spaces(
    posts: QuerySet[Post],
    space_ids: list[int],
    *,
    order: Sequence[str],
    cursor: str | None,
    limit: int,
) -> Page[Post]:
    """A keyset page of `posts` from many spaces, without reading every post of those spaces.

    Each space gives its first `limit + 1` posts in `order` after the cursor (one range of its
    (space, state, …) index), a UNION ALL keeps the first `limit + 1` of those, and one more
    query loads them: the cost follows the number of spaces, not the number of their posts.
    `order` ends with "id"."""
    check_limit(limit)
    if not space_ids:
        return Page(items=[], next=None)
    after = after_cursor(posts, order=order, cursor=cursor)
    if len(space_ids) > MERGE_MAX_SPACES:
        rows = list(after.filter(space_id__in=space_ids).order_by(*order)[: limit + 1])
        return page_of(rows, order=order, limit=limit)
    fields = [name.lstrip("-") for name in order]
    # Django's SQL for one space's first rows, compiled once: each space repeats it with its own
    # id in the parameter that held the placeholder.
    first = after.filter(space_id=_SPACE_PLACEHOLDER).order_by(*order).values_list(*fields)
    sql, first_params = first[: limit + 1].query.sql_with_params()
    # Exactly one parameter is the placeholder (unpacking fails loudly otherwise).
    (at,) = [index for index, value in enumerate(first_params) if value == _SPACE_PLACEHOLDER]
    parts: list[str] = []
    params: list[Any] = []
    for number, space_id in enumerate(space_ids):
        parts.append(f"SELECT * FROM ({sql}) AS part{number}")  # noqa: S608 - Django's SQL
        params.extend((*first_params[:at], space_id, *first_params[at + 1 :]))
    directions = ", ".join(
        f"{position} {'DESC' if name.startswith('-') else 'ASC'}"
        for position, name in enumerate(order, start=1)
    )
    merged = f"{' UNION ALL '.join(parts)} ORDER BY {directions} LIMIT {limit + 1}"
    with connection.cursor() as cursor_:
        cursor_.execute(merged, params)
        ids = [row[-1] for row in cursor_.fetchall()]
    loaded = Post.objects.filter(pk__in=ids).for_list().in_bulk()
    return page_of([loaded[pk] for pk in ids], order=order, limit=limit)


def _my_space_ids(viewer: Person, *, exclude_archived: bool = False) -> list[int]:
    memberships = Membership.objects.active().filter(person=viewer)
    if exclude_archived:
        memberships = memberships.exclude(space__status=Status.ARCHIVED)
    return list(memberships.order_by("space_id").values_list("space_id", flat=True))


def home_feed(
    viewer: Person | AnonymousUser | None, *, cursor: str | None = None, limit: int = 20
) -> Page[Post]:
    """What is new across the spaces I am a member of, newest first."""
    if not is_signed_in(viewer):
        return Page(items=[], next=None)
    posts = Post.objects.filter(_listable(viewer))
    page = _across_spaces(
        posts, _my_space_ids(viewer), order=NEWEST_ORDER, cursor=cursor, limit=limit
    )
    present(page.items, viewer)
    return page


def waiting_questions(
    viewer: Person | AnonymousUser | None, *, cursor: str | None = None, limit: int = 20
) -> Page[Post]:
    """Questions without an answer across my spaces, oldest waiting first. Archived spaces are
    read-only, so their questions cannot be answered and are left out."""
    if not is_signed_in(viewer):
        return Page(items=[], next=None)
    posts = Post.objects.filter(_listable(viewer), kind=PostKind.QUESTION, answer_count=0)
    page = _across_spaces(
        posts,
        _my_space_ids(viewer, exclude_archived=True),
        order=["created_at", "id"],
        cursor=cursor,
        limit=limit,
    )
    present(page.items, viewer)
    return page


def _present_comment(post: Post, comment: Comment) -> None:
    """The asker's own comments in their anonymous question are anonymous too."""
    hidden_asker = post.is_anonymous and getattr(post, "shown_author", None) is None
    is_asker = comment.author_id == post.author_id
    comment.shown_author = None if hidden_asker and is_asker else comment.author  # type: ignore[attr-defined]
    comment.by_asker = is_asker and post.kind == PostKind.QUESTION  # type: ignore[attr-defined]


def present_comment(post: Post, comment: Comment) -> Comment:
    """One comment outside a thread (after an edit or removal): `post` must be presented."""
    _present_comment(post, comment)
    return comment


@dataclass(frozen=True)
class Thread:
    post: Post
    comments: Sequence[Comment]  # top level, each with `.visible_replies`
    next: str | None
    my_votes: set[int]
    first_new_id: int | None = None  # the first comment marked new, in the page's order
    new_count: int = 0


def thread_comments(post: Post, viewer: Person | AnonymousUser | None) -> QuerySet[Comment]:
    """The post's comments the viewer sees, with their authors and visible replies. A thread
    shows an author's name, initials and avatar only: no department or level to load."""
    shown = comments_visible_to(viewer, post)
    replies = Comment.objects.filter(shown).select_related("author")
    return (
        Comment.objects.filter(shown, post=post)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="visible_replies"))
    )


def present_comments(
    post: Post, viewer: Person | AnonymousUser | None, comments: list[Comment]
) -> Thread:
    """Set on each comment and reply what the viewer is shown (`shown_author`, `by_asker`,
    `my_reactions`, `is_new`): two queries at most, however many comments."""
    shown_comments: list[Comment] = []
    for comment in comments:
        shown_comments.append(comment)
        shown_comments.extend(getattr(comment, "visible_replies", []))
    reacted: dict[int, set[str]] = defaultdict(set)
    if is_signed_in(viewer) and shown_comments:
        for comment_id, kind in Reaction.objects.filter(
            person=viewer, comment__in=[c.pk for c in shown_comments]
        ).values_list("comment_id", "kind"):
            reacted[comment_id].add(kind)
    # New since the viewer's previous visit: never on a first visit, never their own.
    since: datetime | None = getattr(post, "last_read_at", None)
    viewer_id = viewer.pk if is_signed_in(viewer) else None
    first_new_id: int | None = None
    new_count = 0
    for shown_comment in shown_comments:
        _present_comment(post, shown_comment)
        shown_comment.my_reactions = reacted.get(shown_comment.pk, set())  # type: ignore[attr-defined]
        is_new = (
            since is not None
            and shown_comment.created_at > since
            and shown_comment.author_id != viewer_id
        )
        shown_comment.is_new = is_new  # type: ignore[attr-defined]
        if is_new:
            new_count += 1
            first_new_id = first_new_id or shown_comment.pk
    ids = [c.pk for c in comments if c.parent_id is None]
    my_votes: set[int] = set()
    if is_signed_in(viewer) and ids and post.kind == PostKind.QUESTION:
        my_votes = set(
            Vote.objects.filter(person=viewer, comment__in=ids).values_list("comment_id", flat=True)
        )
    return Thread(
        post=post,
        comments=comments,
        next=None,
        my_votes=my_votes,
        first_new_id=first_new_id,
        new_count=new_count,
    )


def post_thread(
    post: Post,
    viewer: Person | AnonymousUser | None,
    *,
    cursor: str | None = None,
    limit: int = 50,
) -> Thread:
    """A post with a page of its top-level comments (answers by votes, then time; the accepted
    answer first) and their replies, in a fixed number of queries. Comments and replies written
    by others since the viewer last read the post are marked `is_new`."""
    present([post], viewer)
    top = thread_comments(post, viewer).filter(parent__isnull=True)
    if post.kind == PostKind.QUESTION:
        order = ["-vote_count", "created_at", "id"]
    else:
        order = ["created_at", "id"]
    page = paginate(top, order=order, cursor=cursor, limit=limit)
    comments = page.items
    accepted_id = post.accepted_answer_id
    if accepted_id and not cursor:
        accepted = [c for c in comments if c.pk == accepted_id]
        comments = accepted + [c for c in comments if c.pk != accepted_id]
    return replace(present_comments(post, viewer, comments), next=page.next)


def thread_comment(post: Post, viewer: Person | AnonymousUser | None, comment_id: int) -> Thread:
    """One comment (with its replies) or one reply as the thread shows it, for the page to swap
    in after it was written, hidden, restored or removed; no comment when the viewer cannot see
    it (any more)."""
    present([post], viewer)
    comments = list(thread_comments(post, viewer).filter(pk=comment_id))
    return present_comments(post, viewer, comments)
