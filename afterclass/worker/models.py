"""The background work queue: one row per task, claimed under a lease by a worker.

A row is READY until a worker claims it; RUNNING while the worker's lease on it lasts (the
worker renews the lease while it works); a row whose lease has run out is claimable again, so a
worker that died never strands its task. A task that keeps failing ends FAILED with its error.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils import timezone


class TaskState(models.TextChoices):
    READY = "READY", "Waiting"
    RUNNING = "RUNNING", "Running"
    SUCCESSFUL = "SUCCESSFUL", "Done"
    FAILED = "FAILED", "Failed"


class QueuedTaskQuerySet(models.QuerySet["QueuedTask"]):
    def claimable(self, now: object) -> QueuedTaskQuerySet:
        """Ready and due, or running under a lease that has run out (its worker died)."""
        return self.filter(
            Q(state=TaskState.READY, run_after__lte=now)
            | Q(state=TaskState.RUNNING, lease_expires_at__lt=now)
        )

    def stuck(self, now: object) -> QueuedTaskQuerySet:
        return self.filter(state=TaskState.RUNNING, lease_expires_at__lt=now)


class QueuedTask(models.Model):
    """One piece of background work. `unique_key`, when set, makes enqueueing idempotent: a
    periodic job's key names its period, so several workers enqueue it once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_path = models.CharField(max_length=200)
    args_kwargs = models.JSONField(default=dict)
    queue_name = models.CharField(max_length=32, default="default")
    priority = models.SmallIntegerField(default=0)
    state = models.CharField(max_length=10, choices=TaskState.choices, default=TaskState.READY)
    unique_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=5)
    enqueued_at = models.DateTimeField(default=timezone.now)
    run_after = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    worker_id = models.CharField(max_length=64, blank=True)
    worker_ids = models.JSONField(default=list)
    return_value = models.JSONField(null=True, blank=True)
    error_class = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)

    objects = QueuedTaskQuerySet.as_manager()

    class Meta:
        indexes: ClassVar = [
            models.Index(
                fields=["-priority", "run_after"],
                condition=Q(state="READY"),
                name="task_ready",
            ),
            models.Index(
                fields=["lease_expires_at"], condition=Q(state="RUNNING"), name="task_running"
            ),
            models.Index(fields=["-finished_at"], condition=Q(state="FAILED"), name="task_failed"),
            models.Index(fields=["state", "finished_at"], name="task_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.state})"

    @property
    def name(self) -> str:
        return self.task_path.rsplit(".", 1)[-1]


class WorkerHeartbeat(models.Model):
    """A worker says it is alive every few seconds; /readyz and the System health page read it."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)
    current_task = models.UUIDField(null=True, blank=True)
    stopping = models.BooleanField(default=False)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["-seen_at"], name="worker_seen")]

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"
