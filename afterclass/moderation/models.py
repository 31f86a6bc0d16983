"""Reports: a member tells a space's moderators that a post or comment needs looking at."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

TEXT_LENGTH = 500
NOTE_LENGTH = 300  # the note becomes the hide reason, which the author reads (posts: 300)


class ReportReason(models.TextChoices):
    SPAM = "spam", "Spam"
    OFF_TOPIC = "off_topic", "Off-topic"
    DISRESPECTFUL = "disrespectful", "Disrespectful"
    BREAKS_RULES = "breaks_rules", "Breaks the rules"
    OTHER = "other", "Other"


class ReportState(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
    DISMISSED = "dismissed", "Dismissed"


class Outcome(models.TextChoices):
    """What a moderator did about the reported post or comment."""

    HIDDEN = "hidden", "Hidden"
    REMOVED = "removed", "Removed"
    DISMISSED = "dismissed", "Dismissed"


class Report(models.Model):
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="reports")
    post = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    comment = models.ForeignKey(
        "posts.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=16, choices=ReportReason.choices)
    text = models.CharField(max_length=TEXT_LENGTH, blank=True)
    state = models.CharField(max_length=10, choices=ReportState.choices, default=ReportState.OPEN)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.CharField(max_length=NOTE_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        indexes: ClassVar = [models.Index(fields=["space", "state", "created_at", "id"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(Q(post__isnull=False) & Q(comment__isnull=True))
                | (Q(post__isnull=True) & Q(comment__isnull=False)),
                name="report_on_post_or_comment",
            ),
            models.UniqueConstraint(
                fields=["reporter", "post"],
                condition=Q(state="open", post__isnull=False),
                name="report_open_once_per_post",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(state="open", comment__isnull=False),
                name="report_open_once_per_comment",
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(text=""), name="report_other_has_text"
            ),
            models.CheckConstraint(
                condition=Q(state="open", resolved_at__isnull=True, outcome="")
                | (~Q(state="open") & Q(resolved_at__isnull=False) & ~Q(outcome="")),
                name="report_resolved_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"report {self.pk} on {'post' if self.post_id else 'comment'} ({self.state})"

    @property
    def target_kind(self) -> str:
        return "post" if self.post_id else "comment"
