"""Turning push on and off for a device: every write to subscriptions is here."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from afterclass.audit.log import record_audit
from afterclass.people.models import Person
from afterclass.webapp.models import PushDelivery, PushSubscription

# How long a delivery is kept once written: enough to see what was sent lately; a notice is not
# pushed again after this (its deliveries are written once, at its fan-out).
KEEP_DELIVERIES = timedelta(days=30)


def do_save_push_subscription(
    *, actor: Person, endpoint: str, p256dh: str, auth: str, label: str = ""
) -> PushSubscription:
    """Push to this device for the actor. An endpoint is one browser profile: if someone else
    subscribed it before (a shared computer), it now belongs to the actor alone."""
    with transaction.atomic():
        subscription, created = PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={"person": actor, "p256dh": p256dh, "auth": auth, "label": label[:120]},
        )
        if created:
            record_audit("webapp.push_on", subscription, actor=actor, label=subscription.label)
    return subscription


def do_delete_push_subscription(*, actor: Person, endpoint: str) -> bool:
    """No more pushes to this device; only the actor's own subscription can be removed."""
    with transaction.atomic():
        subscription = PushSubscription.objects.filter(person=actor, endpoint=endpoint).first()
        if subscription is None:
            return False
        record_audit("webapp.push_off", subscription, actor=actor, label=subscription.label)
        subscription.delete()
    return True


def do_forget_expired_subscription(subscription_id: int) -> None:
    """The push service says the subscription is gone (404 or 410): stop sending to it."""
    PushSubscription.objects.filter(pk=subscription_id).delete()


def do_prune_push(now: datetime) -> tuple[int, int]:
    """Housekeeping: forget the deliveries older than KEEP_DELIVERIES, and the devices of people
    deactivated since (do_set_active forgets them at once; this catches any left). Returns how
    many deliveries and devices were deleted."""
    deliveries, _ = PushDelivery.objects.filter(created_at__lt=now - KEEP_DELIVERIES).delete()
    devices, _ = PushSubscription.objects.filter(person__is_active=False).delete()
    return deliveries, devices
