"""The fan-out: writing the notifications of one notice for everyone it goes to, in chunks, once
per recipient and notice, after the action that caused it has committed (`actions.notify`
queues it; `tasks.fan_out` runs it)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    CharField,
    DateTimeField,
    Exists,
    Field,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.constants import OnConflict
from django.db.models.functions import Coalesce
from django.utils import timezone

from afterclass.live.events import ring_bells
from afterclass.notifications.models import (
    Channel,
    Notification,
    NotificationPreference,
    SpaceLevel,
    SpaceSubscription,
)
from afterclass.notifications.rules import (
    ALL_ACTIVITY_KINDS,
    DEFAULT_CHANNELS,
    PERSONAL_KINDS,
    THREAD_MUTE_KEEPS,
)
from afterclass.people.models import Person
from afterclass.posts.models import Comment, ContentState, Post, ThreadFollow, ThreadState
from afterclass.spaces.models import MODERATOR_ROLES, Membership
from afterclass.worker.shutdown import check_stop

BATCH_SIZE = 500
MESSAGE_LENGTH = 400

_silenced: ContextVar[bool] = ContextVar("notifications_silenced", default=False)


@contextmanager
def silenced() -> Iterator[None]:
    """Tell nobody about what happens inside: for loading history (the demo's 90 days of
    conversations), which is not news to anyone."""
    token = _silenced.set(True)
    try:
        yield
    finally:
        _silenced.reset(token)


def is_silenced() -> bool:
    return _silenced.get()


class Audience:
    """Whom a notice goes to, besides (or instead of) a list of people."""

    PEOPLE = "people"  # exactly the listed people
    SPACE_MEMBERS = "space_members"  # every active member of the notice's space
    SPACE_MODERATORS = "space_moderators"  # the space's active owners and moderators


@dataclass(frozen=True)
class Notice:
    """What to tell. `actor_id` is the person shown as having done it: leave it empty when they
    must not be named (an anonymous asker). `by_id` is who did it, never told about their own
    deed and never stored. With `members_only`, only active members of the space are told:
    nobody hears about content they cannot see."""

    kind: str
    message: str
    url: str
    space_id: int | None = None
    post_id: int | None = None
    comment_id: int | None = None
    actor_id: int | None = None
    by_id: int | None = None
    members_only: bool = True
    key: str = ""  # set by notify(): one notification per recipient and key


def deliver(
    notice: Notice,
    people: Iterable[int] = (),
    audience: str = Audience.PEOPLE,
    *,
    on_mail_now: Callable[[], object] | None = None,
    on_push: Callable[[str], object] | None = None,
) -> int:
    """Write the notifications of one notice, BATCH_SIZE recipients at a time: each chunk's
        recipients are read by keyset (preferences, space settings, membership and deactivation
        applied inside the query), then inserted in a short transaction of their own, so no read
        stays open while it writes. A notification is unique per (recipient, notice key): a fan-out
        resumed after a crash, or run twice, tells nobody twice. Between chunks it stops when the
        worker is asked to (and the next worker resumes). When someone told chose "e-mail at once",
    it calls `on_mail_now` (the fan-out task queues the sender; without it the sender's periodic
    run sends them); when someone chose push, `on_push` with the notice key (the fan-out task
    queues the pushes of that notice's notifications). Returns how many recipients it told."""
    if notice.post_id is not None and not _post_still_visible(notice.post_id, notice.comment_id):
        return 0
    rows = _recipients(notice, people, audience)
    key = notice.key or uuid.uuid4().hex
    after = 0
    told = 0
    mail_now = False
    push = False
    while True:
        check_stop()
        chunk = list(
            rows.filter(pk__gt=after).order_by("pk").values_list("pk", "channel")[:BATCH_SIZE]
        )
        if not chunk:
            break
        start, after = after, chunk[-1][0]
        with transaction.atomic():
            _insert_notifications(rows, notice, key, start, after)
            ids = [person_id for person_id, _ in chunk]
            transaction.on_commit(lambda ids=ids: ring_bells(ids))  # type: ignore[misc]
        told += len(chunk)
        mail_now = mail_now or any(chosen == Channel.EMAIL_NOW for _, chosen in chunk)
        push = push or any(chosen == Channel.PUSH for _, chosen in chunk)
    if mail_now and on_mail_now is not None:
        on_mail_now()
    if push and on_push is not None:
        on_push(key)
    return told


def _insert_notifications(rows: Any, notice: Notice, key: str, after: int, last: int) -> None:
    """Write the notifications of the recipients with ids in (after, last] with one INSERT …
    SELECT over the recipients query, skipping those already written (the notice key's unique
    constraint). Not `bulk_create`: it builds a model instance and prepares every field of every
    row in Python, 3 of the 3.5 seconds of a 10,000-member fan-out on SQLite (bench/fanout.py,
    cProfile; its SQL took 0.2 s), and on PostgreSQL its 6,500 parameters per chunk cost more
    to bind and parse than the insert itself. Here the database copies the rows."""
    text, number = CharField(), BigIntegerField()
    shared = {
        "kind": Value(notice.kind, output_field=text),
        "actor_id": Value(notice.actor_id, output_field=number),
        "space_id": Value(notice.space_id, output_field=number),
        "post_id": Value(notice.post_id, output_field=number),
        "comment_id": Value(notice.comment_id, output_field=number),
        "message": Value(notice.message[:MESSAGE_LENGTH], output_field=text),
        "url": Value(notice.url, output_field=text),
        "created_at": Value(timezone.now(), output_field=DateTimeField()),
        "notice_key": Value(key, output_field=text),
    }
    # Annotation names must not collide with the person's own fields.
    named = {f"notice_{name}": value for name, value in shared.items()}
    select = (
        rows.filter(pk__gt=after, pk__lte=last)
        .annotate(**named)
        .values_list("pk", "channel", *named)
        .order_by()
    )
    sql, params = select.query.sql_with_params()
    ops, meta = connection.ops, Notification._meta
    columns = ", ".join(
        ops.quote_name(cast("Field[Any, Any]", meta.get_field(name)).column or name)
        for name in ("recipient_id", "channel", *shared)
    )
    fields = [meta.get_field(name) for name in ("recipient", "channel")]
    with connection.cursor() as cursor:
        cursor.execute(
            f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} "
            f"{ops.quote_name(meta.db_table)} ({columns}) {sql} "
            f"{ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None)}",
            params,
        )


def _recipients(notice: Notice, people: Iterable[int], audience: str) -> Any:
    """Who is told of `notice`, with the channel each chose (an annotated Person query)."""
    recipients = Person.objects.filter(is_active=True)
    if audience == Audience.PEOPLE:
        recipients = recipients.filter(pk__in=list(people))
    elif notice.space_id is None:
        raise ValueError("A space audience needs the notice's space.")
    if notice.by_id is not None:
        recipients = recipients.exclude(pk=notice.by_id)
    if notice.space_id is not None:
        roles = MODERATOR_ROLES if audience == Audience.SPACE_MODERATORS else None
        member = Membership.objects.active_in(notice.space_id, OuterRef("pk"), roles=roles)
        if notice.members_only or audience != Audience.PEOPLE:
            recipients = recipients.filter(Exists(member))
        if notice.kind not in PERSONAL_KINDS:
            following = SpaceSubscription.objects.filter(
                person=OuterRef("pk"), space_id=notice.space_id
            )
            recipients = recipients.exclude(Exists(following.filter(level=SpaceLevel.MUTED)))
            if notice.kind in ALL_ACTIVITY_KINDS:
                recipients = recipients.filter(Exists(following.filter(level=SpaceLevel.ALL)))
    if notice.post_id is not None and notice.kind not in THREAD_MUTE_KEEPS:
        muted = ThreadFollow.objects.filter(
            post_id=notice.post_id, state=ThreadState.MUTED, person=OuterRef("pk")
        )
        recipients = recipients.exclude(Exists(muted))
    channel = Coalesce(
        Subquery(
            NotificationPreference.objects.filter(person=OuterRef("pk"), kind=notice.kind).values(
                "channel"
            )[:1]
        ),
        Value(DEFAULT_CHANNELS.get(notice.kind, Channel.IN_APP)),
    )
    return recipients.annotate(channel=channel).exclude(channel=Channel.OFF)


def _post_still_visible(post_id: int, comment_id: int | None) -> bool:
    """By the time the fan-out runs, the post (or comment) may have been hidden or removed:
    then nobody is told about it."""
    if not Post.objects.filter(pk=post_id, state=ContentState.VISIBLE).exists():
        return False
    return comment_id is None or (
        Comment.objects.filter(pk=comment_id, state=ContentState.VISIBLE).exists()
    )


def notice_data(data: dict[str, Any]) -> Notice:
    return Notice(**data)
