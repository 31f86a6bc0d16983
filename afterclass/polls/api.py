"""Polls API: vote, take a named vote back, close early. The poll is loaded with `access_poll`
(404 for a post the caller may not see or that is no poll); the actions apply the rules."""

from django.http import HttpRequest
from ninja import Path, Router

from afterclass.core.api import Id, current_person, errors
from afterclass.polls.access import access_poll
from afterclass.polls.actions import do_close_poll, do_take_back_vote, do_vote_in_poll
from afterclass.polls.models import Poll
from afterclass.polls.queries import poll_view
from afterclass.polls.schemas import VoteIn, poll_out
from afterclass.posts.schemas import PollOut

router = Router(tags=["polls"])

WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)


def _out(request: HttpRequest, poll: Poll) -> PollOut:
    viewer = current_person(request)
    # Read again: the counters were changed with F() in the database.
    return poll_out(poll_view(access_poll(viewer, poll.post_id), viewer))


@router.post(
    "/posts/{post_id}/poll/vote", response={200: PollOut, **WRITE_ERRORS}, summary="Vote in a poll"
)
def vote(request: HttpRequest, post_id: Path[Id], payload: VoteIn) -> PollOut:
    """Choose one option (several in a multiple-choice poll) while the poll is open. Voting
    again changes a vote in a named poll; an anonymous vote is final (409)."""
    poll = access_poll(current_person(request), post_id)
    do_vote_in_poll(poll, actor=current_person(request), option_ids=payload.options)
    return _out(request, poll)


@router.delete(
    "/posts/{post_id}/poll/vote",
    response={200: PollOut, **WRITE_ERRORS},
    summary="Take a vote back",
)
def take_back(request: HttpRequest, post_id: Path[Id]) -> PollOut:
    """Named polls only, while open."""
    poll = access_poll(current_person(request), post_id)
    do_take_back_vote(poll, actor=current_person(request))
    return _out(request, poll)


@router.post(
    "/posts/{post_id}/poll/close", response={200: PollOut, **WRITE_ERRORS}, summary="Close a poll"
)
def close(request: HttpRequest, post_id: Path[Id]) -> PollOut:
    """The person who asked, or a moderator, closes the poll now (audited)."""
    poll = access_poll(current_person(request), post_id)
    do_close_poll(poll, actor=current_person(request))
    return _out(request, poll)
