"""Background work about the background work: forgetting old successful tasks."""

from datetime import timedelta

from django.tasks import task

from afterclass.worker.queue import prune_finished

KEEP_SUCCESSFUL = timedelta(days=7)


@task()
def prune_finished_tasks() -> int:
    """Delete successful tasks finished more than a week ago; failed ones stay for System
    health until someone retries them."""
    return prune_finished(KEEP_SUCCESSFUL)
