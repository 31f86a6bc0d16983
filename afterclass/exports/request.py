"""Asking for a data export: recorded, audited and its building queued (exports.tasks, which
runs exports.actions)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from afterclass.audit.log import record_audit
from afterclass.exports.access import check_can_request_export
from afterclass.exports.models import IN_PROGRESS, DataExport
from afterclass.exports.tasks import build_data_export
from afterclass.people.models import Person


def do_request_export(person: Person, *, actor: Person) -> DataExport:
    """Ask for `person`'s data as a zip (themselves, or an admin for a subject-access request;
    both audited). Asking again while one is being built gives that one."""
    check_can_request_export(actor, person)
    waiting = DataExport.objects.filter(person=person, requested_by=actor, state__in=IN_PROGRESS)
    found = waiting.first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            export = DataExport.objects.create(person=person, requested_by=actor)
            action = "export.request" if actor.pk == person.pk else "export.request_for_person"
            record_audit(action, person, actor=actor, export=export.pk)
            transaction.on_commit(lambda: build_data_export.enqueue(export.pk))
    except IntegrityError:
        # Two requests at once: the other one made it.
        return waiting.get()
    return export
