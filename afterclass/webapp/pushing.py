"""Sending notifications to the devices people turned push on for. A notice's notifications that
chose push become one delivery per (notification, subscription), written once; each is sent by
its own task, which claims it first, re-checks that the recipient may still see what it is
about, sends only the notification's own text and link, and marks it sent. A 404 or 410 from
the push service means the subscription is gone: it is deleted. Any other failure releases the
claim and raises, so the worker retries it later and, in the end, shows it as failed. The
endpoint is checked again before each send (forms.check_endpoint): never a private network."""

from __future__ import annotations

import datetime
import json

import requests
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from pywebpush import WebPushException, webpush

from afterclass.notifications.access import notifications_still_shown
from afterclass.notifications.models import Channel, Notification
from afterclass.webapp.actions import do_forget_expired_subscription
from afterclass.webapp.forms import check_endpoint
from afterclass.webapp.models import PushDelivery, PushSubscription
from afterclass.webapp.vapid import vapid_keys, vapid_subject

BATCH_SIZE = 500
# How long a sender holds a delivery: longer than one request to the push service may take.
CLAIM = datetime.timedelta(seconds=30)
SEND_TIMEOUT_SECONDS = 10
TIME_TO_LIVE_SECONDS = 24 * 60 * 60  # a push older than a day is no longer worth showing
GONE = frozenset({404, 410})
ERROR_LENGTH = 500


class StillClaimed(Exception):
    """Another sender holds the delivery; retried later, when it is sent or its claim expired."""


def queue_deliveries(notice_key: str) -> list[int]:
    """Write the deliveries of a notice's push notifications (once: the unique pair), and
    return those not sent yet."""
    rows = list(
        Notification.objects.filter(notice_key=notice_key, channel=Channel.PUSH).values_list(
            "pk", "recipient_id"
        )
    )
    notifications: dict[int, list[int]] = {}
    for notification_id, recipient_id in rows:
        notifications.setdefault(recipient_id, []).append(notification_id)
    devices = PushSubscription.objects.filter(person_id__in=list(notifications)).values_list(
        "pk", "person_id"
    )
    PushDelivery.objects.bulk_create(
        [
            PushDelivery(notification_id=notification_id, subscription_id=subscription_id)
            for subscription_id, person_id in devices
            for notification_id in notifications[person_id]
        ],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )
    return list(
        PushDelivery.objects.filter(
            notification__notice_key=notice_key, sent_at__isnull=True
        ).values_list("pk", flat=True)
    )


def payload(notification: Notification) -> str:
    """What the device is told: the notification's own text (as the bell shows it, written for
    this recipient with anonymity applied) and its link, nothing else."""
    return json.dumps(
        {
            "text": notification.message,
            "url": reverse("notification-open", args=[notification.pk]),
        }
    )


def send_delivery(delivery_id: int) -> str:
    """Send one delivery at most once per claim; returns what happened."""
    now = timezone.now()
    claimed = (
        PushDelivery.objects.filter(pk=delivery_id, sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM, attempts=F("attempts") + 1)
    )
    if not claimed:
        delivery = PushDelivery.objects.filter(pk=delivery_id).only("sent_at").first()
        if delivery is None or delivery.sent_at is not None:
            return "done already"
        raise StillClaimed(f"Push delivery {delivery_id} is being sent by another worker.")
    delivery = PushDelivery.objects.select_related("notification", "subscription").get(
        pk=delivery_id
    )
    notification, device = delivery.notification, delivery.subscription
    shown = Notification.objects.filter(pk=notification.pk).filter(notifications_still_shown())
    if device.person_id != notification.recipient_id or not shown.exists():
        # Hidden since, no longer the recipient's to see, or the device changed hands.
        _finish(delivery_id, now, note="Not sent: no longer for this device.")
        return "withheld"
    try:
        # Checked again as it is sent: the name may point elsewhere since it was subscribed.
        check_endpoint(device.endpoint)
    except ValidationError as refused:
        _finish(delivery_id, now, note=f"Not sent: {refused.messages[0]}")
        return "refused"
    try:
        webpush(
            {"endpoint": device.endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}},
            data=payload(notification),
            vapid_private_key=vapid_keys().private_key,
            vapid_claims={"sub": vapid_subject()},
            ttl=TIME_TO_LIVE_SECONDS,
            # Topic: a repeat of the same notification replaces one still waiting at the service.
            headers={"Topic": f"n{notification.pk}", "Urgency": "normal"},
            timeout=SEND_TIMEOUT_SECONDS,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in GONE:
            do_forget_expired_subscription(device.pk)
            return "expired"
        _release(delivery_id, f"{status}: {error}")
        raise
    except requests.RequestException as error:
        _release(delivery_id, str(error))
        raise
    _finish(delivery_id, timezone.now())
    PushSubscription.objects.filter(pk=device.pk).update(last_success_at=timezone.now())
    return "sent"


def _finish(delivery_id: int, when: datetime.datetime, note: str = "") -> None:
    PushDelivery.objects.filter(pk=delivery_id).update(
        sent_at=when, claimed_until=None, last_error=note
    )


def _release(delivery_id: int, error: str) -> None:
    PushDelivery.objects.filter(pk=delivery_id).update(
        claimed_until=None, last_error=error[:ERROR_LENGTH]
    )
