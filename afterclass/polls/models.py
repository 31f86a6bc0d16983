"""Polls: a post kind with 2-10 options, its ballots and, for named polls only, the choices.

An anonymous poll keeps no record of what anyone chose: a ballot (with no time) says only that a
person voted, so they cannot vote twice, and the options' counters carry the votes."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from afterclass.posts.poll_part import ResultsShown


class Poll(models.Model):
    """The poll of a post of kind "poll"; the post's title is the question."""

    post = models.OneToOneField("posts.Post", on_delete=models.CASCADE, related_name="poll")
    multiple = models.BooleanField(default=False)
    anonymous = models.BooleanField(default=False)
    closes_at = models.DateTimeField(null=True, blank=True)
    # Set when the poster or a moderator closes the poll before its closing time.
    closed_at = models.DateTimeField(null=True, blank=True)
    results_shown = models.CharField(
        max_length=16, choices=ResultsShown.choices, default=ResultsShown.AFTER_VOTING
    )
    voter_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"poll of post {self.post_id}"


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=140)
    vote_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["position", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["poll", "position"], name="poll_option_position"),
        ]

    def __str__(self) -> str:
        return self.text


class PollBallot(models.Model):
    """That one person voted in one poll. Deliberately without a time: in an anonymous poll a
    time could be matched against the counters' changes."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="poll_ballots"
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["poll", "person"], name="poll_ballot_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} voted in {self.poll_id}"


class PollChoice(models.Model):
    """One option chosen on a ballot of a named poll (anonymous polls have none)."""

    ballot = models.ForeignKey(PollBallot, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="choices")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["ballot", "option"], name="poll_choice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id} chose {self.option_id}"
