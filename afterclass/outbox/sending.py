"""Sending the outbox: claim a few rows, send them one by one, record each as it goes.

A claim lasts two task leases (claim_length); rows of a worker killed mid-send are claimed
again when it runs out. Each row is marked sent right after its own send, so a crash repeats
at most the message being sent at that moment — and that message keeps its Message-ID. A
worker asked to stop gives its unsent claims back before it goes. On PostgreSQL the claim skips
rows other workers have locked; on SQLite the claiming transaction is the single writer.
"""

from __future__ import annotations

import logging
import random
import smtplib
from datetime import timedelta
from email.utils import formatdate

from django.core.mail import mailers
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import get_random_string

from afterclass.outbox.message import OutboxEmail
from afterclass.outbox.models import EmailState, OutgoingEmail, OutgoingEmailQuerySet
from afterclass.worker import shutdown
from afterclass.worker.queue import lease

logger = logging.getLogger("afterclass.outbox")

CLAIM_SIZE = 50
MAX_ATTEMPTS = 8
RETRY_BASE_SECONDS = 30
TRANSIENT = (smtplib.SMTPException, OSError)


def build(row: OutgoingEmail) -> OutboxEmail:
    message = OutboxEmail(
        subject=row.subject,
        body=row.body,
        from_email=row.from_email,
        to=row.recipients,
        headers={
            **row.headers,
            "Message-ID": row.message_id,
            "Date": formatdate(row.created_at.timestamp(), localtime=False),
        },
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def claim_length() -> timedelta:
    """Two of the worker's task leases (120 s by default): the claims of a worker that died come
    back soon after its task does, as the task's lease setting says, instead of after a fixed
    time the re-run of that task may not wait for."""
    return 2 * lease()


def claim(claimer: str) -> list[OutgoingEmail]:
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutgoingEmail.objects.claimable(now)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")[:CLAIM_SIZE]
        )
        if rows:
            OutgoingEmail.objects.filter(pk__in=[row.pk for row in rows]).update(
                state=EmailState.SENDING,
                claimed_until=now + claim_length(),
                claimed_by=claimer,
                attempts=F("attempts") + 1,
            )
    for row in rows:
        row.attempts += 1
    return rows


def _mine(row: OutgoingEmail, claimer: str) -> OutgoingEmailQuerySet:
    return OutgoingEmail.objects.filter(pk=row.pk, state=EmailState.SENDING, claimed_by=claimer)


def release(rows: list[OutgoingEmail], claimer: str) -> None:
    """Give unsent claims back (the worker is stopping): waiting again, attempt not counted."""
    OutgoingEmail.objects.filter(
        pk__in=[row.pk for row in rows], state=EmailState.SENDING, claimed_by=claimer
    ).update(state=EmailState.QUEUED, claimed_until=None, attempts=F("attempts") - 1)


def _failed(row: OutgoingEmail, claimer: str, error: Exception) -> None:
    text = f"{type(error).__name__}: {error}"[:2000]
    query = _mine(row, claimer)
    if row.attempts >= MAX_ATTEMPTS:
        query.update(state=EmailState.FAILED, claimed_until=None, last_error=text)
        logger.error("giving up on e-mail %s after %s attempts: %s", row.key, row.attempts, text)
        return
    delay = RETRY_BASE_SECONDS * 2 ** (row.attempts - 1) * random.uniform(0.8, 1.2)  # noqa: S311
    query.update(
        state=EmailState.QUEUED,
        claimed_until=None,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        last_error=text,
    )


def send_queued() -> int:
    """Send every e-mail that is due; returns how many were sent. Raises Interrupted (after
    giving back what it had not sent) when the worker is asked to stop."""
    claimer = get_random_string(16)
    sent = 0
    with mailers.default as connection:
        while True:
            rows = claim(claimer)
            if not rows:
                return sent
            for index, row in enumerate(rows):
                if shutdown.stop_requested():
                    release(rows[index:], claimer)
                    raise shutdown.Interrupted
                try:
                    connection.send_messages([build(row)])
                except TRANSIENT as error:
                    logger.warning("sending e-mail %s failed: %s", row.key, error)
                    _failed(row, claimer, error)
                    continue
                OutgoingEmail.objects.filter(pk=row.pk, claimed_by=claimer).update(
                    state=EmailState.SENT, sent_at=timezone.now(), claimed_until=None
                )
                sent += 1
