"""Notifications: what a person is told, how (in the app, by e-mail now or in a digest) and about
which spaces. Rows are written in bulk by the fan-out task, never one query per recipient."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class NotificationKind(models.TextChoices):
    MENTION = "mention", "Someone mentions me"
    REPLY = "reply", "A reply to my post or comment"
    ANSWER = "answer", "An answer to my question"
    ACCEPTED = "accepted", "My answer is accepted"
    NEW_POST = "new_post", "A new post in a space I follow closely"
    ANNOUNCEMENT = "announcement", "An announcement in my space"
    SPACE_LAUNCHED = "space_launched", "A space I may join is launched"
    SPACE_ARCHIVED = "space_archived", "A space I am in is archived"
    JOIN_REQUEST = "join_request", "Someone asks to join a space I moderate"
    REQUEST_DECIDED = "request_decided", "My request to join is approved or declined"
    REPORT_HANDLED = "report_handled", "A report I made is handled"
    ACTIVITY_RELEASED = "activity_released", "New activities are released"
    ACTIVITY_DUE = "activity_due", "An activity is due soon"
    NUDGE = "nudge", "A facilitator reminds me of an activity"
    FEEDBACK = "feedback", "Feedback on my submission"
    SURVEY_INVITATION = "survey_invitation", "A survey for me"
    SURVEY_REMINDER = "survey_reminder", "A reminder of a survey I have not answered"
    ANONYMITY_REVEALED = "anonymity_revealed", "An admin reveals who asked my anonymous question"


class Channel(models.TextChoices):
    IN_APP = "in_app", "In the app"
    EMAIL_NOW = "email_now", "In the app and by e-mail at once"
    EMAIL_DIGEST = "email_digest", "In the app and in the e-mail digest"
    PUSH = "push", "In the app and by push to my devices"
    OFF = "off", "Off"


class SpaceLevel(models.TextChoices):
    ALL = "all", "All activity"
    DIRECT = "direct", "Replies and mentions only"
    MUTED = "muted", "Muted"


class DigestFrequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    OFF = "off", "Never"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing one person is told. `actor` is empty whenever the actor must not be named (an
    anonymous asker), and `message` is written for the recipient with that already applied."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.IN_APP)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    space = models.ForeignKey(
        "spaces.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        "posts.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField(max_length=400)
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Which notice this row tells of: a fan-out run again after a crash inserts nothing twice.
    notice_key = models.CharField(max_length=32, blank=True, default="")

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["recipient", "notice_key"],
                condition=~models.Q(notice_key=""),
                name="notification_once",
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["recipient", "-created_at", "-id"]),
            models.Index(
                fields=["recipient", "created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["channel", "created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="notification_unmailed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}: {self.message[:40]}"


class NotificationPreference(models.Model):
    """A person's choice of channel for one kind; without a row the kind's default applies."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person", "kind"], name="notification_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}: {self.channel}"


class SpaceSubscription(models.Model):
    """How much a person hears from one space; without a row, replies and mentions only."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="space_subscriptions"
    )
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=8, choices=SpaceLevel.choices)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person", "space"], name="space_subscription_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.space_id}: {self.level}"


class EmailSettings(models.Model):
    """A person's e-mail digest and the one-click "no more e-mail" switch."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_settings"
    )
    digest = models.CharField(
        max_length=8, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY
    )
    no_email = models.BooleanField(default=False)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.person_id}: digest {self.digest}{', no e-mail' if self.no_email else ''}"
