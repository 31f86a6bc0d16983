"""Analytics events: one append-only row per thing a person did, read by the insights pages."""

from typing import ClassVar

from django.conf import settings
from django.db import models


class EventKind(models.TextChoices):
    SIGNED_IN = "signed_in", "signed in"
    JOINED = "joined", "joined a space"
    REQUESTED = "requested", "asked to join a space"
    LEFT = "left", "left a space"
    RULES_ACCEPTED = "rules_accepted", "accepted the ground rules"
    SPACE_CREATED = "space_created", "created a space"
    POSTED = "posted", "posted"
    COMMENTED = "commented", "commented"
    ANSWERED = "answered", "answered a question"
    ACCEPTED = "accepted", "accepted an answer"
    VOTED = "voted", "voted for an answer"
    REACTED = "reacted", "reacted"
    ACTIVITY_VIEWED = "activity_viewed", "viewed a learning activity"
    ACTIVITY_COMPLETED = "activity_completed", "completed a learning activity"
    ACTIVITY_SUBMITTED = "activity_submitted", "submitted work for an activity"
    FEEDBACK_GIVEN = "feedback_given", "gave feedback on a submission"
    POLL_ANSWERED = "poll_answered", "answered a poll"


class Event(models.Model):
    time = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    space = models.ForeignKey("spaces.Space", null=True, on_delete=models.CASCADE, related_name="+")
    # The person's department and level when it happened, so later moves do not rewrite history.
    department_id = models.BigIntegerField(null=True)
    level_id = models.BigIntegerField(null=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["space", "time"]),
            models.Index(fields=["kind", "time"]),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.kind}"
