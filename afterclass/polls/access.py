"""Who may vote in a poll, see its results and close it.

The rules:
- A poll is seen by whoever sees its post (posts.access): a poll nobody may see is a 404.
- Voting needs the space's rules accepted (spaces.access.check_can_participate), a visible post
  and an open poll.
- Results are shown when the poll is closed (its closing time passed, or closed early), after the
  viewer voted when the poster chose "after voting", and always to the poster and the space's
  moderators (organisation admins included).
- The poster or a moderator may close a poll early.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import formats, timezone

from afterclass.core.errors import Conflict, NotAllowed, NotFound
from afterclass.polls.models import Poll
from afterclass.posts.access import POST_NOT_FOUND, access_post, can_moderate_space
from afterclass.posts.models import ContentState, PostKind
from afterclass.posts.poll_part import ResultsShown
from afterclass.spaces.access import check_can_participate, is_signed_in
from afterclass.spaces.models import Space

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from afterclass.people.models import Person


def access_poll(viewer: Person | AnonymousUser | None, post_id: int) -> Poll:
    """The poll of a post the viewer may see, with its post and the post's space annotated with
    the viewer's membership; 404 when the post is unknown, invisible or not a poll."""
    post = access_post(viewer, post_id)
    if post.kind != PostKind.POLL:
        raise NotFound(POST_NOT_FOUND)
    poll = Poll.objects.filter(post=post).first()
    if poll is None:
        raise NotFound(POST_NOT_FOUND)
    if is_signed_in(viewer):
        post.space = Space.objects.with_membership_of(viewer).get(pk=post.space_id)
    poll.post = post
    return poll


def closed_at(poll: Poll, now: datetime | None = None) -> datetime | None:
    """When the poll closed (early, or at its closing time), None while it is open."""
    now = now or timezone.now()
    if poll.closed_at is not None:
        return poll.closed_at
    if poll.closes_at is not None and poll.closes_at <= now:
        return poll.closes_at
    return None


def is_closed(poll: Poll, now: datetime | None = None) -> bool:
    return closed_at(poll, now) is not None


def shown_time(moment: datetime) -> str:
    """A time as the organisation reads it: "3 December 2026, 14:00"."""
    return formats.date_format(timezone.localtime(moment), "j F Y, H:i")


def can_manage_poll(viewer: Person | AnonymousUser | None, poll: Poll) -> bool:
    """The poster and the space's moderators (and organisation admins)."""
    if not is_signed_in(viewer):
        return False
    return viewer.pk == poll.post.author_id or can_moderate_space(viewer, poll.post.space)


def can_see_results(viewer: Person | AnonymousUser | None, poll: Poll, *, voted: bool) -> bool:
    """See the module rules; `voted` says whether the viewer has a ballot in this poll."""
    if is_closed(poll) or can_manage_poll(viewer, poll):
        return True
    return voted and poll.results_shown == ResultsShown.AFTER_VOTING


def check_can_vote(viewer: Person, poll: Poll) -> None:
    """Refuse a vote with the reason: not a participant, a post no longer up, a closed poll."""
    check_can_participate(viewer, poll.post.space)
    if poll.post.state != ContentState.VISIBLE:
        raise NotAllowed("This poll no longer takes votes.")
    closed = closed_at(poll)
    if closed is not None:
        raise Conflict(f"This poll closed on {shown_time(closed)}.")


def can_vote(viewer: Person | AnonymousUser | None, poll: Poll) -> bool:
    if not is_signed_in(viewer):
        return False
    try:
        check_can_vote(viewer, poll)
    except (NotAllowed, Conflict):
        return False
    return True


def check_can_close(viewer: Person, poll: Poll) -> None:
    if not can_manage_poll(viewer, poll):
        raise NotAllowed("Only the person who asked, or a moderator, can close this poll.")
    closed = closed_at(poll)
    if closed is not None:
        raise Conflict(f"This poll closed on {shown_time(closed)}.")
