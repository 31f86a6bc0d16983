"""Posts API: save a post, follow or mute its thread, acknowledge an announcement (PUT to set,
DELETE to take back; both idempotent), who has read an announcement (its space's moderators),
and the Top, Following and Saved feeds. Posts are loaded with `access_post` (404 for anything
the caller may not see) and changed through posts.follow, as the pages do."""

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from afterclass.core.api import Id, PageParams, current_person, errors
from afterclass.core.pagination import MAX_LIMIT
from afterclass.people.models import Person
from afterclass.posts.access import access_post, check_can_see_acknowledgements
from afterclass.posts.feeds_more import (
    READERS_PAGE,
    TOP_PERIODS,
    Readers,
    acknowledgement_counts,
    following_feed,
    readers,
    saved_feed,
    top_feed,
)
from afterclass.posts.follow import (
    do_acknowledge,
    do_follow,
    do_mute,
    do_save,
    do_unfollow,
    do_unmute,
    do_unsave,
    thread_state,
)
from afterclass.posts.models import Post, ThreadState
from afterclass.posts.queries import FeedPage
from afterclass.posts.schemas import PostOut, PostPage
from afterclass.spaces.access import access_space

router = Router(tags=["posts"])

WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(400, 401, 403, 404, 422)


class SavedOut(Schema):
    saved: bool


class ThreadStateOut(Schema):
    state: ThreadState


class AcknowledgedOut(Schema):
    acknowledged: bool


class ReaderOut(Schema):
    name: str
    read_at: str | None


class AcknowledgementsOut(Schema):
    asks: bool = Field(description="Whether the post asks to be acknowledged (else both empty).")
    members: int = Field(description="The space's active members.")
    read_count: int = Field(description="How many of them have said they read it.")
    read: list[ReaderOut] = Field(description="A page of those who have, by name.")
    read_next: str | None = Field(description="`read_cursor` of the next page of `read`.")
    not_read: list[ReaderOut] = Field(description="A page of those who have not, by name.")
    not_read_next: str | None = Field(description="`not_read_cursor` of the next page.")


class ReadersParams(Schema):
    read_cursor: str | None = None
    not_read_cursor: str | None = None
    limit: int = Field(READERS_PAGE, ge=1, le=MAX_LIMIT)


class TopParams(PageParams):
    period: Literal["week", "month"] = "week"


def _post(request: HttpRequest, post_id: int) -> tuple[Person, Post]:
    viewer = current_person(request)
    post = access_post(viewer, post_id)
    post.space = access_space(viewer, post.space.slug)  # the viewer's membership, annotated
    return viewer, post


def _page(page: FeedPage) -> PostPage:
    return PostPage(items=[PostOut.build(post) for post in page.items], next=page.next)


@router.put("/posts/{post_id}/save", response={200: SavedOut, **WRITE_ERRORS}, summary="Save")
def post_save(request: HttpRequest, post_id: Path[Id]) -> SavedOut:
    """Save the post for later (saving again changes nothing)."""
    viewer, post = _post(request, post_id)
    return SavedOut(saved=do_save(post, actor=viewer))


@router.delete("/posts/{post_id}/save", response={200: SavedOut, **WRITE_ERRORS}, summary="Unsave")
def post_unsave(request: HttpRequest, post_id: Path[Id]) -> SavedOut:
    viewer, post = _post(request, post_id)
    return SavedOut(saved=do_unsave(post, actor=viewer))


@router.put(
    "/posts/{post_id}/follow", response={200: ThreadStateOut, **WRITE_ERRORS}, summary="Follow"
)
def post_follow(request: HttpRequest, post_id: Path[Id]) -> ThreadStateOut:
    """Be told of every new comment (and no longer muted)."""
    viewer, post = _post(request, post_id)
    return ThreadStateOut(state=ThreadState(do_follow(post, actor=viewer)))


@router.delete(
    "/posts/{post_id}/follow", response={200: ThreadStateOut, **WRITE_ERRORS}, summary="Unfollow"
)
def post_unfollow(request: HttpRequest, post_id: Path[Id]) -> ThreadStateOut:
    viewer, post = _post(request, post_id)
    return ThreadStateOut(state=ThreadState(do_unfollow(post, actor=viewer)))


@router.put("/posts/{post_id}/mute", response={200: ThreadStateOut, **WRITE_ERRORS}, summary="Mute")
def post_mute(request: HttpRequest, post_id: Path[Id]) -> ThreadStateOut:
    """Be told nothing about the thread but mentions of me."""
    viewer, post = _post(request, post_id)
    return ThreadStateOut(state=ThreadState(do_mute(post, actor=viewer)))


@router.delete(
    "/posts/{post_id}/mute", response={200: ThreadStateOut, **WRITE_ERRORS}, summary="Unmute"
)
def post_unmute(request: HttpRequest, post_id: Path[Id]) -> ThreadStateOut:
    """Back to the default: the author follows their thread, others do not."""
    viewer, post = _post(request, post_id)
    return ThreadStateOut(state=ThreadState(do_unmute(post, actor=viewer)))


@router.get(
    "/posts/{post_id}/follow", response={200: ThreadStateOut, **READ_ERRORS}, summary="My state"
)
def post_follow_state(request: HttpRequest, post_id: Path[Id]) -> ThreadStateOut:
    viewer, post = _post(request, post_id)
    return ThreadStateOut(state=ThreadState(thread_state(post, viewer)))


@router.put(
    "/posts/{post_id}/acknowledge",
    response={200: AcknowledgedOut, **WRITE_ERRORS},
    summary="I have read this",
)
def post_acknowledge(request: HttpRequest, post_id: Path[Id]) -> AcknowledgedOut:
    """For members, on an announcement that asks for it (once)."""
    viewer, post = _post(request, post_id)
    return AcknowledgedOut(acknowledged=do_acknowledge(post, actor=viewer))


@router.get(
    "/posts/{post_id}/acknowledgements",
    response={200: AcknowledgementsOut, **READ_ERRORS},
    summary="Who has read an announcement",
)
def post_acknowledgements(
    request: HttpRequest, post_id: Path[Id], params: Query[ReadersParams]
) -> AcknowledgementsOut:
    """The space's active members who have and have not read it, a page of each by name (the
    `…_next` cursors give the next pages): for its moderators."""
    viewer, post = _post(request, post_id)
    check_can_see_acknowledgements(viewer, post)
    read_count, members = acknowledgement_counts(post)
    read = readers(post, read=True, cursor=params.read_cursor, limit=params.limit)
    not_read = readers(post, read=False, cursor=params.not_read_cursor, limit=params.limit)

    def out(page: Readers) -> list[ReaderOut]:
        return [
            ReaderOut(name=r.name, read_at=r.read_at.isoformat() if r.read_at else None)
            for r in page.people
        ]

    return AcknowledgementsOut(
        asks=post.asks_acknowledgement,
        members=members,
        read_count=read_count,
        read=out(read),
        read_next=read.next,
        not_read=out(not_read),
        not_read_next=not_read.next,
    )


@router.get("/feed/top", response={200: PostPage, **READ_ERRORS}, summary="Top posts")
def feed_top(request: HttpRequest, params: Query[TopParams]) -> PostPage:
    """The most helpful posts of my spaces this week (or month), newer ones weighing more."""
    period = params.period if params.period in TOP_PERIODS else "week"
    viewer = current_person(request)
    return _page(
        top_feed(
            viewer, period=period, cursor=params.cursor, limit=params.limit, conversation=False
        )
    )


@router.get("/feed/following", response={200: PostPage, **READ_ERRORS}, summary="Following")
def feed_following(request: HttpRequest, params: Query[PageParams]) -> PostPage:
    """Threads I follow, the most recently active first."""
    viewer = current_person(request)
    return _page(
        following_feed(viewer, cursor=params.cursor, limit=params.limit, conversation=False)
    )


@router.get("/feed/saved", response={200: PostPage, **READ_ERRORS}, summary="Saved posts")
def feed_saved(request: HttpRequest, params: Query[PageParams]) -> PostPage:
    """Posts I saved, the most recently saved first."""
    viewer = current_person(request)
    return _page(saved_feed(viewer, cursor=params.cursor, limit=params.limit, conversation=False))
