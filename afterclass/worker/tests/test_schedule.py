"""Periodic jobs: one row per job and period, however many workers look."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils.module_loading import import_string

from afterclass.worker.models import QueuedTask
from afterclass.worker.schedule import SCHEDULE, Periodic, enqueue_due

pytestmark = pytest.mark.django_db


def test_periodic_period_start_counts_from_its_offset():
    daily = Periodic("x.y", timedelta(days=1), offset=timedelta(hours=3, minutes=30))
    assert daily.period_start(datetime(2026, 12, 7, 3, 29, tzinfo=UTC)) == datetime(
        2026, 12, 6, 3, 30, tzinfo=UTC
    )
    assert daily.period_start(datetime(2026, 12, 7, 3, 31, tzinfo=UTC)) == datetime(
        2026, 12, 7, 3, 30, tzinfo=UTC
    )


def test_enqueue_due_enqueues_each_job_once_per_period():
    now = datetime(2026, 12, 7, 10, 0, 30, tzinfo=UTC)
    assert enqueue_due(now) == len(SCHEDULE)
    assert enqueue_due(now + timedelta(seconds=20)) == 0
    # Five minutes on, only the jobs of five minutes or less have a new period.
    short = [job for job in SCHEDULE if job.every <= timedelta(minutes=5)]
    assert {job.task_path for job in short} >= {
        "afterclass.notifications.tasks.send_pending_emails",
        "afterclass.outbox.tasks.send_queued_email",
        "afterclass.insights.tasks.rollup_insights",
    }
    assert enqueue_due(now + timedelta(minutes=5)) == len(short)
    assert QueuedTask.objects.count() == len(SCHEDULE) + len(short)


def test_every_scheduled_job_is_a_task():
    for job in SCHEDULE:
        assert hasattr(import_string(job.task_path), "enqueue"), job.task_path
