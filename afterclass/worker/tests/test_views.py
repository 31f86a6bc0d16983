"""The System health page: organisation admins see the checks, the workers and the failed
tasks, and retry a failed task; nobody else gets in."""

import uuid

import pytest
from django.utils import timezone

from afterclass.audit.models import AuditEntry
from afterclass.outbox.models import EmailState, OutgoingEmail
from afterclass.worker.models import QueuedTask, TaskState

pytestmark = pytest.mark.django_db


def failed_task(**fields) -> QueuedTask:
    return QueuedTask.objects.create(
        task_path="afterclass.notifications.tasks.send_digests",
        state=TaskState.FAILED,
        attempts=5,
        finished_at=timezone.now(),
        error_class="builtins.ValueError",
        error="Traceback …\nValueError: the printer is on fire",
        **fields,
    )


def test_system_page_shows_failed_tasks_to_an_admin(client, admin):
    failed_task()
    client.force_login(admin)
    response = client.get("/manage/system/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "System health" in page
    assert "send_digests" in page
    assert "the printer is on fire" in page
    assert 'aria-current="page">System health' in page


@pytest.mark.parametrize("failed", [1, 50])
def test_system_page_query_count_does_not_grow(client, admin, failed, django_assert_num_queries):
    for _ in range(failed):
        failed_task()
    client.force_login(admin)
    client.get("/manage/system/")
    # session, person, task and e-mail figures, readiness (the database; the tests run tasks
    # at once, so no worker checks), workers, failed tasks page, organisation (base)
    with django_assert_num_queries(8):
        assert client.get("/manage/system/").status_code == 200


def test_system_page_refuses_members_and_asks_strangers_to_sign_in(client, person):
    assert client.get("/manage/system/").status_code == 302
    client.force_login(person)
    assert client.get("/manage/system/").status_code == 403


def test_retry_task_runs_a_failed_task_again_and_audits_it(client, admin):
    task = failed_task()
    client.force_login(admin)
    response = client.post(f"/manage/system/tasks/{task.pk}/retry/")
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.state, task.attempts) == (TaskState.READY, 0)
    entry = AuditEntry.objects.get(action="worker.retry_task")
    assert entry.actor == admin
    assert entry.data == {"task": str(task.pk), "name": "send_digests"}


def test_retry_task_refuses_a_task_that_is_not_failed(client, admin):
    task = QueuedTask.objects.create(task_path="x.y")
    client.force_login(admin)
    response = client.post(f"/manage/system/tasks/{task.pk}/retry/", follow=True)
    assert "Only a failed task can be retried" in response.content.decode()
    task.refresh_from_db()
    assert task.state == TaskState.READY
    assert not AuditEntry.objects.exists()


def test_retry_task_answers_404_for_unknown_or_malformed_ids(client, admin):
    client.force_login(admin)
    assert client.post(f"/manage/system/tasks/{uuid.uuid4()}/retry/").status_code == 404
    assert client.post("/manage/system/tasks/not-a-uuid/retry/").status_code == 404


def test_retry_task_refuses_a_member(client, person):
    task = failed_task()
    client.force_login(person)
    assert client.post(f"/manage/system/tasks/{task.pk}/retry/").status_code == 403
    task.refresh_from_db()
    assert task.state == TaskState.FAILED


def test_retry_emails_queues_the_failed_ones_again(
    client, admin, mailoutbox, django_capture_on_commit_callbacks
):
    OutgoingEmail.objects.create(
        key="k", message_id="<1@x>", from_email="a@x", recipients=["b@example.org"],
        subject="Hello", body="Hi", state=EmailState.FAILED, attempts=8,
    )  # fmt: skip
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/manage/system/emails/retry/", follow=True)
    assert "1 e-mail will be sent again" in response.content.decode()
    assert OutgoingEmail.objects.get().state == EmailState.SENT  # tests send at once
    assert [message.to for message in mailoutbox] == [["b@example.org"]]
