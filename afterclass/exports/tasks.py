"""Background work for data exports: building one, and the daily clean-up of expired ones."""

from __future__ import annotations

from django.tasks import task

from afterclass.exports import actions


@task()
def build_data_export(export_id: int) -> None:
    # Retried by the worker on an error; do_build_export is safe to run again.
    actions.do_build_export(export_id)


@task()
def delete_expired_exports() -> None:
    actions.delete_expired_exports()
