"""The e-mail outbox: every e-mail Afterclass sends is first a row here, written in the same
transaction as the change that decided to send it, then claimed and sent by a worker.

`key` says what the e-mail is for ("notification:42", "digest:7:2026-12-07T09"): queueing the
same key twice queues one e-mail. `message_id` is fixed when the row is written, so a message
sent again after a crash carries the same Message-ID and mail systems see one message.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone


class EmailState(models.TextChoices):
    QUEUED = "queued", "Waiting"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutgoingEmailQuerySet(models.QuerySet["OutgoingEmail"]):
    def claimable(self, now: object) -> OutgoingEmailQuerySet:
        """Waiting and due, or claimed by a worker whose claim has run out (it died)."""
        return self.filter(
            Q(state=EmailState.QUEUED, next_attempt_at__lte=now)
            | Q(state=EmailState.SENDING, claimed_until__lt=now)
        )


class OutgoingEmail(models.Model):
    key = models.CharField(max_length=200, unique=True)
    message_id = models.CharField(max_length=250)
    from_email = models.CharField(max_length=250)
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=250)
    body = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict)
    state = models.CharField(max_length=8, choices=EmailState.choices, default=EmailState.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        indexes: ClassVar = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(state="queued"), name="outbox_waiting"
            ),
            models.Index(
                fields=["claimed_until"], condition=Q(state="sending"), name="outbox_sending"
            ),
            models.Index(fields=["state", "created_at"], name="outbox_state"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"
