"""What organisation admins do with background work: try a failed task or e-mail again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from afterclass.audit.models import AuditEntry
from afterclass.core.errors import Conflict
from afterclass.outbox.actions import send_soon
from afterclass.outbox.models import EmailState, OutgoingEmail
from afterclass.people.access import check_org_admin
from afterclass.worker.models import QueuedTask
from afterclass.worker.queue import requeue

if TYPE_CHECKING:
    from afterclass.people.models import Person


def do_retry_task(task: QueuedTask, *, actor: Person) -> QueuedTask:
    """Run a failed task again from its first attempt; only failed tasks can be retried."""
    check_org_admin(actor)
    with transaction.atomic():
        if not requeue(task.pk):
            raise Conflict("Only a failed task can be retried; this one is not failed.")
        # The audit log's target ids are numbers; a task's id is a UUID, kept in the data.
        AuditEntry.objects.create(
            actor=actor,
            action="worker.retry_task",
            target_type="worker.queuedtask",
            data={"task": str(task.pk), "name": task.name},
        )
    task.refresh_from_db()
    return task


def do_retry_failed_emails(*, actor: Person) -> int:
    """Queue every e-mail the outbox gave up on again; returns how many."""
    check_org_admin(actor)
    with transaction.atomic():
        count = OutgoingEmail.objects.filter(state=EmailState.FAILED).update(
            state=EmailState.QUEUED, attempts=0, last_error=""
        )
        if count:
            AuditEntry.objects.create(
                actor=actor,
                action="outbox.retry_failed",
                target_type="outbox.outgoingemail",
                data={"count": count},
            )
            transaction.on_commit(send_soon)
    return count
