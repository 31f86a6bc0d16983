"""What an open page fetches when a live event (afterclass.live) says something is new: the posts
of a space feed, or the comments of a post, written after the newest one the page shows
(`after=<id>`). Posts' pages, so posts' views: live only says that something happened.

Events carry no content; these views are where the content comes from, through the same access
functions, queries (anonymity included: posts.queries.present) and templates as the pages, with
the viewer's own permissions. Something the viewer may not see is simply not there; a space or
post they may not see is a 404, as its page is. Nothing new answers 204 No Content.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from afterclass.core.errors import InvalidInput, NotFound
from afterclass.core.http import SignedInRequest
from afterclass.posts.forms import FeedFilterForm
from afterclass.posts.models import Comment, ContentState, Post, PostKind
from afterclass.posts.queries import (
    present,
    # The thread's own selection and presentation of comments: reused, not copied.
    present_comments,
    present_one,
    thread_comments,
)
from afterclass.posts.views import load_post
from afterclass.posts.views.thread import thread_context
from afterclass.spaces.access import access_space, can_view_content

# A page that was away for longer catches up by being reloaded (the answer says so).
CATCH_UP_LIMIT = 20
NOT_FOUND = "There is no such page, or you cannot see it."


def _after(request: SignedInRequest) -> int:
    raw = request.GET.get("after", "0").strip()
    if not raw.isdigit() or len(raw) > 18:
        raise InvalidInput(
            "“after” must be the id of the newest item the page shows.", field="after"
        )
    return int(raw)


@login_required
@require_GET
def space_posts(request: SignedInRequest, slug: str) -> HttpResponse:
    """The feed's posts newer than `after`, newest first, with the feed's own filters."""
    after = _after(request)
    space = access_space(request.user, slug)
    if not can_view_content(request.user, space):
        raise NotFound(NOT_FOUND)
    query = FeedFilterForm(request.GET, space=space).query()
    posts = Post.objects.visible_to(request.user).filter(
        space=space, state=ContentState.VISIBLE, pk__gt=after
    )
    if query["kind"]:
        posts = posts.filter(kind=query["kind"])
    if query["unanswered"]:
        posts = posts.filter(kind=PostKind.QUESTION, answer_count=0)
    found = list(posts.for_list().order_by("-id")[: CATCH_UP_LIMIT + 1])
    if not found:
        return HttpResponse(status=204)
    shown = present(found[:CATCH_UP_LIMIT], request.user, conversation=True)
    context: dict[str, Any] = {
        "space": space,
        "posts": shown,
        "more": len(found) > CATCH_UP_LIMIT,
    }
    return render(request, "posts/live_posts.html", context)


@login_required
@require_GET
def post_comments(request: SignedInRequest, post_id: int) -> HttpResponse:
    """The post's comments and replies newer than `after`, as its page shows them: a new
    comment comes with its replies; a new reply to an older comment comes on its own."""
    after = _after(request)
    post = load_post(request, post_id)
    seen = present_one(post, request.user)
    visible = thread_comments(post, request.user).filter(pk__gt=after).order_by("id")
    top: list[Comment] = list(visible.filter(parent__isnull=True)[: CATCH_UP_LIMIT + 1])
    replies: list[Comment] = list(
        visible.filter(parent__isnull=False, parent_id__lte=after)[: CATCH_UP_LIMIT + 1]
    )
    if not top and not replies:
        return HttpResponse(status=204)
    more = len(top) > CATCH_UP_LIMIT or len(replies) > CATCH_UP_LIMIT
    top, replies = top[:CATCH_UP_LIMIT], replies[:CATCH_UP_LIMIT]
    thread = present_comments(post, seen, request.user, top + replies)
    context = thread_context(request, post, thread)
    shown = thread.comments  # in the order given: the new comments, then the new replies
    context.update(top=shown[: len(top)], replies=shown[len(top) :], more=more)
    return render(request, "posts/live_comments.html", context)
