"""What a viewer sees of a post and of a comment, and how a post is named wherever it appears:
pages, page titles, notices and the API.

`SeenPost` and `SeenComment` are the viewer's view, built here once per list (posts.queries
fetches what they need and calls `see_post` / `see_comment`). They copy what pages and the API
show and hold no model they came from: the author they carry is the *shown* one
(`shown_author`, None for "a colleague"), and an anonymous question's real author (`author`,
`author_id`) is not reachable from them, so mypy rejects a page or schema that reaches for it.

One place knows that a removed post keeps no words for anyone: its title and text are gone from
every surface (its comments stay), and it is named only by its kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from afterclass.core.markdown import markdown_text
from afterclass.posts.models import Comment, Post, PostKind

if TYPE_CHECKING:
    from afterclass.attachments.models import Attachment
    from afterclass.people.models import Person
    from afterclass.spaces.models import Space

HEADLINE_LENGTH = 80
HEADLINE_SOURCE = 400  # characters of Markdown read for an 80-character headline


class Nameable(Protocol):
    """What naming a post reads: a Post or a SeenPost."""

    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def is_removed(self) -> bool: ...


def shown_title(post: Nameable) -> str:
    """The post's title as people may read it: empty once the post is removed."""
    return "" if post.is_removed else post.title


def shown_body(post: Nameable) -> str:
    """The post's Markdown text as people may read it: empty once the post is removed."""
    return "" if post.is_removed else post.body


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def headline(post: Nameable, *, length: int | None = None) -> str:
    """What a page title, a list or a notice calls a post: its title, or the start of its text
    (updates have no title), or its kind; only its kind once it is removed. `length` cuts even
    a title (notices); pages show a title whole."""
    # The text's words, not its Markdown (a page title must not read "**Tip:** [link](…)");
    # only its start is parsed, which is all a headline shows.
    text = shown_title(post) or _cut(
        markdown_text(shown_body(post)[:HEADLINE_SOURCE]), HEADLINE_LENGTH
    )
    text = text or str(PostKind(post.kind).label)
    return _cut(text, length) if length is not None else text


# Per post: None when the viewer keeps no read state there (not an active member of its space),
# else (comments seen, last activity seen, when the mark was written), all None when never opened
# (a post from before the viewer joined: its comments and activity as they stand, no mark).
ReadPoint = tuple[int | None, datetime | None, datetime | None]


@dataclass(frozen=True, slots=True)
class SeenPost:
    """A post as one viewer sees it. `shown_author` is its author, or None for "a colleague"
    (posts.access.author_shown_to); `is_mine` says whether the viewer wrote it. Read state is
    for active members of its space: `is_unread` when never opened or active since,
    `new_comments` since the last read, `last_read_at` when they last read it."""

    pk: int
    space: Space
    space_id: int
    kind: str
    title: str
    body: str
    body_html: str
    link_url: str
    state: str
    hidden_reason: str
    is_anonymous: bool
    is_pinned: bool
    is_locked: bool
    is_removed: bool
    is_answered: bool
    accepted_answer_id: int | None
    comment_count: int
    answer_count: int
    reaction_count: int
    helped_count: int
    poll_voter_count: int | None  # a poll's "N votes", None for other kinds
    created_at: datetime
    edited_at: datetime | None
    last_activity_at: datetime
    shown_author: Person | None
    is_mine: bool
    my_reactions: frozenset[str]
    is_unread: bool
    new_comments: int
    last_read_at: datetime | None
    # Pictures or a file (only image and resource posts have them, never anonymous ones).
    shown_attachments: tuple[Attachment, ...]
    # How many reactions of each kind, in ReactionKind's order, kinds nobody chose left out.
    reaction_counts: tuple[tuple[str, int], ...] = ()
    # What a feed's card carries of the conversation (posts.queries.present with
    # `conversation=True`; empty and False elsewhere): the last two visible top-level comments,
    # oldest first, and whether the viewer may react or comment from the card.
    recent_comments: tuple[SeenComment, ...] = ()
    can_react: bool = False
    can_comment: bool = False
    # The viewer's read mark already holds the post as it is (comments and last activity):
    # opening it again writes nothing (the page stays remembered: afterclass.core.pagecache).
    read_is_current: bool = False


def _voter_count(post: Post) -> int | None:
    """A poll's vote count when its list loaded the poll (`for_list`): never a query here."""
    if post.kind != PostKind.POLL or "poll" not in post._state.fields_cache:
        return None
    poll = post._state.fields_cache["poll"]
    return poll.voter_count if poll is not None else None


def see_post(
    post: Post,
    *,
    shown_author: Person | None,
    viewer_id: int | None,
    my_reactions: frozenset[str] = frozenset(),
    read: ReadPoint | None = None,
    attachments: tuple[Attachment, ...] = (),
    reaction_counts: tuple[tuple[str, int], ...] = (),
) -> SeenPost:
    """The viewer's view of `post`, its author already decided (`shown_author`)."""
    if read is None:
        unread, new = False, 0
    elif read[1] is None:
        unread, new = True, 0  # never opened: the whole post is new
    else:
        unread = post.last_activity_at > read[1]
        new = max(post.comment_count - (read[0] or 0), 0) if unread else 0
    return SeenPost(
        pk=post.pk,
        space=post.space,
        space_id=post.space_id,
        kind=post.kind,
        title=post.title,
        body=post.body,
        body_html=post.body_html,
        link_url=post.link_url,
        state=post.state,
        hidden_reason=post.hidden_reason,
        is_anonymous=post.is_anonymous,
        is_pinned=post.is_pinned,
        is_locked=post.is_locked,
        is_removed=post.is_removed,
        is_answered=post.is_answered,
        accepted_answer_id=post.accepted_answer_id,
        comment_count=post.comment_count,
        answer_count=post.answer_count,
        reaction_count=post.reaction_count,
        helped_count=post.helped_count,
        poll_voter_count=_voter_count(post),
        created_at=post.created_at,
        edited_at=post.edited_at,
        last_activity_at=post.last_activity_at,
        shown_author=shown_author,
        is_mine=viewer_id is not None and post.author_id == viewer_id,
        my_reactions=my_reactions,
        is_unread=unread,
        new_comments=new,
        # When the viewer last read the post (their read mark was written), None before a
        # first visit: the thread marks what came after as new. The mark's write time, not the
        # activity it saw: a comment is created a moment after the activity time its post is
        # given.
        last_read_at=read[2] if read is not None else None,
        shown_attachments=attachments,
        reaction_counts=reaction_counts,
        read_is_current=read is not None
        and read[2] is not None  # a mark was written (not a post from before joining)
        and read[1] is not None
        and read[1] >= post.last_activity_at
        and read[0] == post.comment_count,
    )


@dataclass(frozen=True, slots=True)
class SeenComment:
    """A comment or reply as one viewer sees it: `shown_author` None for an anonymous asker's
    own comments in their question, `by_asker` when the asker wrote it, `is_new` when written
    by someone else since the viewer last read the post; a top-level comment's replies in
    `visible_replies`."""

    pk: int
    post_id: int
    parent_id: int | None
    body: str
    body_html: str
    state: str
    hidden_reason: str
    is_removed: bool
    vote_count: int
    reaction_count: int
    helped_count: int
    created_at: datetime
    edited_at: datetime | None
    shown_author: Person | None
    by_asker: bool
    is_mine: bool
    my_reactions: frozenset[str] = frozenset()
    is_new: bool = False
    visible_replies: tuple[SeenComment, ...] = ()


def see_comment(
    post: Post,
    seen: SeenPost,
    comment: Comment,
    *,
    viewer_id: int | None,
    my_reactions: frozenset[str] = frozenset(),
    is_new: bool = False,
    replies: tuple[SeenComment, ...] = (),
) -> SeenComment:
    """The viewer's view of a comment on `post` (`seen` is the same post as they see it): the
    asker's own comments in their anonymous question are anonymous too."""
    is_asker = comment.author_id == post.author_id
    asker_hidden = post.is_anonymous and seen.shown_author is None
    return SeenComment(
        pk=comment.pk,
        post_id=comment.post_id,
        parent_id=comment.parent_id,
        body=comment.body,
        body_html=comment.body_html,
        state=comment.state,
        hidden_reason=comment.hidden_reason,
        is_removed=comment.is_removed,
        vote_count=comment.vote_count,
        reaction_count=comment.reaction_count,
        helped_count=comment.helped_count,
        created_at=comment.created_at,
        edited_at=comment.edited_at,
        shown_author=None if asker_hidden and is_asker else comment.author,
        by_asker=is_asker and post.kind == PostKind.QUESTION,
        is_mine=viewer_id is not None and comment.author_id == viewer_id,
        my_reactions=my_reactions,
        is_new=is_new,
        visible_replies=replies,
    )


@dataclass(frozen=True, slots=True)
class Thread:
    """A post's page of comments as the viewer sees it."""

    post: SeenPost
    comments: tuple[SeenComment, ...]  # top level, each with its `visible_replies`
    next: str | None
    my_votes: frozenset[int]
    first_new_id: int | None = None  # the first comment marked new, in the page's order
    new_count: int = 0
