"""Polls API schemas: a poll's settings when posting one, a vote, and a poll as the caller is
shown it. Votes per option are null while the caller may not see the results; voters are named
only in a named poll's results (an anonymous poll has no record of who chose what)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import StrictBool

from afterclass.api.schemas import Id, InputSchema, storable
from afterclass.polls.models import ResultsShown
from afterclass.polls.queries import PollView

OptionText = Annotated[str, Field(max_length=140), storable]


class PollIn(InputSchema):
    options: list[OptionText] = Field(
        max_length=10, description="2-10 options, each written and different from the others."
    )
    multiple: StrictBool = Field(False, description="Whether a voter may choose several.")
    anonymous: StrictBool = Field(
        False,
        description="Nobody, admins included, can see who chose what; votes are then final.",
    )
    closes_at: datetime | None = Field(
        None, description="When voting ends, with a time zone, in the future; null: open."
    )
    results_shown: ResultsShown = Field(
        ResultsShown.AFTER_VOTING,
        description="Results are shown to a voter after voting, or to all after closing.",
    )


class VoteIn(InputSchema):
    options: list[Id] = Field(
        max_length=10, description="The ids of the options chosen: exactly one unless multiple."
    )


class VoterOut(Schema):
    id: int
    display_name: str


class PollOptionOut(Schema):
    id: int
    text: str
    votes: int | None = Field(description="null while I may not see the results.")
    voters: list[VoterOut] | None = Field(
        description="Who chose it: named polls, with the results only; null otherwise."
    )


class PollOut(Schema):
    options: list[PollOptionOut]
    multiple: bool
    anonymous: bool
    results_shown: ResultsShown
    closes_at: datetime | None
    closed: bool
    closed_at: datetime | None = Field(description="When it closed, early or at closes_at.")
    results_visible: bool
    voted: bool
    my_choices: list[int] = Field(description="My options (named polls; empty when anonymous).")
    voter_count: int
    can_vote: bool
    can_close: bool

    @classmethod
    def build(cls, view: PollView) -> PollOut:
        poll = view.poll
        named = view.results_visible and not poll.anonymous
        return cls(
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
