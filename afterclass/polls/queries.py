"""The read side of polls: a poll as one viewer is shown it, in a fixed number of queries
however many people voted.

Votes per option are left out (None) unless the viewer may see the results; the names of voters
only exist for named polls, and are listed only with the results."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from afterclass.polls.access import can_manage_poll, can_see_results, can_vote, closed_at
from afterclass.polls.models import Poll, PollBallot, PollChoice, PollOption
from afterclass.spaces.access import is_signed_in

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from afterclass.people.models import Person
    from afterclass.posts.models import Post


@dataclass(frozen=True)
class OptionView:
    id: int
    text: str
    votes: int | None  # None when the viewer may not see the results
    percent: int | None
    chosen: bool  # by the viewer (named polls only: an anonymous vote is not kept)
    voters: list[Person] = field(default_factory=list)


@dataclass(frozen=True)
class PollView:
    poll: Poll
    options: list[OptionView]
    voted: bool
    my_choices: list[int]
    results_visible: bool
    closed_at: datetime | None
    can_vote: bool
    can_change: bool  # vote again or take the vote back (named polls)
    can_close: bool

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def shows_ballot(self) -> bool:
        return self.can_vote and (not self.voted or self.can_change)


def poll_of(post: Post) -> Poll:
    """The post's poll and options (two queries, none when a feed already selected it)."""
    poll: Poll = post.poll
    poll.post = post
    return poll


def poll_view(poll: Poll, viewer: Person | AnonymousUser | None) -> PollView:
    """What the viewer is shown of a poll: options with counts or not, their own choices, voters
    per option in a named poll whose results they may see. At most four queries."""
    options = list(PollOption.objects.filter(poll=poll).order_by("position", "id"))
    ballot = None
    if is_signed_in(viewer):
        ballot = PollBallot.objects.filter(poll=poll, person=viewer).first()
    voted = ballot is not None
    mine: set[int] = set()
    if ballot is not None and not poll.anonymous:
        mine = set(PollChoice.objects.filter(ballot=ballot).values_list("option_id", flat=True))
    visible = can_see_results(viewer, poll, voted=voted)
    voters: dict[int, list[Person]] = defaultdict(list)
    if visible and not poll.anonymous and poll.voter_count:
        choices = (
            PollChoice.objects.filter(option__poll=poll)
            .select_related("ballot__person")
            .order_by("ballot__person__display_name", "ballot__person_id")
        )
        for choice in choices:
            voters[choice.option_id].append(choice.ballot.person)
    total = poll.voter_count
    shown = [
        OptionView(
            id=option.pk,
            text=option.text,
            votes=option.vote_count if visible else None,
            percent=round(100 * option.vote_count / total)
            if visible and total
            else (0 if visible else None),
            chosen=option.pk in mine,
            voters=voters.get(option.pk, []),
        )
        for option in options
    ]
    voting = can_vote(viewer, poll)
    return PollView(
        poll=poll,
        options=shown,
        voted=voted,
        my_choices=sorted(mine),
        results_visible=visible,
        closed_at=closed_at(poll),
        can_vote=voting,
        can_change=voting and voted and not poll.anonymous,
        can_close=closed_at(poll) is None and can_manage_poll(viewer, poll),
    )
