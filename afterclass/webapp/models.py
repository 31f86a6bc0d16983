"""Web Push: the devices a person has turned push notifications on for, and each notification's
delivery to each of them (written once, sent at least once, marked sent once)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class PushSubscription(models.Model):
    """One browser's push subscription (the Push API's endpoint and keys) for one person. An
    endpoint belongs to one browser profile: whoever subscribed it last receives its pushes."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=100)  # the browser's P-256 public key, base64url
    auth = models.CharField(max_length=40)  # the browser's 16-byte auth secret, base64url
    label = models.CharField(max_length=120, blank=True, default="")  # "Chrome on Android"
    created_at = models.DateTimeField(default=timezone.now)
    last_success_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.person_id}: {self.label or self.endpoint[:40]}"


class PushDelivery(models.Model):
    """One notification to one subscription: unique, so a queueing task run twice sends nothing
    twice. A sender claims it (`claimed_until`) before it sends and marks it `sent_at` after;
    a claim left by a sender that died expires and the retry sends it."""

    notification = models.ForeignKey(
        "notifications.Notification", on_delete=models.CASCADE, related_name="+"
    )
    subscription = models.ForeignKey(
        PushSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    created_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["notification", "subscription"], name="push_delivery_once"
            )
        ]
        indexes: ClassVar = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="push_delivery_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"notification {self.notification_id} to {self.subscription_id}"
