"""A post's page and what members do on it: comment, reply, vote, accept, react, remove."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import replace_url, reswap, retarget

from afterclass.core.confirm import confirm_first
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from afterclass.core.http import SignedInRequest, next_url
from afterclass.core.pagecache import remembered_page
from afterclass.core.updates import announce
from afterclass.notifications.actions import do_mark_read_about
from afterclass.posts.access import (
    access_comment,
    can_moderate_space,
    can_reveal_asker,
    check_can_accept,
    check_can_comment,
    check_can_edit,
)
from afterclass.posts.actions import (
    do_accept_answer,
    do_comment,
    do_edit_comment,
    do_mark_read,
    do_react,
    do_remove_comment,
    do_remove_post,
    do_vote,
)
from afterclass.posts.feeds_more import thread_controls
from afterclass.posts.forms import (
    AcceptForm,
    CommentForm,
    EditCommentForm,
    HideForm,
    ReactForm,
    VoteForm,
    show_action_error,
)
from afterclass.posts.models import Comment, Post, PostKind, ReactionKind, Revision
from afterclass.posts.presentation import Thread, see_comment
from afterclass.posts.queries import post_thread, present_one, present_plain, thread_comment
from afterclass.posts.views import back_to_post, load_post
from afterclass.spaces.access import check_can_participate


def _refusal(check: Any, *args: Any) -> str | None:
    """The reason a check refuses, or None when it allows."""
    try:
        check(*args)
    except NotAllowed as error:
        return str(error.message)
    return None


def _with_mentions[FormT: forms.Form](form: FormT, post: Post) -> FormT:
    """The text box suggests people to @mention as one types (static/afterclass/compose.js)."""
    url = reverse("mention-suggestions", args=[post.space.slug])
    form.fields["body"].widget.attrs["data-mention-source"] = url
    return form


def thread_context(request: SignedInRequest, post: Post, thread: Thread) -> dict[str, Any]:
    """What the post page and its fragments (a comment, a form, the heading) are rendered with:
    the post as the viewer sees it (`thread.post`), never the model."""
    viewer = request.user
    moderator = can_moderate_space(viewer, post.space)
    return {
        "post": thread.post,
        # polls' own template loads the poll from the model; a poll is never anonymous.
        "poll_post": post if post.kind == PostKind.POLL else None,
        "space": post.space,
        "thread": thread,
        "my_votes": thread.my_votes,
        "is_moderator": moderator,
        "can_take_part": _refusal(check_can_participate, viewer, post.space) is None,
        "comment_refusal": _refusal(check_can_comment, viewer, post),
        "can_accept": _refusal(check_can_accept, viewer, post) is None,
        "comment_form": _with_mentions(CommentForm(), post),
        # Every comment's reply form uses these: reversed once, not once a comment.
        "comment_url": reverse("post-comment", args=[post.pk]),
        "mention_url": reverse("mention-suggestions", args=[post.space.slug]),
        "hide_form": HideForm() if moderator else None,
        "can_reveal_asker": can_reveal_asker(post, viewer),
        "is_question": post.kind == PostKind.QUESTION,
    }


def _post_page(
    request: SignedInRequest,
    post: Post,
    *,
    comment_form: CommentForm | None = None,
    status: int = 200,
    thread: Thread | None = None,
) -> HttpResponse:
    if thread is None:
        thread = post_thread(post, request.user, cursor=request.GET.get("cursor"))
    context = thread_context(request, post, thread)
    context["next_url"] = next_url(request, thread.next)
    if comment_form is not None:
        context["comment_form"] = _with_mentions(comment_form, post)
    context["controls"] = thread_controls(post, request.user)  # save, follow, mute, acknowledge
    if context["is_moderator"]:
        context["revisions"] = list(Revision.objects.filter(post=post))
    if request.htmx and request.GET.get("cursor"):
        return render(request, "posts/post.html#comment-page", context, status=status)
    return render(request, "posts/post.html", context, status=status)


@login_required
@require_GET
@remembered_page
def detail(request: SignedInRequest, post_id: int) -> HttpResponse:
    post = load_post(request, post_id)
    thread = post_thread(post, request.user, cursor=request.GET.get("cursor"))
    response = _post_page(request, post, thread=thread)  # what was new before this visit
    if not thread.post.read_is_current:
        do_mark_read(post, actor=request.user)
    do_mark_read_about(actor=request.user, post_id=post.pk)
    return response


def _reply_to(form: CommentForm) -> int | None:
    """The comment a reply form answers, read from what was sent (the form may be invalid)."""
    raw = str(form.data.get("parent") or "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


def _comment_refused(
    request: SignedInRequest, post: Post, form: CommentForm, status: int
) -> HttpResponse:
    """The form again with the reason: the whole page with the error status, or (htmx) the form
    that was sent, with headers putting it in place of that form. htmx swaps no 4xx answer (and
    the page's CSP allows no script to change that), so that one is a 200 saying where it goes;
    nothing was written either way."""
    if not request.htmx:
        return _post_page(request, post, comment_form=form, status=status)
    if _from_card(request):
        return _card_comment_refused(request, post, form)
    empty = Thread(present_plain(post, request.user), (), None, frozenset())
    context = thread_context(request, post, empty)
    reply_to = _reply_to(form)
    if reply_to is None:
        context["comment_form"] = _with_mentions(form, post)
        response = render(request, "posts/post.html#comment-form", context)
        target = "#comment-form"
    else:
        context.update(reply_to=reply_to, reply_form=form)
        response = render(request, "posts/post.html#reply-form", context)
        target = f"#reply-form-{reply_to}"
    return reswap(retarget(response, target), "outerHTML")


def _from_card(request: SignedInRequest) -> bool:
    """Sent from a feed's card (posts/_card_reactions.html, posts/_card_reply.html), which is
    answered with the card's own pieces rather than the post page's."""
    return request.POST.get("card") == "1"


def _card_comment_refused(request: SignedInRequest, post: Post, form: CommentForm) -> HttpResponse:
    """(htmx) The card's reply box again, with what was typed and why it was refused (a 200 in
    place of the box: htmx swaps no 4xx answer)."""
    errors = [str(error) for errors in form.errors.values() for error in errors]
    context = {
        "post": present_plain(post, request.user),
        "reply_error": " ".join(errors),
        "reply_body": form.data.get("body", ""),
    }
    response = render(request, "posts/_card_reply.html", context)
    response = reswap(retarget(response, f"#card-reply-{post.pk}"), "outerHTML")
    return announce(
        response, "Your reply was not sent: see why.", focus=f"#card-reply-body-{post.pk}"
    )


def _card_comment_added(request: SignedInRequest, post: Post, created: Comment) -> HttpResponse:
    """(htmx) The new comment for the end of the card's list, and out of band the card's counts
    and an empty reply box, which keeps focus for the next one."""
    thread = thread_comment(post, request.user, created.pk)
    if not thread.comments:  # cannot happen for its author; leave the card as it is
        return reswap(HttpResponse(""), "none")
    seen = thread.post
    html = render_to_string(
        "posts/_card_comment.html", {"post": seen, "comment": thread.comments[0]}, request
    )
    html += render_to_string("posts/_card_stats.html", {"post": seen, "oob": True}, request)
    html += render_to_string("posts/_card_reply.html", {"post": seen, "oob": True}, request)
    response = reswap(retarget(HttpResponse(html), f"#card-comments-{post.pk}"), "beforeend")
    if post.kind == PostKind.QUESTION:
        count = post.answer_count
        said = f"Your answer is posted. {count} answer{'s' if count != 1 else ''}."
    else:
        count = post.comment_count
        said = f"Your comment is posted. {count} comment{'s' if count != 1 else ''}."
    return announce(response, said, focus=f"#card-reply-body-{post.pk}")


def _comment_added(request: SignedInRequest, post: Post, created: Comment) -> HttpResponse:
    """(htmx) The new comment for the end of its list, and out of band the heading with the new
    count and an empty form in place of the one that was sent."""
    thread = thread_comment(post, request.user, created.pk)
    if not thread.comments:  # cannot happen for its author; leave the page as it is
        return reswap(HttpResponse(""), "none")
    context = thread_context(request, post, thread)
    context.update(comment=thread.comments[0], reply=thread.comments[0])
    if created.parent_id:
        item, form = "posts/post.html#reply-item", "posts/post.html#reply-form"
        context["reply_to"] = created.parent_id
        target = f"#replies-{created.parent_id}"
    else:
        item, form = "posts/post.html#comment-item", "posts/post.html#comment-form"
        target = "#comment-list"
    html = render_to_string(item, context, request)
    context["oob"] = True
    html += render_to_string("posts/post.html#comments-heading", context, request)
    if context["is_question"]:
        html += render_to_string("posts/post.html#answer-state", context, request)
    html += render_to_string(form, context, request)
    response = retarget(HttpResponse(html), target)
    url = reverse("post-detail", args=[post.pk])
    response = replace_url(reswap(response, "beforeend"), f"{url}#comment-{created.pk}")
    if created.parent_id:
        said = "Your reply is posted."
    elif context["is_question"]:
        count = post.answer_count
        said = f"Your answer is posted. {count} answer{'s' if count != 1 else ''}."
    else:
        count = post.comment_count
        said = f"Your comment is posted. {count} comment{'s' if count != 1 else ''}."
    return announce(response, said, focus=f"#comment-{created.pk}")


@login_required
@require_POST
def comment(request: SignedInRequest, post_id: int) -> HttpResponse:
    post = load_post(request, post_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _comment_refused(request, post, form, status=400)
    parent = None
    if form.cleaned_data["parent"]:
        parent = access_comment(request.user, form.cleaned_data["parent"])
    try:
        created = do_comment(
            post, actor=request.user, body=form.cleaned_data["body"], parent=parent
        )
    except (InvalidInput, Conflict, NotAllowed) as error:
        show_action_error(form, error)
        return _comment_refused(request, post, form, status=error.status)
    if request.htmx and _from_card(request):
        return _card_comment_added(request, post, created)
    if request.htmx:
        return _comment_added(request, post, created)
    return back_to_post(post, f"comment-{created.pk}")


def comment_in_place(
    request: SignedInRequest, post: Post, comment_id: int, *, error: str = ""
) -> HttpResponse:
    """(htmx) A comment as the thread now shows it, to replace its <li>, and out of band the
    heading (hiding, restoring or removing an answer changes the count). Nothing when the viewer
    no longer sees it, so that it leaves the page. With an `error`, the comment shows it (a 200:
    htmx swaps no 4xx answer)."""
    thread = thread_comment(post, request.user, comment_id)
    context = thread_context(request, post, thread)
    heading = render_to_string(
        "posts/post.html#comments-heading", {**context, "oob": True}, request
    )
    if context["is_question"]:
        heading += render_to_string(
            "posts/post.html#answer-state", {**context, "oob": True}, request
        )
    if not thread.comments:
        return HttpResponse(heading)
    found = thread.comments[0]
    context.update(comment=found, reply=found, comment_error=error, error_on=comment_id)
    name = "posts/post.html#reply-item" if found.parent_id else "posts/post.html#comment-item"
    response = HttpResponse(render_to_string(name, context, request) + heading)
    return reswap(retarget(response, f"#comment-{comment_id}"), "outerHTML")


def _answer_of(request: SignedInRequest, post: Post, comment_id: int) -> Comment:
    answer = access_comment(request.user, comment_id)
    if answer.post_id != post.pk:
        raise NotFound("There is no such comment, or you cannot see it.")
    answer.post = post
    return answer


@login_required
@require_POST
def vote(request: SignedInRequest, post_id: int, comment_id: int) -> HttpResponse:
    post = load_post(request, post_id)
    answer = _answer_of(request, post, comment_id)
    form = VoteForm(request.POST)
    form.is_valid()  # a checkbox-like value: anything but "on"/"true"/"1" means "take back"
    try:
        do_vote(answer, actor=request.user, up=bool(form.cleaned_data.get("up")))
    except (InvalidInput, Conflict) as error:
        messages.error(request, error.message)
        return back_to_post(post, f"comment-{answer.pk}")
    if request.htmx:
        answer.refresh_from_db(fields=["vote_count"])
        voted = set(answer.votes.filter(person=request.user).values_list("comment_id", flat=True))
        seen = present_plain(post, request.user)
        context = {
            "post": seen,
            "comment": see_comment(post, seen, answer, viewer_id=request.user.pk),
            "my_votes": voted,
            "can_take_part": True,
        }
        count = answer.vote_count
        said = "Your vote is counted." if voted else "Your vote is taken back."
        return announce(
            render(request, "posts/_vote.html", context),
            f"{said} {count} vote{'s' if count != 1 else ''}.",
        )
    return back_to_post(post, f"comment-{answer.pk}")


@login_required
@require_POST
def accept(request: SignedInRequest, post_id: int) -> HttpResponse:
    post = load_post(request, post_id)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an answer to accept.")
        return back_to_post(post)
    answer_id = form.cleaned_data["answer"]
    answer = _answer_of(request, post, answer_id) if answer_id else None
    try:
        do_accept_answer(post, answer, actor=request.user)
    except (InvalidInput, Conflict) as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "The answer is marked as accepted." if answer else "No answer is accepted now."
        )
    return back_to_post(post, f"comment-{answer.pk}" if answer else "")


@login_required
@require_POST
def react(request: SignedInRequest, post_id: int) -> HttpResponse:
    post = load_post(request, post_id)
    form = _pressed_reaction(request)
    if not form.is_valid():
        messages.error(request, "Choose one of the reactions.")
        return back_to_post(post)
    try:
        do_react(
            actor=request.user,
            kind=form.cleaned_data["kind"],
            post=post,
            on=form.cleaned_data["on"],
        )
    except (InvalidInput, Conflict) as error:
        messages.error(request, error.message)
        return back_to_post(post)
    if request.htmx:
        post.refresh_from_db(fields=["reaction_count", "helped_count"])
        context = {"post": present_one(post, request.user), "can_take_part": True}
        partial = "posts/_card_reactions.html" if _from_card(request) else "posts/_reactions.html"
        response = render(request, partial, context)
        return announce(response, _reacted(form.cleaned_data, post.reaction_count))
    return back_to_post(post)


def _reacted(data: dict[str, Any], count: int) -> str:
    """What a screen reader says after a reaction button was pressed."""
    label = ReactionKind(data["kind"]).label
    done = f"“{label}” added." if data["on"] else f"“{label}” taken back."
    return f"{done} {count} reaction{'s' if count != 1 else ''}."


def _pressed_reaction(request: SignedInRequest) -> ReactForm:
    """A comment's reactions are one form (posts/_comment_reactions.html): the button sends its
    `kind`, and `pressed` lists the kinds the page showed pressed, so the press asks for the
    opposite of what the person saw; sending it twice gives the same result. A card's reactions
    (posts/_card_reactions.html) are one form too. Without `pressed` (one form per button, as
    the post page's own reactions are), `on` says which."""
    pressed = request.POST.get("pressed")
    if pressed is None:
        return ReactForm(request.POST)
    data = request.POST.copy()
    data["on"] = "" if request.POST.get("kind") in pressed.split() else "1"
    return ReactForm(data)


@login_required
@require_POST
def comment_react(request: SignedInRequest, comment_id: int) -> HttpResponse:
    found = access_comment(request.user, comment_id)
    post = load_post(request, found.post_id)
    found.post = post
    form = _pressed_reaction(request)
    if not form.is_valid():
        messages.error(request, "Choose one of the reactions.")
        return back_to_post(post, f"comment-{found.pk}")
    try:
        do_react(
            actor=request.user,
            kind=form.cleaned_data["kind"],
            comment=found,
            on=form.cleaned_data["on"],
        )
    except (InvalidInput, Conflict) as error:
        messages.error(request, error.message)
        return back_to_post(post, f"comment-{found.pk}")
    if request.htmx:
        found.refresh_from_db(fields=["reaction_count", "helped_count"])
        mine = frozenset(found.reactions.filter(person=request.user).values_list("kind", flat=True))
        seen = present_plain(post, request.user)
        context = {
            "post": seen,
            "comment": see_comment(post, seen, found, viewer_id=request.user.pk, my_reactions=mine),
            "can_take_part": True,
            "is_question": post.kind == PostKind.QUESTION,
        }
        response = render(request, "posts/_comment_reactions.html", context)
        return announce(response, _reacted(form.cleaned_data, found.reaction_count))
    return back_to_post(post, f"comment-{found.pk}")


@login_required
@require_POST
def remove(request: SignedInRequest, post_id: int) -> HttpResponse:
    post = load_post(request, post_id)
    asked = confirm_first(
        request,
        question="Remove this post?",
        consequence="Nobody sees its text any more; its comments stay readable. "
        "This cannot be undone.",
        button="Remove",
        back=reverse("post-detail", args=[post.pk]),
    )
    if asked is not None:
        return asked
    try:
        do_remove_post(post, actor=request.user)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The post is removed. Its comments stay readable.")
    return back_to_post(post)


@login_required
@require_POST
def remove_comment(request: SignedInRequest, comment_id: int) -> HttpResponse:
    found = access_comment(request.user, comment_id)
    post = load_post(request, found.post_id)
    found.post = post
    try:
        do_remove_comment(found, actor=request.user)
    except Conflict as error:
        if request.htmx:
            return comment_in_place(request, post, found.pk, error=error.message)
        messages.error(request, error.message)
    else:
        if request.htmx:
            response = comment_in_place(request, post, found.pk)
            return announce(response, "The comment is removed.", focus=f"#comment-{found.pk}")
        messages.success(request, "The comment is removed.")
    return back_to_post(post, f"comment-{found.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def edit_comment(request: SignedInRequest, comment_id: int) -> HttpResponse:
    found = access_comment(request.user, comment_id)
    post = load_post(request, found.post_id)
    found.post = post
    check_can_edit(request.user, found.author_id, found.state)
    status = 200
    if request.method == "POST":
        form = EditCommentForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                do_edit_comment(found, actor=request.user, body=form.cleaned_data["body"])
            except (InvalidInput, Conflict) as error:
                show_action_error(form, error)
                status = error.status
            else:
                messages.success(request, "Your changes are saved.")
                return back_to_post(post, f"comment-{found.pk}")
    else:
        form = EditCommentForm(initial={"body": found.body})
    context = {"post": post, "comment": found, "form": _with_mentions(form, post)}
    return render(request, "posts/edit_comment.html", context, status=status)
