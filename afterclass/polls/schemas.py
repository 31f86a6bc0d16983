"""Polls API schemas: a vote, and a poll as the caller is shown it (`poll_out`). The poll's own
shapes (`PollIn` when posting one, `PollOut`) are part of a post's and sit in posts.schemas.
Votes per option are null while the caller may not see the results; voters are named only in a
named poll's results (an anonymous poll has no record of who chose what)."""

from __future__ import annotations

from ninja import Field

from afterclass.core.api import Id, InputSchema
from afterclass.polls.queries import PollView
from afterclass.posts.poll_part import ResultsShown
from afterclass.posts.schemas import PollOptionOut, PollOut, VoterOut


class VoteIn(InputSchema):
    options: list[Id] = Field(
        max_length=10, description="The ids of the options chosen: exactly one unless multiple."
    )


def poll_out(view: PollView) -> PollOut:
    """The poll as the viewer is shown it (polls.queries.poll_view)."""
    poll = view.poll
    named = view.results_visible and not poll.anonymous
    return PollOut(
        options=[
            PollOptionOut(
                id=option.id,
                text=option.text,
                votes=option.votes,
                voters=[
                    VoterOut(id=person.pk, display_name=person.display_name)
                    for person in option.voters
                ]
                if named
                else None,
            )
            for option in view.options
        ],
        multiple=poll.multiple,
        anonymous=poll.anonymous,
        results_shown=ResultsShown(poll.results_shown),
        closes_at=poll.closes_at,
        closed=view.closed,
        closed_at=view.closed_at,
        results_visible=view.results_visible,
        voted=view.voted,
        my_choices=view.my_choices,
        voter_count=poll.voter_count,
        can_vote=view.can_vote,
        can_close=view.can_close,
    )
