"""Queueing e-mail: turn a rendered message into an outbox row, once per key."""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives

# The message type lives below actions and sending, so that queueing can enqueue the sending
# task without an import cycle; notifications build their messages with it from here.
from afterclass.outbox.message import OutboxEmail as OutboxEmail
from afterclass.outbox.models import OutgoingEmail
from afterclass.outbox.tasks import send_queued_email

SUBJECT_LENGTH = 250


def message_domain() -> str:
    """The domain of Message-IDs: the site's host, so they are unique to this installation."""
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return host or "afterclass.invalid"


def outgoing(key: str, message: EmailMessage) -> OutgoingEmail:
    """The outbox row for a rendered message (not saved)."""
    html = ""
    if isinstance(message, EmailMultiAlternatives):
        html = next(
            (str(content) for content, kind in message.alternatives if kind == "text/html"), ""
        )
    return OutgoingEmail(
        key=key,
        message_id=make_msgid(domain=message_domain()),
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        recipients=list(message.to),
        subject=str(message.subject)[:SUBJECT_LENGTH],
        body=str(message.body),
        html=html,
        headers=dict(message.extra_headers),
    )


def queue_emails(messages: Iterable[tuple[str, EmailMessage]]) -> int:
    """Queue (key, message) pairs in the caller's transaction; keys already queued are left
    alone, so running the producer again queues nothing twice. Returns how many were new."""
    rows = [outgoing(key, message) for key, message in messages]
    if not rows:
        return 0
    before = OutgoingEmail.objects.filter(key__in=[row.key for row in rows]).count()
    OutgoingEmail.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows) - before


def send_soon() -> None:
    """Ask a worker to send the queue now (the periodic sweep would, within a minute)."""
    send_queued_email.enqueue()
