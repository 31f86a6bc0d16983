"""Posts API: feeds, posts, comments and answers, votes, reactions and moderator actions.

Posts and comments are loaded with `access_post` / `access_comment` (404 for unknown and for
anything the caller may not see, so a secret space's post is never revealed), changed only
through the actions, and shown only after posts.queries has decided whose name each shows.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from afterclass.core.api import Id, PageParams, current_person, errors
from afterclass.core.errors import AfterclassError, InvalidInput, NotAllowed, NotFound
from afterclass.people.models import Person
from afterclass.posts import actions
from afterclass.posts.access import (
    access_comment,
    access_post,
    can_moderate_space,
    can_reveal_asker,
    check_can_comment,
)
from afterclass.posts.drafts import do_discard_drafts_of_post
from afterclass.posts.files import wanted_files
from afterclass.posts.hashtags import hashtag_feed, normalise_tag
from afterclass.posts.models import Comment, ContentState, Post, PostKind, ReactionKind
from afterclass.posts.poll_part import poll_part
from afterclass.posts.queries import (
    home_feed,
    post_thread,
    present_comment,
    present_one,
    space_feed,
    waiting_questions,
)
from afterclass.posts.schemas import (
    AcceptIn,
    AskerOut,
    CommentCreateIn,
    CommentOut,
    CommentPage,
    CommentUpdateIn,
    FeedParams,
    HideIn,
    PostCreateIn,
    PostDetailOut,
    PostOut,
    PostPage,
    PostPermissionsOut,
    PostUpdateIn,
    ReactionOut,
    RevealIn,
    VoteOut,
)
from afterclass.posts.suggestions import mention_suggestions
from afterclass.spaces.access import SPACE_NOT_FOUND, access_space, check_can_view_content
from afterclass.spaces.models import Space

router = Router(tags=["posts"])

WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(400, 401, 404, 422)

# The actions name fields as a form labels them; the API names the JSON field that was sent.
POST_FIELDS = {"text": "body", "link": "link_url"}
COMMENT_FIELDS = {"comment": "body"}


@contextmanager
def _api_fields(names: dict[str, str]) -> Iterator[None]:
    try:
        yield
    except AfterclassError as error:
        if error.field in names:
            error.field = names[error.field]
        raise


def _space(viewer: Person, slug: str) -> Space:
    if "\x00" in slug:  # no space has one, and PostgreSQL refuses to compare with it
        raise NotFound(SPACE_NOT_FOUND)
    return access_space(viewer, slug)


def _with_my_place(viewer: Person, post: Post) -> Post:
    # The space read again with the viewer's membership annotated, so that every permission
    # check of this request answers without another query.
    post.space = access_space(viewer, post.space.slug)
    return post


def _post(request: HttpRequest, post_id: int) -> tuple[Person, Post]:
    viewer = current_person(request)
    return viewer, _with_my_place(viewer, access_post(viewer, post_id))


def _comment(request: HttpRequest, comment_id: int) -> tuple[Person, Comment]:
    viewer = current_person(request)
    comment = access_comment(viewer, comment_id)
    _with_my_place(viewer, comment.post)
    return viewer, comment


def _permissions(viewer: Person, post: Post) -> PostPermissionsOut:
    moderator = can_moderate_space(viewer, post.space)
    mine = viewer.pk == post.author_id
    try:
        check_can_comment(viewer, post)
        comment = True
    except NotAllowed:
        comment = False
    return PostPermissionsOut(
        edit=mine and post.state == ContentState.VISIBLE,
        remove=(mine or moderator) and not post.is_removed,
        comment=comment,
        accept=post.kind == PostKind.QUESTION and (mine or moderator),
        moderate=moderator,
        reveal_asker=can_reveal_asker(post, viewer),
    )


def _detail(post: Post, viewer: Person) -> PostDetailOut:
    seen = present_one(post, viewer)
    poll = None
    if post.kind == PostKind.POLL:
        poll = poll_part().shown_to(post, viewer)
    return PostDetailOut.build_detail(seen, _permissions(viewer, post), poll)


def _comment_out(comment: Comment, viewer: Person) -> CommentOut:
    post = comment.post
    seen = present_comment(post, present_one(post, viewer), comment, viewer)
    return CommentOut.build(seen, accepted=post.accepted_answer_id, my_votes=frozenset())


def _related_comment(viewer: Person, comment_id: int, field: str) -> Comment:
    """A comment named in a request body: unknown or unseen is a 400 naming the field."""
    try:
        return access_comment(viewer, comment_id)
    except NotFound as error:
        raise InvalidInput(f"There is no comment with id {comment_id}.", field=field) from error


# --- Feeds ----------------------------------------------------------------------------------


@router.get(
    "/spaces/{slug}/posts",
    response={200: PostPage, **errors(400, 401, 403, 404, 422)},
    summary="A space's posts",
)
def space_posts(request: HttpRequest, slug: str, params: Query[FeedParams]) -> PostPage:
    """Pinned first, then newest; optionally one kind, or unanswered questions only.
    For members and organisation admins: others may know a listed space, not its posts."""
    viewer = current_person(request)
    space = _space(viewer, slug)
    check_can_view_content(viewer, space)
    page = space_feed(
        space,
        viewer,
        kind=params.kind,
        unanswered=params.unanswered,
        cursor=params.cursor,
        limit=params.limit,
        conversation=False,
    )
    return PostPage(items=[PostOut.build(post) for post in page.items], next=page.next)


@router.get("/feed", response={200: PostPage, **READ_ERRORS}, summary="Home feed")
def feed(request: HttpRequest, params: Query[PageParams]) -> PostPage:
    """What is new across the spaces I am a member of, newest first."""
    page = home_feed(
        current_person(request), cursor=params.cursor, limit=params.limit, conversation=False
    )
    return PostPage(items=[PostOut.build(post) for post in page.items], next=page.next)


@router.get(
    "/questions/waiting",
    response={200: PostPage, **READ_ERRORS},
    summary="Questions waiting for an answer",
)
def questions_waiting(request: HttpRequest, params: Query[PageParams]) -> PostPage:
    """Unanswered questions across my spaces, the longest waiting first."""
    page = waiting_questions(
        current_person(request), cursor=params.cursor, limit=params.limit, conversation=False
    )
    return PostPage(items=[PostOut.build(post) for post in page.items], next=page.next)


@router.get(
    "/hashtags/{tag}", response={200: PostPage, **READ_ERRORS}, summary="Posts with a hashtag"
)
def hashtag_posts(request: HttpRequest, tag: str, params: Query[PageParams]) -> PostPage:
    """Posts tagged `tag` (without `#`, any case), newest first, from the spaces whose posts I
    may read. A tag used only where I cannot look is an empty list, as is an unused one."""
    name = normalise_tag(tag)
    if name is None:
        raise NotFound("There is no such hashtag.")
    viewer = current_person(request)
    page = hashtag_feed(name, viewer, cursor=params.cursor, limit=params.limit, conversation=False)
    return PostPage(items=[PostOut.build(post) for post in page.items], next=page.next)


# --- Posts ----------------------------------------------------------------------------------


@router.post("/spaces/{slug}/posts", response={201: PostDetailOut, **WRITE_ERRORS}, summary="Post")
def post_create(request: HttpRequest, slug: str, payload: PostCreateIn) -> Status[PostDetailOut]:
    """Post in a space whose ground rules I have accepted, in a kind it takes."""
    viewer = current_person(request)
    space = _space(viewer, slug)
    with _api_fields(POST_FIELDS):
        post = _create(space, viewer, payload)
    # As in the composer: the post is done with my server draft of it (GET /drafts).
    do_discard_drafts_of_post(space, actor=viewer, kind=post.kind)
    post.space = space
    return Status(201, _detail(post, viewer))


def _create(space: Space, viewer: Person, payload: PostCreateIn) -> Post:
    if payload.kind == PostKind.POLL:
        if payload.poll is None:
            raise InvalidInput("A poll needs its options: send them in `poll`.", field="poll")
        settings = payload.poll
        return poll_part().create(
            space,
            actor=viewer,
            question=payload.title,
            body=payload.body,
            options=settings.options,
            multiple=settings.multiple,
            anonymous=settings.anonymous,
            closes_at=settings.closes_at,
            results_shown=settings.results_shown,
        )
    if payload.poll is not None:
        raise InvalidInput('Only a post of kind "poll" has a poll.', field="poll")
    return actions.do_create_post(
        space,
        actor=viewer,
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        link_url=payload.link_url,
        anonymous=payload.anonymous,
        attachments=payload.attachments,
        alt_texts=payload.alt_texts,
    )


@router.get("/posts/{post_id}", response={200: PostDetailOut, **READ_ERRORS}, summary="A post")
def post_detail(request: HttpRequest, post_id: Path[Id]) -> PostDetailOut:
    """Reading a post marks it read for a member; `unread` and `new_comments` in the answer say
    what was new before this read."""
    viewer, post = _post(request, post_id)
    detail = _detail(post, viewer)
    actions.do_mark_read(post, actor=viewer)
    return detail


@router.patch(
    "/posts/{post_id}", response={200: PostDetailOut, **WRITE_ERRORS}, summary="Edit a post"
)
def post_edit(request: HttpRequest, post_id: Path[Id], payload: PostUpdateIn) -> PostDetailOut:
    """The author changes the fields sent, text and files together (all or nothing); the
    previous version is kept for moderators."""
    viewer, post = _post(request, post_id)
    fields = payload.model_dump(exclude_unset=True)
    ids, alt_texts = fields.pop("attachments", None), fields.pop("alt_texts", None)
    if ids is None and alt_texts is not None:
        raise InvalidInput(
            "Send the alt texts with `attachments`, the post's whole list of files.",
            field="alt_texts",
        )
    with _api_fields(POST_FIELDS):
        files = None if ids is None else wanted_files(ids, alt_texts or [])
        actions.do_edit_post(post, actor=viewer, files=files, **fields)
    return _detail(post, viewer)


@router.delete(
    "/posts/{post_id}", response={200: PostDetailOut, **WRITE_ERRORS}, summary="Remove a post"
)
def post_remove(request: HttpRequest, post_id: Path[Id]) -> PostDetailOut:
    """Its author or a moderator removes a post; the thread stays readable."""
    viewer, post = _post(request, post_id)
    actions.do_remove_post(post, actor=viewer)
    return _detail(post, viewer)


@router.post(
    "/posts/{post_id}/accept",
    response={200: PostDetailOut, **WRITE_ERRORS},
    summary="Accept an answer",
)
def post_accept(request: HttpRequest, post_id: Path[Id], payload: AcceptIn) -> PostDetailOut:
    """The asker or a moderator marks one answer as accepted; null takes it back."""
    viewer, post = _post(request, post_id)
    answer = None
    if payload.answer is not None:
        answer = _related_comment(viewer, payload.answer, "answer")
    actions.do_accept_answer(post, answer, actor=viewer)
    return _detail(post, viewer)


# --- Moderation -----------------------------------------------------------------------------


@router.post("/posts/{post_id}/hide", response={200: PostDetailOut, **WRITE_ERRORS}, summary="Hide")
def post_hide(request: HttpRequest, post_id: Path[Id], payload: HideIn) -> PostDetailOut:
    """A moderator hides a post with a reason that its author is shown."""
    viewer, post = _post(request, post_id)
    actions.do_hide_post(post, actor=viewer, reason=payload.reason)
    return _detail(post, viewer)


@router.post(
    "/posts/{post_id}/restore", response={200: PostDetailOut, **WRITE_ERRORS}, summary="Restore"
)
def post_restore(request: HttpRequest, post_id: Path[Id]) -> PostDetailOut:
    viewer, post = _post(request, post_id)
    actions.do_restore_post(post, actor=viewer)
    return _detail(post, viewer)


def _pin(request: HttpRequest, post_id: int, *, pinned: bool) -> PostDetailOut:
    viewer, post = _post(request, post_id)
    actions.do_set_pinned(post, pinned, actor=viewer)
    return _detail(post, viewer)


def _lock(request: HttpRequest, post_id: int, *, locked: bool) -> PostDetailOut:
    viewer, post = _post(request, post_id)
    actions.do_set_locked(post, locked, actor=viewer)
    return _detail(post, viewer)


@router.post("/posts/{post_id}/pin", response={200: PostDetailOut, **WRITE_ERRORS}, summary="Pin")
def post_pin(request: HttpRequest, post_id: Path[Id]) -> PostDetailOut:
    return _pin(request, post_id, pinned=True)


@router.post(
    "/posts/{post_id}/unpin", response={200: PostDetailOut, **WRITE_ERRORS}, summary="Unpin"
)
def post_unpin(request: HttpRequest, post_id: Path[Id]) -> PostDetailOut:
    return _pin(request, post_id, pinned=False)


@router.post("/posts/{post_id}/lock", response={200: PostDetailOut, **WRITE_ERRORS}, summary="Lock")
def post_lock(request: HttpRequest, post_id: Path[Id]) -> PostDetailOut:
    """No new comments, except from moderators."""
    return _lock(request, post_id, locked=True)


@router.post(
    "/posts/{post_id}/unlock", response={200: PostDetailOut, **WRITE_ERRORS}, summary="Unlock"
)
def post_unlock(request: HttpRequest, post_id: Path[Id]) -> PostDetailOut:
    return _lock(request, post_id, locked=False)


@router.post(
    "/posts/{post_id}/reveal-asker",
    response={200: AskerOut, **WRITE_ERRORS},
    summary="Reveal who asked",
)
def post_reveal_asker(request: HttpRequest, post_id: Path[Id], payload: RevealIn) -> AskerOut:
    """Organisation admins, for abuse handling: the reason is kept in the audit log and the
    asker is told."""
    viewer, post = _post(request, post_id)
    asker = actions.do_reveal_asker(post, actor=viewer, reason=payload.reason)
    return AskerOut(id=asker.pk, display_name=asker.display_name, email=asker.email)


# --- Comments -------------------------------------------------------------------------------


@router.get(
    "/posts/{post_id}/comments", response={200: CommentPage, **READ_ERRORS}, summary="Comments"
)
def comment_list(request: HttpRequest, post_id: Path[Id], params: Query[PageParams]) -> CommentPage:
    """Top-level comments (on a question: the answers, accepted first, then by votes) with
    their replies."""
    viewer, post = _post(request, post_id)
    thread = post_thread(post, viewer, cursor=params.cursor, limit=params.limit)
    accepted = post.accepted_answer_id
    return CommentPage(
        items=[
            CommentOut.build(comment, accepted=accepted, my_votes=thread.my_votes)
            for comment in thread.comments
        ],
        next=thread.next,
    )


@router.post(
    "/posts/{post_id}/comments", response={201: CommentOut, **WRITE_ERRORS}, summary="Comment"
)
def comment_create(
    request: HttpRequest, post_id: Path[Id], payload: CommentCreateIn
) -> Status[CommentOut]:
    """Comment, answer a question, or reply to a comment (`parent`)."""
    viewer, post = _post(request, post_id)
    parent = None
    if payload.parent is not None:
        parent = _related_comment(viewer, payload.parent, "parent")
    with _api_fields(COMMENT_FIELDS):
        comment = actions.do_comment(post, actor=viewer, body=payload.body, parent=parent)
    comment.post = post
    return Status(201, _comment_out(comment, viewer))


@router.patch(
    "/comments/{comment_id}", response={200: CommentOut, **WRITE_ERRORS}, summary="Edit a comment"
)
def comment_edit(
    request: HttpRequest, comment_id: Path[Id], payload: CommentUpdateIn
) -> CommentOut:
    viewer, comment = _comment(request, comment_id)
    with _api_fields(COMMENT_FIELDS):
        actions.do_edit_comment(comment, actor=viewer, body=payload.body)
    return _comment_out(comment, viewer)


@router.delete(
    "/comments/{comment_id}",
    response={200: CommentOut, **WRITE_ERRORS},
    summary="Remove a comment",
)
def comment_remove(request: HttpRequest, comment_id: Path[Id]) -> CommentOut:
    """Its author or a moderator removes a comment; it stays as a placeholder."""
    viewer, comment = _comment(request, comment_id)
    actions.do_remove_comment(comment, actor=viewer)
    return _comment_out(comment, viewer)


@router.post(
    "/comments/{comment_id}/hide", response={200: CommentOut, **WRITE_ERRORS},
    summary="Hide a comment",
)  # fmt: skip
def comment_hide(request: HttpRequest, comment_id: Path[Id], payload: HideIn) -> CommentOut:
    """A moderator hides a comment with a reason that its author is shown."""
    viewer, comment = _comment(request, comment_id)
    actions.do_hide_comment(comment, actor=viewer, reason=payload.reason)
    return _comment_out(comment, viewer)


@router.post(
    "/comments/{comment_id}/restore", response={200: CommentOut, **WRITE_ERRORS},
    summary="Restore a comment",
)  # fmt: skip
def comment_restore(request: HttpRequest, comment_id: Path[Id]) -> CommentOut:
    """A moderator shows a hidden comment again (not one its author removed)."""
    viewer, comment = _comment(request, comment_id)
    actions.do_restore_comment(comment, actor=viewer)
    return _comment_out(comment, viewer)


# --- Votes and reactions --------------------------------------------------------------------


def _vote(request: HttpRequest, comment_id: int, *, up: bool) -> VoteOut:
    viewer, comment = _comment(request, comment_id)
    actions.do_vote(comment, actor=viewer, up=up)
    return VoteOut(comment=comment.pk, vote_count=comment.vote_count, my_vote=up)


@router.post(
    "/comments/{comment_id}/vote", response={200: VoteOut, **WRITE_ERRORS}, summary="Vote up"
)
def vote_up(request: HttpRequest, comment_id: Path[Id]) -> VoteOut:
    """Vote an answer up (once; voting again changes nothing)."""
    return _vote(request, comment_id, up=True)


@router.delete(
    "/comments/{comment_id}/vote", response={200: VoteOut, **WRITE_ERRORS}, summary="Unvote"
)
def vote_down(request: HttpRequest, comment_id: Path[Id]) -> VoteOut:
    """Take my vote back."""
    return _vote(request, comment_id, up=False)


@router.post(
    "/posts/{post_id}/reactions/{kind}",
    response={200: ReactionOut, **WRITE_ERRORS},
    summary="React to a post",
)
def post_react(request: HttpRequest, post_id: Path[Id], kind: ReactionKind) -> ReactionOut:
    viewer, post = _post(request, post_id)
    return ReactionOut(kind=kind, on=actions.do_react(actor=viewer, kind=kind, post=post))


@router.delete(
    "/posts/{post_id}/reactions/{kind}",
    response={200: ReactionOut, **WRITE_ERRORS},
    summary="Take back a reaction to a post",
)
def post_unreact(request: HttpRequest, post_id: Path[Id], kind: ReactionKind) -> ReactionOut:
    viewer, post = _post(request, post_id)
    on = actions.do_react(actor=viewer, kind=kind, post=post, on=False)
    return ReactionOut(kind=kind, on=on)


@router.post(
    "/comments/{comment_id}/reactions/{kind}",
    response={200: ReactionOut, **WRITE_ERRORS},
    summary="React to a comment",
)
def comment_react(request: HttpRequest, comment_id: Path[Id], kind: ReactionKind) -> ReactionOut:
    viewer, comment = _comment(request, comment_id)
    return ReactionOut(kind=kind, on=actions.do_react(actor=viewer, kind=kind, comment=comment))


@router.delete(
    "/comments/{comment_id}/reactions/{kind}",
    response={200: ReactionOut, **WRITE_ERRORS},
    summary="Take back a reaction to a comment",
)
def comment_unreact(request: HttpRequest, comment_id: Path[Id], kind: ReactionKind) -> ReactionOut:
    viewer, comment = _comment(request, comment_id)
    on = actions.do_react(actor=viewer, kind=kind, comment=comment, on=False)
    return ReactionOut(kind=kind, on=on)


# --- Mentions -------------------------------------------------------------------------------


class MentionSuggestionOut(Schema):
    handle: str = Field(description="Write it after `@` to mention the person.")
    name: str


@router.get(
    "/spaces/{slug}/mention-suggestions",
    response={200: list[MentionSuggestionOut], **errors(400, 401, 403, 404, 422)},
    summary="People to mention",
)
def mention_suggestion_list(
    request: HttpRequest, slug: str, q: str = ""
) -> list[MentionSuggestionOut]:
    """At most 8 active members of the space whose name contains `q` or whose handle (the part
    of their e-mail address before `@`) starts with it: those an `@handle` would mention.
    For members and organisation admins of the space."""
    viewer = current_person(request)
    space = _space(viewer, slug)
    check_can_view_content(viewer, space)
    return [
        MentionSuggestionOut(handle=found.handle, name=found.name)
        for found in mention_suggestions(space, q)
    ]
