"""Moderators' controls on a post (hide with a reason, restore, pin, lock) and on a comment
(hide with a reason, restore); an organisation admin's reveal of who asked an anonymous
question."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from afterclass.core.errors import Conflict, InvalidInput
from afterclass.core.http import SignedInRequest
from afterclass.core.updates import announce
from afterclass.posts.access import (
    access_comment,
    check_can_moderate_post,
    check_can_reveal_asker,
)
from afterclass.posts.actions import (
    do_hide_comment,
    do_hide_post,
    do_restore_comment,
    do_restore_post,
    do_reveal_asker,
    do_set_locked,
    do_set_pinned,
)
from afterclass.posts.forms import HideForm, RevealAskerForm, SwitchForm, show_action_error
from afterclass.posts.models import Comment, Post
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


# The page's script closes the reveal <dialog> when this event comes with the answer.
DIALOG_DONE_EVENT = "afterclass-dialog-done"


@login_required
@require_http_methods(["GET", "POST"])
def reveal_asker(request: SignedInRequest, post_id: int) -> HttpResponse:
    """An organisation admin sees who asked an anonymous question, after writing why
    (do_reveal_asker: audited, the asker told). The post page asks for the reason in a <dialog>
    and shows the name in place (htmx); without JavaScript this page asks and shows it. The
    name is in this answer only, to the admin who asked: nobody else's page changes."""
    post = load_post(request, post_id)
    # The same refusals as do_reveal_asker, before a form is shown.
    check_can_reveal_asker(request.user, post)
    form = RevealAskerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            asker = do_reveal_asker(post, actor=request.user, reason=form.cleaned_data["reason"])
        except InvalidInput as error:
            show_action_error(form, error)
        else:
            return _revealed(request, post, asker.display_name or asker.email, asker.email)
    context = {"post": post, "space": post.space, "form": form}
    if request.htmx:
        # The form again in the dialog, with its errors: a 200, as htmx swaps no 4xx answer.
        context["in_dialog"] = True
        response = render(request, "posts/reveal_asker.html#reveal-form", context)
        response = reswap(retarget(response, "#reveal-asker-form"), "outerHTML")
        said = " ".join(str(message) for messages in form.errors.values() for message in messages)
        return announce(response, said, focus="#reveal-reason")
    return render(request, "posts/reveal_asker.html", context, status=400 if form.errors else 200)


def _revealed(request: SignedInRequest, post: Post, name: str, email: str) -> HttpResponse:
    context = {"post": post, "space": post.space, "asker_name": name, "asker_email": email}
    if not request.htmx:
        return render(request, "posts/reveal_asker.html", context)
    response = render(request, "posts/reveal_asker.html#revealed", context)
    response = reswap(retarget(response, "#revealed-asker"), "outerHTML")
    response = trigger_client_event(response, DIALOG_DONE_EVENT, {}, after="swap")
    return announce(response, f"Asked by {name}.", focus="#revealed-asker")


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
