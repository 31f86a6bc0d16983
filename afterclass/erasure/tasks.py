"""Background work of erasures: carrying one out."""

from __future__ import annotations

from django.tasks import task

from afterclass.erasure import actions


@task()
def erase_person(erasure_id: int) -> None:
    # Retried by the worker on an error or a lost lease; do_erase runs again from where the
    # last run got to (each step is one transaction and finds what is left to do).
    actions.do_erase(erasure_id)
