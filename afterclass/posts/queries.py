"""The read side of posts: space feed, home feed, unanswered questions, a post's thread.

Every list passes through `present`, which gives each post as the viewer sees it (a
posts.presentation.SeenPost: `shown_author`, a Person or None for "a colleague", `my_reactions`,
`is_mine`, read state); threads pass through `present_comments` (SeenComment). Templates and the
API are given only those, never the models, so an anonymous asker cannot leak through a
forgotten `post.author`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from afterclass.core.errors import NotAllowed
from afterclass.core.pagination import Page, after_cursor, check_limit, page_of, paginate
from afterclass.posts.access import (
    author_shown_to,
    check_can_comment,
    comments_visible_to,
    moderated_space_ids,
    posts_visible_to,
)
from afterclass.posts.files import with_attachments
from afterclass.posts.models import (
    Comment,
    ContentState,
    Post,
    PostKind,
    Reaction,
    ReactionKind,
    Vote,
)
from afterclass.posts.presentation import (
    ReadPoint,
    SeenComment,
    SeenPost,
    Thread,
    see_comment,
    see_post,
)
from afterclass.spaces.access import check_can_participate, is_signed_in
from afterclass.spaces.models import Membership, Space, Status

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from afterclass.people.models import Person


@dataclass(frozen=True, slots=True)
class FeedPage:
    """A keyset page of posts as the viewer sees them."""

    items: list[SeenPost]
    next: str | None


def present_page(
    page: Page[Post], viewer: Person | AnonymousUser | None, *, conversation: bool = True
) -> FeedPage:
    """A feed's page of cards: each post with the conversation its card carries (not for the
    API's lists, which do not show it: two queries fewer)."""
    return FeedPage(items=present(page.items, viewer, conversation=conversation), next=page.next)


FEED_ORDER = ["-is_pinned", "-created_at", "-id"]
NEWEST_ORDER = ["-created_at", "-id"]


def _read_marks(ids: list[int], viewer: Person) -> dict[int, ReadPoint | None]:
    """The viewer's read marks for these posts and whether they are a member of each post's
    space (an organisation admin may not be), in one query. A post never opened whose last
    activity came before the viewer joined its space is not news to them: it counts as seen
    as it stands (with no mark written, so opening it still writes one). Without this, someone
    who has just joined a space would find every card in it marked new."""
    membership = Membership.objects.active_in(OuterRef("space"), viewer)
    rows = (
        Post.objects.filter(pk__in=ids)
        .annotate(
            mark=FilteredRelation("read_marks", condition=Q(read_marks__person=viewer)),
            is_member=Exists(membership),
            joined=Subquery(membership.values(since=Coalesce("joined_at", "created_at"))[:1]),
        )
        .order_by()
        .values_list(
            "pk",
            "is_member",
            "mark__seen_comment_count",
            "mark__seen_activity_at",
            "mark__updated_at",
            "joined",
            "last_activity_at",
            "comment_count",
        )
    )
    marks: dict[int, ReadPoint | None] = {}
    for pk, is_member, count, seen_at, marked_at, joined, activity, comments in rows:
        if not is_member:
            marks[pk] = None
        elif seen_at is None and joined is not None and activity <= joined:
            marks[pk] = (comments, activity, None)
        else:
            marks[pk] = (count, seen_at, marked_at)
    return marks


def _viewer_id(viewer: Person | AnonymousUser | None) -> int | None:
    return viewer.pk if is_signed_in(viewer) else None


def _reactions(
    ids: list[int], viewer: Person
) -> tuple[dict[int, set[str]], dict[int, dict[str, int]]]:
    """The viewer's own reactions on these posts and how many of each kind each has, in one
    aggregate query."""
    mine: dict[int, set[str]] = defaultdict(set)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Reaction.objects.filter(post__in=ids)
        .order_by()
        .values("post_id", "kind")
        .annotate(total=Count("pk"), own=Count("pk", filter=Q(person=viewer)))
        .values_list("post_id", "kind", "total", "own")
    )
    for post_id, kind, total, own in rows:
        counts[post_id][kind] = total
        if own:
            mine[post_id].add(kind)
    return mine, counts


def _in_kind_order(counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple((str(kind), counts[kind]) for kind in ReactionKind if counts.get(kind))


def _is_new(comment: Comment, since: datetime | None, viewer_id: int | None) -> bool:
    """New since the viewer's previous visit: never on a first visit, never their own."""
    return since is not None and comment.created_at > since and comment.author_id != viewer_id


CARD_COMMENTS = 2  # the last comments a feed's card shows


def _last_comments(
    posts: Sequence[Post], viewer: Person, moderated: Collection[int]
) -> dict[int, list[Comment]]:
    """The last `CARD_COMMENTS` visible top-level comments of each of these posts that the
    viewer may see, oldest first, with their authors: one query (a window function numbering
    each post's comments, newest first), however many posts."""
    newest = Window(
        RowNumber(), partition_by=[F("post_id")], order_by=[F("created_at").desc(), F("id").desc()]
    )
    rows = (
        Comment.objects.visible_on(viewer, posts, moderated)
        .filter(parent__isnull=True, state=ContentState.VISIBLE)
        .select_related("author")
        .annotate(newest=newest)
        .filter(newest__lte=CARD_COMMENTS)
        .order_by("post_id", "created_at", "id")
    )
    found: dict[int, list[Comment]] = defaultdict(list)
    for comment in rows:
        found[comment.post_id].append(comment)
    return found


def _with_places(posts: Sequence[Post], viewer: Person) -> None:
    """Give each post its space annotated with the viewer's membership (one query), so that
    the participation checks read it (spaces.models.my_place) instead of a query per post."""
    spaces = Space.objects.filter(pk__in={post.space_id for post in posts}).with_membership_of(
        viewer
    )
    placed = {space.pk: space for space in spaces}
    for post in posts:
        post.space = placed[post.space_id]


def _allows(check: Callable[..., None], *args: Any) -> bool:
    try:
        check(*args)
    except NotAllowed:
        return False
    return True


def _with_conversation(
    post: Post, seen: SeenPost, viewer: Person, comments: list[Comment]
) -> SeenPost:
    """`seen` with what a card carries: its last comments as the thread would show them (an
    anonymous asker's own comments stay anonymous: posts.presentation.see_comment) and whether
    the viewer may react and comment there."""
    recent = tuple(
        see_comment(
            post,
            seen,
            comment,
            viewer_id=viewer.pk,
            is_new=_is_new(comment, seen.last_read_at, viewer.pk),
        )
        for comment in comments
    )
    can_react = post.state == ContentState.VISIBLE and _allows(
        check_can_participate, viewer, post.space
    )
    return replace(
        seen,
        recent_comments=recent,
        can_react=can_react,
        can_comment=can_react and _allows(check_can_comment, viewer, post),
    )


def present(
    posts: Sequence[Post],
    viewer: Person | AnonymousUser | None,
    *,
    conversation: bool = False,
) -> list[SeenPost]:
    """Decide once, for a page of posts, what the viewer is shown of each (three queries).

    Read state (`is_unread`, `new_comments`) is for active members: a post is unread when it was
    never opened (and has had activity since they joined its space) or has had activity since;
    an organisation admin outside the space has none.
    With `conversation` (feeds' cards), two queries more: the last comments of every post, and
    the viewer's place in their spaces (may they react and comment there)."""
    moderated = moderated_space_ids(viewer)
    mine: dict[int, set[str]] = {}
    counts: dict[int, dict[str, int]] = {}
    marks: dict[int, ReadPoint | None] = {}
    comments: dict[int, list[Comment]] = {}
    if is_signed_in(viewer) and posts:
        ids = [post.pk for post in posts]
        mine, counts = _reactions(ids, viewer)
        marks = _read_marks(ids, viewer)
        if conversation:
            comments = _last_comments(posts, viewer, moderated)
            _with_places(posts, viewer)
    with_attachments(posts)  # a query only when there are image posts or resources
    viewer_id = _viewer_id(viewer)
    seen = [
        see_post(
            post,
            shown_author=author_shown_to(viewer, post, moderated=moderated),
            viewer_id=viewer_id,
            my_reactions=frozenset(mine.get(post.pk, ())),
            read=marks.get(post.pk),
            attachments=tuple(getattr(post, "shown_attachments", ())),
            reaction_counts=_in_kind_order(counts.get(post.pk, {})),
        )
        for post in posts
    ]
    if not (conversation and is_signed_in(viewer) and posts):
        return seen
    return [
        _with_conversation(post, one, viewer, comments.get(post.pk, []))
        for post, one in zip(posts, seen, strict=True)
    ]


def present_one(post: Post, viewer: Person | AnonymousUser | None) -> SeenPost:
    """`present` for one post."""
    return present([post], viewer)[0]


def present_plain(post: Post, viewer: Person | AnonymousUser | None) -> SeenPost:
    """`post` for a fragment that shows neither its author nor the viewer's reactions or read
    state (a form, a vote): no query, and "a colleague" for any anonymous question."""
    return see_post(post, shown_author=None, viewer_id=_viewer_id(viewer))


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
    conversation: bool = True,
) -> FeedPage:
    """A space's posts: pinned first, then newest; by kind, or unanswered questions only."""
    posts = Post.objects.filter(_listable(viewer), space=space).for_list()
    if kind:
        posts = posts.filter(kind=kind)
    if unanswered:
        posts = posts.filter(kind=PostKind.QUESTION, answer_count=0)
    return present_page(
        paginate(posts, order=FEED_ORDER, cursor=cursor, limit=limit),
        viewer,
        conversation=conversation,
    )


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
    viewer: Person | AnonymousUser | None,
    *,
    cursor: str | None = None,
    limit: int = 20,
    conversation: bool = True,
) -> FeedPage:
    """What is new across the spaces I am a member of, newest first."""
    if not is_signed_in(viewer):
        return FeedPage(items=[], next=None)
    posts = Post.objects.filter(_listable(viewer))
    page = _across_spaces(
        posts, _my_space_ids(viewer), order=NEWEST_ORDER, cursor=cursor, limit=limit
    )
    return present_page(page, viewer, conversation=conversation)


def waiting_questions(
    viewer: Person | AnonymousUser | None,
    *,
    cursor: str | None = None,
    limit: int = 20,
    conversation: bool = True,
) -> FeedPage:
    """Questions without an answer across my spaces, oldest waiting first. Archived spaces are
    read-only, so their questions cannot be answered and are left out."""
    if not is_signed_in(viewer):
        return FeedPage(items=[], next=None)
    posts = Post.objects.filter(_listable(viewer), kind=PostKind.QUESTION, answer_count=0)
    page = _across_spaces(
        posts,
        _my_space_ids(viewer, exclude_archived=True),
        order=["created_at", "id"],
        cursor=cursor,
        limit=limit,
    )
    return present_page(page, viewer, conversation=conversation)


def present_comment(
    post: Post, seen: SeenPost, comment: Comment, viewer: Person | AnonymousUser | None
) -> SeenComment:
    """One comment outside a thread (after an edit or removal): `seen` is `post` presented."""
    return see_comment(post, seen, comment, viewer_id=_viewer_id(viewer))


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


def _replies(comment: Comment) -> list[Comment]:
    """The replies `thread_comments` loaded (none for a reply, or a comment loaded alone)."""
    found: list[Comment] = getattr(comment, "visible_replies", [])
    return found


def present_comments(
    post: Post,
    seen: SeenPost,
    viewer: Person | AnonymousUser | None,
    comments: Sequence[Comment],
) -> Thread:
    """What the viewer is shown of each comment and its replies (`shown_author`, `by_asker`,
    `my_reactions`, `is_new`), in the order given: two queries at most, however many comments.
    `seen` is `post` presented for the viewer."""
    every: list[Comment] = []
    for comment in comments:
        every.append(comment)
        every.extend(_replies(comment))
    reacted: dict[int, set[str]] = defaultdict(set)
    if is_signed_in(viewer) and every:
        for comment_id, kind in Reaction.objects.filter(
            person=viewer, comment__in=[c.pk for c in every]
        ).values_list("comment_id", "kind"):
            reacted[comment_id].add(kind)
    # New since the viewer's previous visit: never on a first visit, never their own.
    since: datetime | None = seen.last_read_at
    viewer_id = _viewer_id(viewer)
    new_ids: list[int] = []

    def shown(comment: Comment, replies: tuple[SeenComment, ...] = ()) -> SeenComment:
        is_new = _is_new(comment, since, viewer_id)
        if is_new:
            new_ids.append(comment.pk)
        return see_comment(
            post,
            seen,
            comment,
            viewer_id=viewer_id,
            my_reactions=frozenset(reacted.get(comment.pk, ())),
            is_new=is_new,
            replies=replies,
        )

    presented: list[SeenComment] = []
    for comment in comments:
        top = shown(comment)  # before its replies: "the first new" follows the page's order
        replies = tuple(shown(reply) for reply in _replies(comment))
        presented.append(replace(top, visible_replies=replies) if replies else top)
    ids = [c.pk for c in comments if c.parent_id is None]
    my_votes: frozenset[int] = frozenset()
    if is_signed_in(viewer) and ids and post.kind == PostKind.QUESTION:
        my_votes = frozenset(
            Vote.objects.filter(person=viewer, comment__in=ids).values_list("comment_id", flat=True)
        )
    return Thread(
        post=seen,
        comments=tuple(presented),
        next=None,
        my_votes=my_votes,
        first_new_id=new_ids[0] if new_ids else None,
        new_count=len(new_ids),
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
    seen = present_one(post, viewer)
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
    return replace(present_comments(post, seen, viewer, comments), next=page.next)


def thread_comment(post: Post, viewer: Person | AnonymousUser | None, comment_id: int) -> Thread:
    """One comment (with its replies) or one reply as the thread shows it, for the page to swap
    in after it was written, hidden, restored or removed; no comment when the viewer cannot see
    it (any more)."""
    seen = present_one(post, viewer)
    comments = list(thread_comments(post, viewer).filter(pk=comment_id))
    return present_comments(post, seen, viewer, comments)
