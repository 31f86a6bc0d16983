"""Reading and writing the queue's rows: enqueue, claim under a lease, renew, finish, retry.

Every state change is one short statement or transaction, so a worker never holds SQLite's
write lock while a task runs. A claim is a compare-and-set: on PostgreSQL the candidate row is
locked with SKIP LOCKED so concurrent workers take different rows; on SQLite the IMMEDIATE
transaction makes the worker the single writer while it claims.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from traceback import format_exception
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from afterclass.worker.models import QueuedTask, TaskState

ERROR_LENGTH = 20_000
BACKOFF_BASE_SECONDS = 5
BACKOFF_MAX_SECONDS = 600


def option(name: str, default: int) -> int:
    options = settings.TASKS.get("default", {}).get("OPTIONS", {})
    return int(options.get(name, default))


def lease() -> timedelta:
    """How long a claim lasts without renewal; a worker renews it every third of it."""
    return timedelta(seconds=option("LEASE_SECONDS", 60))


def max_attempts() -> int:
    return option("MAX_ATTEMPTS", 5)


def enqueue_row(
    task_path: str,
    args: list[Any],
    kwargs: dict[str, Any],
    *,
    queue_name: str = "default",
    priority: int = 0,
    run_after: datetime | None = None,
    unique_key: str | None = None,
) -> QueuedTask:
    """Add a task; with `unique_key`, a second enqueue of the same key returns the first row."""
    row = QueuedTask(
        task_path=task_path,
        args_kwargs={"args": args, "kwargs": kwargs},
        queue_name=queue_name,
        priority=priority,
        run_after=run_after or timezone.now(),
        unique_key=unique_key,
        max_attempts=max_attempts(),
    )
    if unique_key is None:
        row.save(force_insert=True)
        return row
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return QueuedTask.objects.get(unique_key=unique_key)
    return row


def enqueue_once(task_path: str, unique_key: str) -> bool:
    """Add a task without arguments unless one with this key exists; True when it was added."""
    try:
        with transaction.atomic():
            QueuedTask.objects.create(
                task_path=task_path,
                args_kwargs={"args": [], "kwargs": {}},
                unique_key=unique_key,
                max_attempts=max_attempts(),
            )
    except IntegrityError:
        return False
    return True


def claim(worker_id: str, queues: list[str] | None = None) -> QueuedTask | None:
    """Take the next due task (or one whose worker's lease ran out) for `worker_id`."""
    now = timezone.now()
    candidates = QueuedTask.objects.claimable(now)
    if queues:
        candidates = candidates.filter(queue_name__in=queues)
    # A plain read first: an idle worker looks every second, and on SQLite the claiming
    # transaction takes the write lock, which other writers would have to wait for.
    if not candidates.exists():
        return None
    with transaction.atomic():
        row = (
            candidates.select_for_update(skip_locked=True)
            .order_by("-priority", "run_after", "enqueued_at")
            .first()
        )
        if row is None:
            return None
        taken = (
            QueuedTask.objects.filter(pk=row.pk)
            .filter(Q(state=TaskState.READY) | Q(state=TaskState.RUNNING, lease_expires_at__lt=now))
            .update(
                state=TaskState.RUNNING,
                attempts=F("attempts") + 1,
                started_at=now,
                lease_expires_at=now + lease(),
                worker_id=worker_id,
                worker_ids=[*row.worker_ids, worker_id][-20:],
            )
        )
    if not taken:
        return None
    row.refresh_from_db()
    if row.attempts > row.max_attempts:
        # Claimed again after its worker died as often as it may be tried: it ends here.
        fail(row, worker_id, "The worker running it stopped before it finished, every time.")
        return None
    return row


def renew(task_id: Any, worker_id: str) -> bool:
    """Extend the lease of a task this worker still holds; False when it lost it."""
    return bool(
        QueuedTask.objects.filter(pk=task_id, state=TaskState.RUNNING, worker_id=worker_id).update(
            lease_expires_at=timezone.now() + lease()
        )
    )


def _mine(row: QueuedTask, worker_id: str) -> Any:
    return QueuedTask.objects.filter(pk=row.pk, state=TaskState.RUNNING, worker_id=worker_id)


def succeed(row: QueuedTask, worker_id: str, return_value: Any) -> None:
    _mine(row, worker_id).update(
        state=TaskState.SUCCESSFUL,
        finished_at=timezone.now(),
        lease_expires_at=None,
        return_value=return_value,
        error_class="",
        error="",
    )


def give_back(row: QueuedTask, worker_id: str) -> None:
    """The worker stopped between chunks: ready again at once, the attempt not counted."""
    _mine(row, worker_id).update(
        state=TaskState.READY,
        attempts=F("attempts") - 1,
        lease_expires_at=None,
        run_after=timezone.now(),
    )


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s … at most 10 minutes, with jitter so retries do not move in step."""
    seconds = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))  # noqa: S311 - not secret


def describe(error: BaseException) -> tuple[str, str]:
    kind = f"{type(error).__module__}.{type(error).__qualname__}"
    return kind, "".join(format_exception(error))[-ERROR_LENGTH:]


def retry_or_fail(row: QueuedTask, worker_id: str, error: BaseException) -> TaskState:
    """After an error: ready again after a back-off while attempts remain, else failed."""
    kind, text = describe(error)
    if row.attempts < row.max_attempts:
        _mine(row, worker_id).update(
            state=TaskState.READY,
            run_after=timezone.now() + backoff(row.attempts),
            lease_expires_at=None,
            error_class=kind,
            error=text,
        )
        return TaskState.READY
    _mine(row, worker_id).update(
        state=TaskState.FAILED,
        finished_at=timezone.now(),
        lease_expires_at=None,
        error_class=kind,
        error=text,
    )
    return TaskState.FAILED


def fail(row: QueuedTask, worker_id: str, message: str) -> None:
    _mine(row, worker_id).update(
        state=TaskState.FAILED,
        finished_at=timezone.now(),
        lease_expires_at=None,
        error_class="afterclass.worker.LeaseExpired",
        error=message,
    )


def requeue(task_id: Any) -> int:
    """Try a failed task again from the start (System health's "Retry")."""
    return QueuedTask.objects.filter(pk=task_id, state=TaskState.FAILED).update(
        state=TaskState.READY,
        attempts=0,
        run_after=timezone.now(),
        finished_at=None,
    )


def prune_finished(older_than: timedelta) -> int:
    """Delete successful tasks finished longer ago than `older_than` (failed ones stay)."""
    cutoff = timezone.now() - older_than
    deleted, _ = QueuedTask.objects.filter(
        state=TaskState.SUCCESSFUL, finished_at__lt=cutoff
    ).delete()
    return deleted
