"""Voting in a poll and closing it, from the post page. With htmx the answer is the poll block
to swap in (errors shown inside it, as a 200: htmx swaps no 4xx answer); without JavaScript a
redirect back to the post, or the error page with the error's status."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from afterclass.core.errors import AfterclassError, InvalidInput, NotFound
from afterclass.core.http import SignedInRequest
from afterclass.polls.access import access_poll
from afterclass.polls.actions import do_close_poll, do_take_back_vote, do_vote_in_poll
from afterclass.polls.models import Poll

NOT_AN_OPTION = "That option is not one of this poll's."


def _chosen(request: SignedInRequest) -> list[int]:
    try:
        return [int(value) for value in request.POST.getlist("options")]
    except ValueError as error:
        raise InvalidInput(NOT_AN_OPTION, field="options") from error


def _answer(request: SignedInRequest, poll: Poll, error: AfterclassError | None) -> HttpResponse:
    if not request.htmx:
        if error is not None:
            raise error
        return redirect(reverse("post-detail", args=[poll.post_id]) + "#poll")
    context = {"post": poll.post, "poll_error": error.message if error is not None else ""}
    return render(request, "polls/_poll.html", context)


def _reload(request: SignedInRequest, poll: Poll) -> Poll:
    """The poll read again after a change, so that the block shows the new counts."""
    try:
        return access_poll(request.user, poll.post_id)
    except NotFound:  # pragma: no cover - a vote does not hide the post
        return poll


@login_required
@require_POST
def vote(request: SignedInRequest, post_id: int) -> HttpResponse:
    """Vote (the options chosen), or take a named vote back (`take_back`)."""
    poll = access_poll(request.user, post_id)
    try:
        if request.POST.get("take_back"):
            do_take_back_vote(poll, actor=request.user)
        else:
            do_vote_in_poll(poll, actor=request.user, option_ids=_chosen(request))
    except AfterclassError as error:
        return _answer(request, poll, error)
    return _answer(request, _reload(request, poll), None)


@login_required
@require_POST
def close(request: SignedInRequest, post_id: int) -> HttpResponse:
    poll = access_poll(request.user, post_id)
    try:
        do_close_poll(poll, actor=request.user)
    except AfterclassError as error:
        return _answer(request, poll, error)
    return _answer(request, _reload(request, poll), None)
