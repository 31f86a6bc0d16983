"""Writing a new post in a space, and editing one's own post."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from afterclass.attachments.actions import do_discard_uploads, do_upload
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed
from afterclass.posts.access import can_moderate_space, check_can_edit
from afterclass.posts.actions import do_create_post, do_edit_post
from afterclass.posts.forms import (
    PICTURE_SLOTS,
    EditPostForm,
    PostForm,
    show_action_error,
    writable_kinds,
)
from afterclass.posts.models import Post, PostKind
from afterclass.posts.views import back_to_post, load_post
from afterclass.spaces.access import access_space, check_can_participate, check_can_view_content
from afterclass.spaces.views import SignedInRequest, space_context


@login_required
@require_http_methods(["GET", "POST"])
def create(request: SignedInRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    check_can_view_content(request.user, space)
    kinds = writable_kinds(space, moderator=can_moderate_space(request.user, space))
    posted = request.method == "POST"
    wanted = (request.POST if posted else request.GET).get("kind", "")
    kind = wanted if wanted in kinds else (kinds[0] if kinds else "")
    slots = _slots((request.POST if posted else request.GET).get("slots"))
    form = PostForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        space=space,
        kinds=kinds,
        kind=kind,
        slots=slots,
    )
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            uploads: list[int] = []
            try:
                alt_texts = []
                for field, upload, alt_text in form.files_to_upload():
                    try:
                        uploads.append(do_upload(upload, actor=request.user).pk)
                    except InvalidInput as error:
                        error.field = field
                        raise
                    alt_texts.append(alt_text)
                post = do_create_post(
                    space,
                    actor=request.user,
                    kind=data["kind"],
                    title=data["title"] if form.shows_title else "",
                    body=data["body"],
                    link_url=data["link_url"] if form.shows_link else "",
                    anonymous=data["anonymous"],
                    attachments=uploads,
                    alt_texts=alt_texts,
                )
            except (InvalidInput, Conflict, NotAllowed) as error:
                # The post was not written: its uploads are not kept. Shown on the form, so
                # that what the person wrote is not lost (files must be chosen again).
                do_discard_uploads(uploads, actor=request.user)
                show_action_error(form, error)
                status = error.status
            else:
                messages.success(request, "Your post is up.")
                return redirect("post-detail", post.pk)
    context = space_context(request, space, "new-post")
    refusal = None
    try:
        check_can_participate(request.user, space)
    except NotAllowed as error:
        refusal = error.message
    context.update(
        form=form,
        kinds=[(value, PostKind(value).label) for value in kinds],
        kind=kind,
        refusal=refusal,
        slots=form.slots,
    )
    return render(request, "posts/new.html", context, status=status)


def _slots(value: str | None) -> int:
    """How many picture slots an image post's form shows (a plain number, clamped)."""
    try:
        return int(value or PICTURE_SLOTS)
    except ValueError:
        return PICTURE_SLOTS


def _edit_page(
    request: SignedInRequest, post: Post, form: EditPostForm, status: int = 200
) -> HttpResponse:
    return render(request, "posts/edit.html", {"post": post, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: SignedInRequest, post_id: int) -> HttpResponse:
    post = load_post(request, post_id)
    check_can_edit(request.user, post.author_id, post.state)
    if request.method != "POST":
        initial = {"title": post.title, "body": post.body, "link_url": post.link_url}
        return _edit_page(request, post, EditPostForm(initial=initial, kind=post.kind))
    form = EditPostForm(request.POST, kind=post.kind)
    if not form.is_valid():
        return _edit_page(request, post, form, status=400)
    data = form.cleaned_data
    try:
        do_edit_post(
            post,
            actor=request.user,
            title=data.get("title"),
            body=data["body"],
            link_url=data.get("link_url"),
        )
    except (InvalidInput, Conflict) as error:
        show_action_error(form, error)
        return _edit_page(request, load_post(request, post_id), form, status=error.status)
    messages.success(request, "Your changes are saved.")
    return back_to_post(post)
