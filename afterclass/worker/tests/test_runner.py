"""The worker's loop, run in the test's process in batch mode (no signals installed)."""

import threading

import pytest
from django.core.management import call_command
from django.utils import timezone

from afterclass.worker import runner, shutdown
from afterclass.worker.models import QueuedTask, TaskState, WorkerHeartbeat
from afterclass.worker.runner import Worker
from afterclass.worker.tests import jobs
from afterclass.worker.tests.test_queue import DATABASE_QUEUE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _database_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    shutdown.reset()
    yield
    shutdown.reset()


def run_batch() -> None:
    call_command("worker", batch=True, no_periodic=True, verbosity=0)


def test_worker_runs_a_task_and_keeps_its_value():
    result = jobs.add.enqueue(20, 22)
    run_batch()
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 42
    assert not WorkerHeartbeat.objects.exists()  # a stopped worker leaves no heartbeat behind


def test_worker_retries_a_transient_error_with_backoff(tmp_path):
    flag = tmp_path / "unlocked"
    result = jobs.fails_until_file_exists.enqueue(str(flag))
    run_batch()
    row = QueuedTask.objects.get(pk=result.id)
    assert row.state == TaskState.READY  # waiting for its retry, not lost
    assert row.error_class == "django.db.utils.OperationalError"
    assert row.run_after > timezone.now()
    flag.touch()
    QueuedTask.objects.filter(pk=row.pk).update(run_after=timezone.now())
    run_batch()
    row.refresh_from_db()
    assert (row.state, row.attempts, row.return_value) == (TaskState.SUCCESSFUL, 2, "done")


def test_worker_fails_a_task_that_keeps_failing_with_its_error():
    result = jobs.always_fails.enqueue("the printer is on fire")
    for _ in range(3):
        QueuedTask.objects.filter(pk=result.id).update(run_after=timezone.now())
        run_batch()
    row = QueuedTask.objects.get(pk=result.id)
    assert (row.state, row.attempts) == (TaskState.FAILED, 3)
    assert "the printer is on fire" in row.error
    result.refresh()
    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path == "builtins.ValueError"


def test_worker_gives_an_interrupted_task_back_uncounted():
    result = jobs.interrupted.enqueue()
    worker = Worker(worker_id="w", batch=True, max_tasks=1, periodic=False)
    worker.run()
    row = QueuedTask.objects.get(pk=result.id)
    assert (row.state, row.attempts) == (TaskState.READY, 0)


def test_worker_stops_before_claiming_when_asked():
    result = jobs.add.enqueue(1, 2)
    shutdown.request_stop()
    Worker(worker_id="w", batch=True, periodic=False).run()
    assert QueuedTask.objects.get(pk=result.id).state == TaskState.READY


def test_worker_enqueues_periodic_jobs_once_per_period():
    Worker(worker_id="a", batch=True, max_tasks=1).run()
    first = set(QueuedTask.objects.values_list("unique_key", flat=True))
    Worker(worker_id="b", batch=True, max_tasks=1).run()
    assert set(QueuedTask.objects.values_list("unique_key", flat=True)) == first
    assert any("send_digests@" in key for key in first)


def test_an_idle_worker_looks_often_but_keeps_its_connection(monkeypatch):
    """Looking at the queue four times a second must not mean a new connection each time."""
    recycled = []
    monkeypatch.setattr(runner, "close_old_connections", lambda: recycled.append(1))
    looks = []
    real_claim = runner.claim
    monkeypatch.setattr(
        runner, "claim", lambda *args, **kwargs: looks.append(1) or real_claim(*args, **kwargs)
    )
    worker = Worker(worker_id="idle", periodic=False, interval=0.05)
    threading.Timer(1.0, shutdown.request_stop).start()

    worker.run()

    assert len(looks) >= 10
    assert len(recycled) == 1  # once at the start; the next only after RECYCLE_EVERY seconds
    assert runner.IDLE_INTERVAL <= 0.25  # a fan-out starts within a quarter of a second
