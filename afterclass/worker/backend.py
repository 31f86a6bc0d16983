"""Django's task framework backed by the queue table (afterclass.worker.models.QueuedTask).

`task.enqueue(...)` inserts a row in the caller's transaction (call it from
`transaction.on_commit`, as the actions do), and `afterclass worker` runs it with leases,
retries and recovery. Chosen over django-tasks-db, which has none of the three.
"""

from __future__ import annotations

from typing import Any

from django.tasks import TaskResult, TaskResultStatus
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import Task, TaskError
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_enqueued
from django.utils.module_loading import import_string

from afterclass.worker.models import QueuedTask, TaskState
from afterclass.worker.queue import enqueue_row


class DatabaseBackend(BaseTaskBackend):
    supports_defer = True
    supports_get_result = True
    supports_priority = True

    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any, Any]:
        self.validate_task(task)
        row = enqueue_row(
            task.module_path,
            list(args),
            dict(kwargs),
            queue_name=task.queue_name,
            priority=task.priority,
            run_after=task.run_after,
        )
        result = task_result(row, task)
        task_enqueued.send(type(self), task_result=result)
        return result

    def get_result(self, result_id: str) -> TaskResult[Any, Any]:
        row = QueuedTask.objects.filter(pk=result_id).first()
        if row is None:
            raise TaskResultDoesNotExist(result_id)
        return task_result(row, import_string(row.task_path))


def task_result(row: QueuedTask, task: Task[Any, Any]) -> TaskResult[Any, Any]:
    result: TaskResult[Any, Any] = TaskResult(
        task=task,
        id=str(row.pk),
        status=TaskResultStatus[row.state],
        enqueued_at=row.enqueued_at,
        started_at=row.started_at,
        last_attempted_at=row.started_at,
        finished_at=row.finished_at,
        args=row.args_kwargs.get("args", []),
        kwargs=row.args_kwargs.get("kwargs", {}),
        backend=task.backend,
        errors=[TaskError(exception_class_path=row.error_class, traceback=row.error)]
        if row.state == TaskState.FAILED and row.error_class
        else [],
        worker_ids=list(row.worker_ids),
    )
    object.__setattr__(result, "_return_value", row.return_value)
    return result
