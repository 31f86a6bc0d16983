"""Periodic jobs, scheduled by the workers themselves instead of crontab lines that must run on
exactly one host. Each period of a job is enqueued with a unique key naming the period, so
however many workers look at the clock, the job runs once per period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from afterclass.worker.models import QueuedTask
from afterclass.worker.queue import enqueue_once


@dataclass(frozen=True)
class Periodic:
    task_path: str
    every: timedelta
    offset: timedelta = timedelta(0)  # e.g. 03:30 for a daily job: after the night's rollups

    def period_start(self, now: datetime) -> datetime:
        """The start of the period `now` is in, counted in UTC from the epoch plus `offset`."""
        epoch = datetime(1970, 1, 1, tzinfo=now.tzinfo) + self.offset
        periods = (now - epoch) // self.every
        return epoch + periods * self.every

    def key(self, now: datetime) -> str:
        return f"{self.task_path}@{self.period_start(now).isoformat()}"


HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

SCHEDULE: tuple[Periodic, ...] = (
    Periodic("afterclass.notifications.tasks.send_pending_emails", timedelta(minutes=5)),
    Periodic("afterclass.outbox.tasks.send_queued_email", timedelta(minutes=1)),
    Periodic("afterclass.learning.tasks.send_learning_reminders", timedelta(minutes=15)),
    Periodic("afterclass.notifications.tasks.send_digests", HOUR),
    # Pages read rollups only; the job recomputes today at every run, so figures lag 5 minutes.
    Periodic("afterclass.insights.tasks.rollup_insights", timedelta(minutes=5)),
    Periodic("afterclass.attachments.tasks.prune_unattached_uploads", DAY, timedelta(hours=3.5)),
    Periodic("afterclass.attachments.tasks.prune_orphan_media", DAY, offset=timedelta(hours=3.75)),
    Periodic("afterclass.worker.tasks.prune_finished_tasks", DAY, offset=timedelta(hours=4)),
    Periodic("afterclass.core.tasks.refresh_database_statistics", DAY, timedelta(hours=4.25)),
    Periodic("afterclass.api.tasks.prune_idempotency_keys", HOUR, offset=timedelta(minutes=40)),
    Periodic("afterclass.webapp.tasks.prune_push", DAY, offset=timedelta(hours=4.5)),
    Periodic("afterclass.exports.tasks.delete_expired_exports", HOUR, timedelta(minutes=50)),
    Periodic("afterclass.retention.tasks.apply_retention", DAY, offset=timedelta(hours=2.5)),
)


def enqueue_due(now: datetime | None = None, schedule: tuple[Periodic, ...] = SCHEDULE) -> int:
    """Enqueue every job's current period unless some worker already did; returns how many
    periods this call enqueued."""
    now = now or timezone.now()
    keys = {job.key(now): job for job in schedule}
    done = set(QueuedTask.objects.filter(unique_key__in=keys).values_list("unique_key", flat=True))
    return sum(enqueue_once(job.task_path, key) for key, job in keys.items() if key not in done)
