"""Background work for retention: the daily run of every space's rule."""

from __future__ import annotations

from django.tasks import task

from afterclass.retention import actions


@task()
def apply_retention() -> None:
    # Enqueued once a day (worker.schedule); retried by the worker on an error. A second run
    # finds nothing left to take, so a retry after a partial run finishes the work.
    actions.do_run_retention()
