"""Writing a new post in a space, editing one's own post and its files, and the people the
editor offers after `@`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from afterclass.attachments.actions import do_discard_uploads, do_upload, max_upload_bytes
from afterclass.attachments.queries import waiting_uploads
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed
from afterclass.core.http import SignedInRequest
from afterclass.people.models import Person
from afterclass.posts.access import can_moderate_space, check_can_edit
from afterclass.posts.actions import do_create_post, do_edit_post
from afterclass.posts.drafts import do_discard_drafts_of_post
from afterclass.posts.files import files_of
from afterclass.posts.forms import (
    PICTURE_SLOTS,
    EditPostForm,
    PostForm,
    show_action_error,
    writable_kinds,
)
from afterclass.posts.models import Post, PostKind
from afterclass.posts.poll_part import poll_part
from afterclass.posts.suggestions import mention_suggestions
from afterclass.posts.views import back_to_post, load_post
from afterclass.spaces.access import access_space, check_can_participate, check_can_view_content
from afterclass.spaces.views import space_context


def _upload_context() -> dict[str, Any]:
    """What the drop zone tells compose.js: where to send files and the size limit."""
    return {"upload_url": reverse("api:upload"), "max_upload_bytes": max_upload_bytes()}


def _send_files(
    form: PostForm | EditPostForm, actor: Person, uploads: list[int]
) -> tuple[list[int], list[str]]:
    """Store the files sent with the form (the ids go into `uploads`, to discard them should the
    post not be written) and return every chosen file's id with its alt text, in order."""
    ids, alt_texts = [], []
    for field, upload, sent, alt_text in form.chosen_files():
        if upload is not None:
            try:
                sent = do_upload(upload, actor=actor).pk
            except InvalidInput as error:
                error.field = field
                raise
            uploads.append(sent)
        ids.append(int(sent or 0))
        alt_texts.append(alt_text)
    return ids, alt_texts


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
            # Only the files sent with this form are discarded on a refusal: those the script
            # sent ahead stay, shown again on the form, so they need not be chosen again.
            uploads: list[int] = []
            try:
                ids, alt_texts = _send_files(form, request.user, uploads)
                post = _create(form, request.user, ids, alt_texts)
            except (InvalidInput, Conflict, NotAllowed) as error:
                # The post was not written: its uploads are not kept. Shown on the form, so
                # that what the person wrote is not lost (files must be chosen again).
                do_discard_uploads(uploads, actor=request.user)
                show_action_error(form, error)
                status = error.status
            else:
                # Written here or in the composer, the post is done with its server draft.
                do_discard_drafts_of_post(form.space, actor=request.user, kind=post.kind)
                messages.success(request, "Your post is up.")
                return redirect("post-detail", post.pk)
    form.waiting = waiting_uploads(request.user, form.upload_ids())
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
        **_upload_context(),
    )
    return render(request, "posts/new.html", context, status=status)


def _create(form: PostForm, actor: Person, ids: list[int], alt_texts: list[str]) -> Post:
    """Write the post the form describes: a poll through the polls app (posts.poll_part), any
    other kind here."""
    data = form.cleaned_data
    if data["kind"] == PostKind.POLL:
        return poll_part().create(
            form.space,
            actor=actor,
            question=data["title"],
            body=data["body"],
            options=form.poll_options(),
            multiple=data["multiple"],
            anonymous=data["poll_anonymous"],
            closes_at=data["closes_at"],
            results_shown=data["results_shown"],
        )
    return do_create_post(
        form.space,
        actor=actor,
        kind=data["kind"],
        title=data["title"] if form.shows_title else "",
        body=data["body"],
        link_url=data["link_url"] if form.shows_link else "",
        anonymous=data["anonymous"],
        attachments=ids,
        alt_texts=alt_texts,
        asks_acknowledgement=bool(data.get("asks_acknowledgement")),
    )


def _slots(value: str | None) -> int:
    """How many picture slots an image post's form shows (a plain number, clamped)."""
    try:
        return int(value or PICTURE_SLOTS)
    except ValueError:
        return PICTURE_SLOTS


def _edit_page(
    request: SignedInRequest, post: Post, form: EditPostForm, status: int = 200
) -> HttpResponse:
    form.waiting = waiting_uploads(request.user, form.upload_ids())
    context = {"post": post, "form": form, **_upload_context()}
    return render(request, "posts/edit.html", context, status=status)


def _edit_form(request: SignedInRequest, post: Post, **kwargs: Any) -> EditPostForm:
    return EditPostForm(
        *([request.POST, request.FILES] if request.method == "POST" else []),
        kind=post.kind,
        attachments=files_of(post),
        slots=_slots((request.POST if request.method == "POST" else request.GET).get("slots")),
        mention_source=reverse("mention-suggestions", args=[post.space.slug]),
        **kwargs,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: SignedInRequest, post_id: int) -> HttpResponse:
    post = load_post(request, post_id)
    check_can_edit(request.user, post.author_id, post.state)
    if request.method != "POST":
        initial = {"title": post.title, "body": post.body, "link_url": post.link_url}
        return _edit_page(request, post, _edit_form(request, post, initial=initial))
    form = _edit_form(request, post)
    if not form.is_valid():
        return _edit_page(request, post, form, status=400)
    data = form.cleaned_data
    uploads: list[int] = []
    try:
        files: list[tuple[int, str]] | None = None
        if form.edits_files:
            # Stored before the action's transaction: were they inside it, a rollback would
            # keep the files and lose the rows that tell which files to delete.
            ids, alt_texts = _send_files(form, request.user, uploads)
            files = [*form.kept_files(), *zip(ids, alt_texts, strict=True)]
        do_edit_post(
            post,
            actor=request.user,
            title=data.get("title"),
            body=data["body"],
            link_url=data.get("link_url"),
            files=files,
        )
    except (InvalidInput, Conflict, NotAllowed) as error:
        do_discard_uploads(uploads, actor=request.user)
        show_action_error(form, error)
        return _edit_page(request, load_post(request, post_id), form, status=error.status)
    messages.success(request, "Your changes are saved.")
    return back_to_post(post)


@login_required
@require_GET
def suggest_mentions(request: SignedInRequest, slug: str) -> JsonResponse:
    """People to mention in a space's editor, as JSON [{handle, name}] for compose.js."""
    space = access_space(request.user, slug)
    check_can_view_content(request.user, space)
    found = mention_suggestions(space, request.GET.get("q", ""))
    return JsonResponse([{"handle": s.handle, "name": s.name} for s in found], safe=False)
