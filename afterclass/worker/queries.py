"""What the System health page reads: workers, the queue by state, failed tasks, the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone

from afterclass.core.pagination import Page, paginate
from afterclass.outbox.models import EmailState, OutgoingEmail
from afterclass.worker.health import Check, readiness
from afterclass.worker.models import QueuedTask, TaskState, WorkerHeartbeat

RECENT_WORKERS = timedelta(minutes=10)


@dataclass(frozen=True)
class SystemHealth:
    checks: list[Check]
    workers: list[WorkerHeartbeat]
    waiting: int
    running: int
    failed: int
    oldest_waiting_seconds: int | None
    emails_waiting: int
    emails_failed: int

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks)


def system_health() -> SystemHealth:
    """Everything the page shows, in a fixed number of queries."""
    now = timezone.now()
    tasks = QueuedTask.objects.aggregate(
        waiting=Count("pk", filter=Q(state=TaskState.READY)),
        running=Count("pk", filter=Q(state=TaskState.RUNNING)),
        failed=Count("pk", filter=Q(state=TaskState.FAILED)),
        oldest=Min("run_after", filter=Q(state=TaskState.READY, run_after__lte=now)),
    )
    emails = OutgoingEmail.objects.aggregate(
        waiting=Count("pk", filter=Q(state__in=[EmailState.QUEUED, EmailState.SENDING])),
        failed=Count("pk", filter=Q(state=EmailState.FAILED)),
    )
    oldest = tasks["oldest"]
    return SystemHealth(
        checks=readiness(),
        workers=list(
            WorkerHeartbeat.objects.filter(seen_at__gte=now - RECENT_WORKERS).order_by(
                "hostname", "pid"
            )
        ),
        waiting=tasks["waiting"],
        running=tasks["running"],
        failed=tasks["failed"],
        oldest_waiting_seconds=int((now - oldest).total_seconds()) if oldest else None,
        emails_waiting=emails["waiting"],
        emails_failed=emails["failed"],
    )


def failed_tasks(cursor: str | None = None, limit: int = 20) -> Page[QueuedTask]:
    return paginate(
        QueuedTask.objects.filter(state=TaskState.FAILED).defer("args_kwargs", "return_value"),
        order=["-finished_at", "-id"],
        cursor=cursor,
        limit=limit,
    )
