"""Background work of notifications: the fan-out and the e-mails it leads to."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from afterclass.notifications.email import send_digests as send_due_digests
from afterclass.notifications.email import send_pending
from afterclass.notifications.fanout import Audience, deliver, notice_data
from afterclass.notifications.push import push_delivery


@task()
def send_pending_emails() -> int:
    """Send the e-mails of notifications whose recipients chose "e-mail at once"."""
    return send_pending()


@task()
def fan_out(notice: dict[str, Any], people: list[int], audience: str = Audience.PEOPLE) -> int:
    """Write a notice's notifications; queue the sender when someone chose e-mail at once, and
    the pushes (by the app registered in push.py) when someone chose push."""
    return deliver(
        notice_data(notice),
        people,
        audience,
        on_mail_now=send_pending_emails.enqueue,
        on_push=push_delivery(),
    )


@task()
def send_digests() -> int:
    """Send the daily and weekly digests that are due (the cron command enqueues this hourly)."""
    return send_due_digests()
