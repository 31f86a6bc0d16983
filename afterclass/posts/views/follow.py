"""One person's choices about a post, toggled in place from its page (htmx, focus kept on the
pressed button; without JavaScript a POST that redirects back): save it, follow or mute its
thread, say "I have read this"; who has read an announcement, for its space's moderators; and
the Top, Following and Saved feeds."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_GET, require_POST

from afterclass.core.errors import InvalidInput, NotAllowed, NotFound
from afterclass.core.http import SignedInRequest, next_url, page_or_partial
from afterclass.core.updates import announce
from afterclass.posts.access import check_can_see_acknowledgements
from afterclass.posts.feeds_more import (
    TOP_PERIODS,
    acknowledgements,
    following_feed,
    readers,
    saved_feed,
    thread_controls,
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
)
from afterclass.posts.forms import SwitchForm
from afterclass.posts.models import Post
from afterclass.posts.presentation import headline
from afterclass.posts.views import back_to_post, load_post

# What each "state" a follow button sends does, and what a screen reader hears after it.
THREAD_CHOICES = {
    "follow": (do_follow, "You follow this thread: you will hear about new comments."),
    "unfollow": (do_unfollow, "You no longer follow this thread."),
    "mute": (do_mute, "Thread muted: you hear about it only when someone mentions you."),
    "unmute": (do_unmute, "Thread no longer muted."),
}


def _controls(request: SignedInRequest, post: Post, message: str) -> HttpResponse:
    """The controls again (htmx), or back to the post's page."""
    if not request.htmx:
        messages.success(request, message)
        return back_to_post(post)
    context = {"controls": thread_controls(post, request.user)}
    return announce(render(request, "posts/_thread_controls.html", context), message)


@login_required
@require_POST
def save(request: SignedInRequest, post_id: int) -> HttpResponse:
    post = load_post(request, post_id)
    form = SwitchForm(request.POST)
    on = form.is_valid() and form.cleaned_data["on"]
    if on:
        do_save(post, actor=request.user)
    else:
        do_unsave(post, actor=request.user)
    return _controls(request, post, "Saved for later." if on else "Taken off your saved posts.")


@login_required
@require_POST
def follow(request: SignedInRequest, post_id: int) -> HttpResponse:
    post = load_post(request, post_id)
    choice = THREAD_CHOICES.get(str(request.POST.get("choice", "")))
    if choice is None:
        messages.error(request, "Choose follow, unfollow, mute or unmute.")
        return back_to_post(post)
    act, message = choice
    act(post, actor=request.user)
    return _controls(request, post, message)


@login_required
@require_POST
def acknowledge(request: SignedInRequest, post_id: int) -> HttpResponse:
    post = load_post(request, post_id)
    try:
        do_acknowledge(post, actor=request.user)
    except (InvalidInput, NotAllowed) as error:
        if not request.htmx:
            messages.error(request, error.message)
            return back_to_post(post)
        return _controls(request, post, str(error.message))
    return _controls(request, post, "Thank you: the owners see that you have read this.")


CURSOR = re.compile(r"[A-Za-z0-9_-]{1,200}")


@login_required
@require_GET
def acknowledgement_list(request: SignedInRequest, post_id: int) -> HttpResponse:
    """Who has read an announcement and who has not: for the space's owners and moderators.
    Each list shows its first hundred names; "Show more" (`list` and `after`) brings the next
    ones (htmx: appended in place; without JavaScript: a page of that list alone)."""
    post = load_post(request, post_id)
    check_can_see_acknowledgements(request.user, post)
    if not post.asks_acknowledgement:
        raise NotFound("This post does not ask to be acknowledged.")
    context: dict[str, Any] = {"post_id": post.pk, "title": headline(post), "space": post.space}
    which = request.GET.get("list")
    if which is None:
        return render(
            request, "posts/acknowledgements.html", {**context, "readers": acknowledgements(post)}
        )
    if which not in ("read", "not_read"):
        raise InvalidInput("Choose the list of those who have read it or have not.", field="list")
    after = request.GET.get("after") or None
    if after is not None and not CURSOR.fullmatch(after):
        raise InvalidInput("This page link is not valid.", field="after")
    more = readers(post, read=which == "read", cursor=after)
    context.update(which=which, more=more, page_start=after)
    if not request.htmx:
        return render(request, "posts/acknowledgements.html", context)
    response = render(request, "posts/acknowledgements.html#more", context)
    said = f"{len(more.people)} more name{pluralize(len(more.people))}."
    # The cursor is base64url (checked above): safe in a selector.
    return announce(response, said, focus=f'[id="readers-{which}-{after}"]' if after else "")


def _feed(request: SignedInRequest, current: str, page: Any, **extra: Any) -> HttpResponse:
    context = {
        "page": page,
        "next_url": next_url(request, page.next),
        "current": current,
        "with_space": True,
        **extra,
    }
    return page_or_partial(request, "posts/feed.html", "post-page", context)


@login_required
@require_GET
def top(request: SignedInRequest) -> HttpResponse:
    period = request.GET.get("period", "week")
    if period not in TOP_PERIODS:
        period = "week"
    page = top_feed(request.user, period=period, cursor=request.GET.get("cursor"))
    return _feed(request, "top", page, period=period)


@login_required
@require_GET
def following(request: SignedInRequest) -> HttpResponse:
    page = following_feed(request.user, cursor=request.GET.get("cursor"))
    return _feed(request, "following", page)


@login_required
@require_GET
def saved(request: SignedInRequest) -> HttpResponse:
    page = saved_feed(request.user, cursor=request.GET.get("cursor"))
    return _feed(request, "saved", page)
