"""Who may see and retry background tasks: organisation admins only."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from afterclass.core.errors import NotFound
from afterclass.people.access import check_org_admin
from afterclass.worker.models import QueuedTask

if TYPE_CHECKING:
    from afterclass.people.models import Person


def access_task(actor: Person, task_id: str) -> QueuedTask:
    """A queued task, for an organisation admin (403 for anyone else, 404 when unknown)."""
    check_org_admin(actor)
    try:
        pk = uuid.UUID(str(task_id))
    except ValueError:
        raise NotFound("There is no such task.") from None
    task = QueuedTask.objects.filter(pk=pk).first()
    if task is None:
        raise NotFound("There is no such task.")
    return task
