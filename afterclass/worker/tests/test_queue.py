"""The queue's rows: enqueue, claim under a lease, recovery after a dead worker, retries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from afterclass.worker import queue
from afterclass.worker.models import QueuedTask, TaskState
from afterclass.worker.tests import jobs

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {
    "default": {
        "BACKEND": "afterclass.worker.backend.DatabaseBackend",
        "OPTIONS": {"LEASE_SECONDS": 30, "MAX_ATTEMPTS": 3},
    }
}


@pytest.fixture(autouse=True)
def _database_queue(settings):
    settings.TASKS = DATABASE_QUEUE


def test_enqueue_writes_a_ready_row_and_get_result_reads_it():
    result = jobs.add.enqueue(2, 3)
    row = QueuedTask.objects.get(pk=result.id)
    assert row.state == TaskState.READY
    assert row.task_path == "afterclass.worker.tests.jobs.add"
    assert row.args_kwargs == {"args": [2, 3], "kwargs": {}}
    assert row.max_attempts == 3
    assert jobs.add.get_result(result.id).status == "READY"


def test_claim_takes_a_task_once_under_a_lease():
    jobs.add.enqueue(1, 1)
    first = queue.claim("worker-a")
    assert first is not None
    assert first.state == TaskState.RUNNING
    assert first.attempts == 1
    assert first.worker_id == "worker-a"
    assert first.lease_expires_at > timezone.now() + timedelta(seconds=25)
    assert queue.claim("worker-b") is None  # nobody else gets it while the lease lasts


def test_claim_takes_up_a_task_whose_worker_died():
    jobs.add.enqueue(1, 1)
    row = queue.claim("dead-worker")
    QueuedTask.objects.filter(pk=row.pk).update(lease_expires_at=timezone.now() - timedelta(1))
    again = queue.claim("new-worker")
    assert again is not None
    assert again.pk == row.pk
    assert again.attempts == 2
    assert again.worker_ids == ["dead-worker", "new-worker"]
    # The dead worker's late outcome is ignored: the task is no longer its own.
    queue.succeed(row, "dead-worker", 99)
    assert QueuedTask.objects.get(pk=row.pk).state == TaskState.RUNNING


def test_claim_fails_a_task_whose_workers_keep_dying():
    jobs.add.enqueue(1, 1)
    for _ in range(3):
        row = queue.claim("dying")
        QueuedTask.objects.filter(pk=row.pk).update(lease_expires_at=timezone.now() - timedelta(1))
    assert queue.claim("dying") is None
    row = QueuedTask.objects.get()
    assert row.state == TaskState.FAILED
    assert "stopped before it finished" in row.error


def test_claim_waits_for_run_after_and_orders_by_priority():
    later = jobs.add.using(run_after=timezone.now() + timedelta(hours=1)).enqueue(0, 0)
    low = jobs.add.enqueue(0, 1)
    high = jobs.add.using(priority=10).enqueue(0, 2)
    assert str(queue.claim("w").pk) == high.id
    assert str(queue.claim("w").pk) == low.id
    assert queue.claim("w") is None
    assert QueuedTask.objects.get(pk=later.id).state == TaskState.READY


def test_renew_extends_only_the_holders_lease():
    jobs.add.enqueue(1, 1)
    row = queue.claim("holder")
    QueuedTask.objects.filter(pk=row.pk).update(lease_expires_at=timezone.now())
    assert not queue.renew(row.pk, "someone-else")
    assert queue.renew(row.pk, "holder")
    assert QueuedTask.objects.get(pk=row.pk).lease_expires_at > timezone.now()


def test_retry_or_fail_backs_off_then_fails_with_the_error():
    jobs.always_fails.enqueue("boom")
    row = queue.claim("w")
    assert queue.retry_or_fail(row, "w", ValueError("boom")) == TaskState.READY
    waiting = QueuedTask.objects.get(pk=row.pk)
    assert waiting.run_after > timezone.now() + timedelta(seconds=3)
    assert waiting.error_class == "builtins.ValueError"
    QueuedTask.objects.filter(pk=row.pk).update(attempts=3, state=TaskState.RUNNING)
    row.refresh_from_db()
    assert queue.retry_or_fail(row, "w", ValueError("boom again")) == TaskState.FAILED
    failed = QueuedTask.objects.get(pk=row.pk)
    assert failed.finished_at is not None
    assert "boom again" in failed.error


def test_give_back_does_not_count_the_attempt():
    jobs.add.enqueue(1, 1)
    row = queue.claim("stopping")
    queue.give_back(row, "stopping")
    row.refresh_from_db()
    assert (row.state, row.attempts) == (TaskState.READY, 0)


def test_requeue_tries_a_failed_task_again_from_the_start():
    jobs.add.enqueue(1, 1)
    row = queue.claim("w")
    queue.fail(row, "w", "gave up")
    assert queue.requeue(row.pk) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == (TaskState.READY, 0)
    assert queue.requeue(row.pk) == 0  # only failed tasks


def test_enqueue_once_is_idempotent_by_key():
    assert queue.enqueue_once("afterclass.worker.tests.jobs.interrupted", "key-1")
    assert not queue.enqueue_once("afterclass.worker.tests.jobs.interrupted", "key-1")
    assert QueuedTask.objects.count() == 1


def test_backoff_grows_and_is_capped():
    assert queue.backoff(1) < queue.backoff(3)
    assert queue.backoff(30) <= timedelta(seconds=queue.BACKOFF_MAX_SECONDS * 1.2)


def test_prune_finished_keeps_failed_and_recent_tasks():
    old = timezone.now() - timedelta(days=8)
    QueuedTask.objects.create(task_path="x.y", state=TaskState.SUCCESSFUL, finished_at=old)
    QueuedTask.objects.create(task_path="x.y", state=TaskState.FAILED, finished_at=old)
    QueuedTask.objects.create(
        task_path="x.y", state=TaskState.SUCCESSFUL, finished_at=timezone.now()
    )
    assert queue.prune_finished(timedelta(days=7)) == 1
    assert QueuedTask.objects.count() == 2
