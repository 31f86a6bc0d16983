"""Announcing to a big space returns at once and the background job writes the notifications
with bulk inserts: the request's queries do not grow with the audience, and the job's INSERT
statements grow with the audience divided by the batch size, not with each member."""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from afterclass.notifications.fanout import BATCH_SIZE
from afterclass.notifications.models import Notification, NotificationKind
from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Person
from afterclass.people.tests.factories import PersonFactory
from afterclass.spaces.models import Membership, Role
from afterclass.spaces.tests.factories import add_member, make_space
from afterclass.worker.models import QueuedTask, TaskState

# Committed for real: the worker, like in production, opens and closes its own connections.
pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_QUEUE = {"default": {"BACKEND": "afterclass.worker.backend.DatabaseBackend"}}


def fill(space, count: int, prefix: str) -> None:
    people = Person.objects.bulk_create(
        Person(email=f"{prefix}{n}@example.org", display_name=f"{prefix} {n}", password="!")
        for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(space=space, person=person, rules_version_accepted=space.rules_version)
        for person in people
    )


def announce(client, space, author, token: str, django_capture_on_commit_callbacks):
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            f"/api/v1/spaces/{space.slug}/posts",
            json.dumps({"kind": "announcement", "title": "Town hall", "body": "Friday at 3."}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    assert response.status_code == 201, response.content
    return len(queries)


def test_announcing_to_10000_members_returns_at_once_and_inserts_in_bulk(
    client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_QUEUE
    small, big = make_space(name="Small space"), make_space(name="Big space")
    author = PersonFactory()
    add_member(small, author, role=Role.MODERATOR)
    add_member(big, author, role=Role.MODERATOR)
    fill(small, 3, "small")
    fill(big, 10_000, "big")
    _, token = do_create_access_token(author, "tests", actor=author)
    announce(client, small, author, token, django_capture_on_commit_callbacks)  # token's first use
    # What the setting up queued (the spaces' launch, the first announcement) is not measured.
    QueuedTask.objects.all().delete()
    Notification.objects.all().delete()

    small_queries = announce(client, small, author, token, django_capture_on_commit_callbacks)
    big_queries = announce(client, big, author, token, django_capture_on_commit_callbacks)

    assert big_queries == small_queries
    assert not Notification.objects.exists()  # nothing written in the request
    fan_outs = QueuedTask.objects.filter(task_path__endswith=".fan_out")
    assert fan_outs.count() == 2  # one fan-out job queued per announcement

    with CaptureQueriesContext(connection) as queries:
        # The two fan-outs only: indexing and the e-mails they queue are tested elsewhere.
        QueuedTask.objects.exclude(pk__in=fan_outs.values("pk")).delete()
        call_command("worker", batch=True, max_tasks=2, no_periodic=True, verbosity=0)
    assert set(fan_outs.values_list("state", flat=True)) == {TaskState.SUCCESSFUL}
    inserts = [
        q["sql"] for q in queries.captured_queries
        if q["sql"].startswith("INSERT") and 'INTO "notifications_notification"' in q["sql"]
    ]  # fmt: skip
    # The big space's 10,000 members plus its owner, in batches, and the small space once.
    told_in_big = Notification.objects.filter(space=big, kind=NotificationKind.ANNOUNCEMENT)
    assert told_in_big.count() == 10_001
    assert not told_in_big.filter(recipient=author).exists()
    assert len(inserts) == 10_001 // BATCH_SIZE + 1 + 1
    mail_jobs = QueuedTask.objects.filter(task_path__endswith="send_pending_emails")
    assert mail_jobs.exists()


def test_fan_out_copies_rows_in_the_database_without_a_model_instance_per_recipient(settings):
    """bulk_create built and prepared a Notification per recipient in Python: 3 of the 3.5
    seconds of a 10,000-member fan-out (bench/fanout.py). The rows are copied by INSERT … SELECT,
    one statement per chunk, and a second run of the same notice writes nothing."""
    from unittest import mock

    from afterclass.notifications.fanout import Audience, Notice, deliver

    settings.TASKS = DATABASE_QUEUE  # the e-mails it leads to are queued, not sent here
    space = make_space(name="Everyone")
    owner = PersonFactory()
    add_member(space, owner, role=Role.OWNER)
    fill(space, BATCH_SIZE * 2 + 1, "member")
    notice = Notice(
        NotificationKind.ANNOUNCEMENT, "Town hall", "/posts/1/", space_id=space.pk,
        actor_id=owner.pk, by_id=owner.pk, key="town-hall",
    )  # fmt: skip
    members = Membership.objects.filter(space=space).exclude(person=owner).count()
    assert members > BATCH_SIZE * 2

    with (
        mock.patch.object(Notification, "__init__", side_effect=AssertionError("an instance")),
        CaptureQueriesContext(connection) as queries,
    ):
        told = deliver(notice, audience=Audience.SPACE_MEMBERS)
        again = deliver(notice, audience=Audience.SPACE_MEMBERS)

    inserts = [
        q["sql"] for q in queries.captured_queries
        if q["sql"].startswith("INSERT") and "notifications_notification" in q["sql"]
    ]  # fmt: skip
    assert told == again == members
    assert len(inserts) == 2 * 3  # three chunks, twice
    rows = Notification.objects.filter(notice_key="town-hall")
    assert rows.count() == rows.values("recipient").distinct().count() == members
    assert not rows.filter(recipient=owner).exists()
    row = rows.first()
    assert (row.kind, row.message, row.url, row.actor_id, row.space_id, row.post_id) == (
        NotificationKind.ANNOUNCEMENT,
        "Town hall",
        "/posts/1/",
        owner.pk,
        space.pk,
        None,
    )
    assert row.channel == "email_now"
    assert row.read_at is None
