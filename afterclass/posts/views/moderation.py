"""Moderators' controls on a post (hide with a reason, restore, pin, lock) and on a comment
(hide with a reason, restore)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_POST

from afterclass.core.errors import Conflict, InvalidInput
from afterclass.core.http import SignedInRequest
from afterclass.posts.access import access_comment, check_can_moderate_post
from afterclass.posts.actions import (
    do_hide_comment,
    do_hide_post,
    do_restore_comment,
    do_restore_post,
    do_set_locked,
    do_set_pinned,
)
from afterclass.posts.forms import HideForm, SwitchForm
from afterclass.posts.models import Comment
from afterclass.posts.views import back_to_post, load_post
from afterclass.posts.views.thread import comment_in_place


@login_required
@require_POST
def hide(request: SignedInRequest, post_id: int) -> HttpResponse:
    post = load_post(request, post_id)
    check_can_moderate_post(request.user, post)
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the post is hidden: its author will read it.")
        return back_to_post(post, "moderation")
    try:
        do_hide_post(post, actor=request.user, reason=form.cleaned_data["reason"])
    except (InvalidInput, Conflict) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The post is hidden. Its author sees why.")
    return back_to_post(post)


@login_required
@require_POST
def restore(request: SignedInRequest, post_id: int) -> HttpResponse:
    post = load_post(request, post_id)
    try:
        do_restore_post(post, actor=request.user)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The post is visible again.")
    return back_to_post(post)


@login_required
@require_POST
def pin(request: SignedInRequest, post_id: int) -> HttpResponse:
    post = load_post(request, post_id)
    form = SwitchForm(request.POST)
    form.is_valid()
    pinned = bool(form.cleaned_data.get("on"))
    do_set_pinned(post, pinned, actor=request.user)
    messages.success(
        request,
        "The post is pinned to the top of the space." if pinned else "The post is unpinned.",
    )
    return back_to_post(post)


@login_required
@require_POST
def lock(request: SignedInRequest, post_id: int) -> HttpResponse:
    post = load_post(request, post_id)
    form = SwitchForm(request.POST)
    form.is_valid()
    locked = bool(form.cleaned_data.get("on"))
    do_set_locked(post, locked, actor=request.user)
    messages.success(
        request,
        "The thread is locked: no new comments." if locked else "The thread takes comments again.",
    )
    return back_to_post(post)


def _load_comment(request: SignedInRequest, comment_id: int) -> Comment:
    found = access_comment(request.user, comment_id)
    found.post = load_post(request, found.post_id)
    return found


def _comment_refused(request: SignedInRequest, found: Comment, message: str) -> HttpResponse:
    """Why the comment was not changed: beside it (htmx), or as a message on the page."""
    if request.htmx:
        return comment_in_place(request, found.post, found.pk, error=message)
    messages.error(request, message)
    return back_to_post(found.post, f"comment-{found.pk}")


@login_required
@require_POST
def hide_comment(request: SignedInRequest, comment_id: int) -> HttpResponse:
    found = _load_comment(request, comment_id)
    check_can_moderate_post(request.user, found.post)
    form = HideForm(request.POST)
    if not form.is_valid():
        return _comment_refused(
            request, found, "Say why the comment is hidden: its author will read it."
        )
    try:
        do_hide_comment(found, actor=request.user, reason=form.cleaned_data["reason"])
    except (InvalidInput, Conflict) as error:
        return _comment_refused(request, found, error.message)
    if request.htmx:
        return comment_in_place(request, found.post, found.pk)
    messages.success(request, "The comment is hidden. Its author sees why.")
    return back_to_post(found.post, f"comment-{found.pk}")


@login_required
@require_POST
def restore_comment(request: SignedInRequest, comment_id: int) -> HttpResponse:
    found = _load_comment(request, comment_id)
    try:
        do_restore_comment(found, actor=request.user)
    except Conflict as error:
        return _comment_refused(request, found, error.message)
    if request.htmx:
        return comment_in_place(request, found.post, found.pk)
    messages.success(request, "The comment is visible again.")
    return back_to_post(found.post, f"comment-{found.pk}")
