"""Notification e-mails: the immediate ones ("e-mail at once") and the digest ("what happened in
your spaces"), each in HTML and plain text with a signed one-click unsubscribe link.

Nobody deactivated, nobody who chose "no e-mail at all", and nothing the recipient may no longer
see is ever mailed. Both senders work in batches with a fixed number of queries per batch.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from afterclass.notifications.access import notifications_still_shown
from afterclass.notifications.models import (
    Channel,
    DigestFrequency,
    EmailSettings,
    Notification,
    SpaceLevel,
    SpaceSubscription,
)
from afterclass.outbox.actions import OutboxEmail, queue_emails
from afterclass.outbox.sending import send_queued
from afterclass.people.models import Organisation, Person
from afterclass.posts.access import A_COLLEAGUE, MODERATOR_ROLES, author_shown_to
from afterclass.posts.models import ContentState, Post, PostKind
from afterclass.spaces.models import Membership, Status
from afterclass.worker.shutdown import check_stop

UNSUBSCRIBE_SALT = "afterclass.notifications.unsubscribe"
BATCH_SIZE = 200
DIGEST_PERIODS = {
    DigestFrequency.DAILY: datetime.timedelta(days=1),
    DigestFrequency.WEEKLY: datetime.timedelta(days=7),
}
# The hourly cron run may start a little earlier than the hour before: a digest due within this
# margin goes out now rather than an hour late.
DIGEST_MARGIN = datetime.timedelta(minutes=30)
QUESTIONS_PER_DIGEST = 10
NOTIFICATIONS_PER_DIGEST = 30
DIGEST_SUBJECT = "What happened in your spaces"
SUBJECT_LENGTH = 120


# --- Unsubscribe links ----------------------------------------------------------------------


def unsubscribe_token(person: Person) -> str:
    """A signed token naming the person, valid only for unsubscribing (its own salt)."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(person.pk))


def person_for_unsubscribe(token: str) -> Person | None:
    """The token's owner, or None for a tampered, foreign or unknown token."""
    try:
        raw = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    if not raw.isdigit():
        return None
    return Person.objects.filter(pk=int(raw)).first()


def unsubscribe_url(person: Person) -> str:
    path = reverse("unsubscribe", args=[unsubscribe_token(person)])
    return f"{settings.SITE_URL}{path}"


def _absolute(path: str) -> str:
    # Notification urls are local paths (written by the apps); anything else is not linked.
    if path.startswith("/") and not path.startswith("//"):
        return f"{settings.SITE_URL}{path}"
    return f"{settings.SITE_URL}{reverse('notifications')}"


def _message(person: Person, subject: str, template: str, context: dict[str, Any]) -> OutboxEmail:
    link = unsubscribe_url(person)
    context = {
        **context,
        "person": person,
        "unsubscribe_url": link,
        "settings_url": f"{settings.SITE_URL}{reverse('notification-settings')}",
        "site_url": settings.SITE_URL,
    }
    # Header values must be one line: messages are one line, but never trust that.
    subject = " ".join(subject.split())
    if len(subject) > SUBJECT_LENGTH:
        subject = subject[: SUBJECT_LENGTH - 1] + "…"
    message = OutboxEmail(
        subject=subject,
        body=render_to_string(f"notifications/email/{template}.txt", context),
        to=[person.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string(f"notifications/email/{template}.html", context), "text/html"
    )
    return message


def _mailable_people() -> Q:
    """Recipients that may be mailed at all: active, and not "no e-mail at all"."""
    return Q(recipient__is_active=True) & ~Q(recipient__email_settings__no_email=True)


# --- Immediate e-mails ----------------------------------------------------------------------


def send_pending() -> int:
    """Queue the e-mails of "e-mail at once" notifications, then send the outbox; returns how
    many e-mails were queued."""
    queued = queue_pending()
    send_queued()
    return queued


def queue_pending() -> int:
    """Queue the e-mail of every notification whose recipient chose "e-mail at once" and that
    was not handled yet, then send the outbox; returns how many e-mails were queued. Each batch
    is queued and marked handled in one transaction, so a crash never queues a notification's
    e-mail twice (the outbox key is the notification). Rows that must not be mailed
    (deactivated person, no e-mail, no longer visible) are marked handled too. Returns how
    many e-mails were queued."""
    organisation = Organisation.current()
    queued = 0
    after = 0
    while True:
        check_stop()
        pending = list(
            Notification.objects.filter(
                channel=Channel.EMAIL_NOW, emailed_at__isnull=True, pk__gt=after
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH_SIZE]
        )
        if not pending:
            break
        after = pending[-1]
        rows = list(
            Notification.objects.filter(pk__in=pending)
            .filter(_mailable_people(), notifications_still_shown())
            .select_related("recipient", "space")
            .order_by("pk")
        )
        messages = [
            (
                f"notification:{row.pk}",
                _message(
                    row.recipient,
                    row.message,
                    "notification",
                    {"notification": row, "url": _absolute(row.url), "organisation": organisation},
                ),
            )
            for row in rows
        ]
        with transaction.atomic():
            queued += queue_emails(messages)
            record_emailed(pending, timezone.now())
    return queued


# --- Digests --------------------------------------------------------------------------------


@dataclass
class Digest:
    """What one person's digest says: waiting questions first, then unread notifications."""

    person: Person
    since: datetime.datetime
    questions: list[tuple[Post, str]] = field(default_factory=list)  # (post, asker shown)
    notifications: list[Notification] = field(default_factory=list)
    notification_ids: list[int] = field(default_factory=list)  # all of them, shown or not

    @property
    def is_empty(self) -> bool:
        return not self.questions and not self.notification_ids


def _due_people(now: datetime.datetime) -> Any:
    """Active people who want e-mail and whose digest is due; without settings, the defaults
    (a weekly digest, e-mail allowed) apply."""
    due = Q()
    for frequency, period in DIGEST_PERIODS.items():
        due |= Q(digest=frequency) & (
            Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=now - period + DIGEST_MARGIN)
        )
    return (
        Person.objects.filter(is_active=True)
        .annotate(
            digest=Coalesce(F("email_settings__digest"), Value(DigestFrequency.WEEKLY)),
            no_email=Coalesce(
                F("email_settings__no_email"), Value(False), output_field=BooleanField()
            ),
            last_digest_at=F("email_settings__last_digest_at"),
            settings_id=F("email_settings__id"),
        )
        .filter(due, no_email=False)
    )


def send_digests(now: datetime.datetime | None = None) -> int:
    """Queue the digests due at `now`, then send the outbox; returns how many were queued."""
    queued = queue_digests(now or timezone.now())
    send_queued()
    return queued


def queue_digests(now: datetime.datetime) -> int:
    """Queue every digest that is due at `now` (the worker looks every hour); returns how many
    were queued. Everyone whose digest was due has it marked sent, even with nothing to say,
    in the transaction that queues it."""
    queued = 0
    after = 0
    while True:
        check_stop()
        people = list(_due_people(now).filter(pk__gt=after).order_by("pk")[:BATCH_SIZE])
        if not people:
            break
        after = people[-1].pk
        queued += _queue_digest_batch(people, now)
    return queued


def _queue_digest_batch(people: list[Person], now: datetime.datetime) -> int:
    """One batch of people, in a fixed number of queries: memberships, muted spaces, waiting
    questions, digest notifications, then the writes (one transaction)."""
    digests = {
        person.pk: Digest(
            person,
            since=getattr(person, "last_digest_at", None)
            or now - DIGEST_PERIODS[getattr(person, "digest", DigestFrequency.WEEKLY)],
        )
        for person in people
    }
    _add_questions(digests, now)
    _add_notifications(digests)
    organisation = Organisation.current()
    messages = [
        (
            f"digest:{digest.person.pk}:{now:%Y-%m-%dT%H:%M}",
            _message(
                digest.person,
                DIGEST_SUBJECT,
                "digest",
                {
                    "digest": digest,
                    "organisation": organisation,
                    "waiting_url": f"{settings.SITE_URL}{reverse('waiting-questions')}",
                    "centre_url": f"{settings.SITE_URL}{reverse('notifications')}",
                    "questions": [
                        {"post": post, "asker": asker, "url": _absolute(post_url(post))}
                        for post, asker in digest.questions
                    ],
                    "notifications": [
                        {"notification": row, "url": _absolute(row.url)}
                        for row in digest.notifications
                    ],
                },
            ),
        )
        for digest in digests.values()
        if not digest.is_empty
    ]
    mailed = [pk for digest in digests.values() for pk in digest.notification_ids]
    with transaction.atomic():
        queued = queue_emails(messages)
        record_emailed(mailed, now)
        record_digests_sent(people, now)
    return queued


def post_url(post: Post) -> str:
    return reverse("post-detail", args=[post.pk])


def _add_questions(digests: dict[int, Digest], now: datetime.datetime) -> None:
    """New questions nobody has answered since each person's last digest, in the spaces where
    they are an active member (not archived, not muted), not their own, and only those they may
    see (`Post.objects.visible_to_recipient`); the asker as that person may see them. One query
    for the batch (a row per question and person, at most QUESTIONS_PER_DIGEST a person), one
    for the questions."""
    if not digests:
        return
    recipient = OuterRef("recipient")
    since = Case(
        *(When(recipient=pk, then=Value(digest.since)) for pk, digest in digests.items()),
        output_field=DateTimeField(),
    )
    muted = SpaceSubscription.objects.filter(
        space=OuterRef("space"), person=recipient, level=SpaceLevel.MUTED
    )
    waiting = (
        Post.objects.filter(
            kind=PostKind.QUESTION,
            answer_count=0,
            state=ContentState.VISIBLE,
            created_at__gt=min(digest.since for digest in digests.values()),
            created_at__lte=now,
        )
        .exclude(space__status=Status.ARCHIVED)
        # A candidate row for each person of the batch with a membership of the question's space;
        # the rules below decide which of them stay.
        .annotate(recipient=F("space__memberships__person"))
        .filter(
            Exists(Membership.objects.active_in(OuterRef("space"), recipient)),
            Exists(Post.objects.visible_to_recipient(recipient).filter(pk=OuterRef("pk"))),
            ~Exists(muted),
            ~Q(author=F("recipient")),
            recipient__in=list(digests),
            created_at__gt=since,
        )
        .annotate(
            moderates=Exists(
                Membership.objects.active_in(OuterRef("space"), recipient, roles=MODERATOR_ROLES)
            ),
            place=Window(
                RowNumber(),
                partition_by=F("recipient"),
                order_by=(F("created_at").asc(), F("pk").asc()),
            ),
        )
        .filter(place__lte=QUESTIONS_PER_DIGEST)
        .order_by("recipient", "created_at", "pk")
        .values_list("recipient", "pk", "moderates")
    )
    rows = list(waiting)
    posts = Post.objects.select_related("space", "author").in_bulk({pk for _, pk, _ in rows})
    for person_id, pk, moderates in rows:
        digest, post = digests[person_id], posts[pk]
        shown = author_shown_to(digest.person, post, moderated={post.space_id} if moderates else ())
        digest.questions.append((post, shown.display_name if shown else A_COLLEAGUE))


def _add_notifications(digests: dict[int, Digest]) -> None:
    """Unread notifications the person chose for the digest and that were not in one yet."""
    rows = (
        Notification.objects.filter(
            recipient__in=list(digests),
            channel=Channel.EMAIL_DIGEST,
            read_at__isnull=True,
            emailed_at__isnull=True,
        )
        .filter(notifications_still_shown())
        .select_related("space")
        .order_by("recipient_id", "-created_at", "-id")
    )
    for row in rows:
        digest = digests[row.recipient_id]
        digest.notification_ids.append(row.pk)
        if len(digest.notifications) < NOTIFICATIONS_PER_DIGEST:
            digest.notifications.append(row)


# --- what the e-mail sender records ----------------------------------------------------------


def record_emailed(notification_ids: list[int], now: datetime.datetime) -> None:
    """These notifications went out by e-mail (or were deliberately skipped): never again."""
    if notification_ids:
        Notification.objects.filter(pk__in=notification_ids).update(emailed_at=now)


def record_digests_sent(people: list[Person], now: datetime.datetime) -> None:
    """Remember when each person's digest went out (their settings row made if missing)."""
    missing = [person for person in people if getattr(person, "settings_id", None) is None]
    if missing:
        EmailSettings.objects.bulk_create(
            [EmailSettings(person=person) for person in missing], ignore_conflicts=True
        )
    EmailSettings.objects.filter(person__in=[person.pk for person in people]).update(
        last_digest_at=now
    )
