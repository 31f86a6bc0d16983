"""API schemas of System health."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Schema

from afterclass.worker.models import QueuedTask
from afterclass.worker.queries import SystemHealth


class CheckOut(Schema):
    name: str
    ok: bool
    detail: str


class WorkerOut(Schema):
    hostname: str
    pid: int
    started_at: datetime
    seen_at: datetime
    stopping: bool
    current_task: UUID | None


class SystemHealthOut(Schema):
    ready: bool
    checks: list[CheckOut]
    workers: list[WorkerOut]
    tasks_waiting: int
    tasks_running: int
    tasks_failed: int
    oldest_waiting_seconds: int | None
    emails_waiting: int
    emails_failed: int

    @classmethod
    def build(cls, health: SystemHealth) -> SystemHealthOut:
        return cls(
            ready=health.ready,
            checks=[CheckOut(name=c.name, ok=c.ok, detail=c.detail) for c in health.checks],
            workers=[WorkerOut.from_orm(worker) for worker in health.workers],
            tasks_waiting=health.waiting,
            tasks_running=health.running,
            tasks_failed=health.failed,
            oldest_waiting_seconds=health.oldest_waiting_seconds,
            emails_waiting=health.emails_waiting,
            emails_failed=health.emails_failed,
        )


class TaskOut(Schema):
    id: UUID
    name: str
    task_path: str
    state: str
    attempts: int
    max_attempts: int
    enqueued_at: datetime
    run_after: datetime
    finished_at: datetime | None
    error_class: str
    error: str

    @classmethod
    def build(cls, task: QueuedTask) -> TaskOut:
        return cls(
            id=task.pk,
            name=task.name,
            task_path=task.task_path,
            state=task.state,
            attempts=task.attempts,
            max_attempts=task.max_attempts,
            enqueued_at=task.enqueued_at,
            run_after=task.run_after,
            finished_at=task.finished_at,
            error_class=task.error_class,
            error=task.error,
        )


class TaskPage(Schema):
    items: list[TaskOut]
    next: str | None
