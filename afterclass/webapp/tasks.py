"""Background work of push: writing a notice's deliveries, sending each one, and forgetting old
deliveries and the devices of deactivated people (a periodic job, worker/schedule.py)."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from afterclass.webapp.actions import do_prune_push
from afterclass.webapp.pushing import queue_deliveries, send_delivery


@task()
def queue_pushes(notice_key: str) -> int:
    """Write the deliveries of a notice's push notifications and queue a sender for each."""
    pending = queue_deliveries(notice_key)
    for delivery_id in pending:
        send_push.enqueue(delivery_id)
    return len(pending)


@task()
def send_push(delivery_id: int) -> str:
    """Send one notification to one device (retried by the worker when it raises)."""
    return send_delivery(delivery_id)


@task()
def prune_push() -> str:
    """Delete old push deliveries and deactivated people's devices (daily)."""
    deliveries, devices = do_prune_push(timezone.now())
    return f"{deliveries} deliveries, {devices} devices deleted"
