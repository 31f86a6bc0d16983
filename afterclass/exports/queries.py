"""The read side of data exports: the latest one a person asked for."""

from __future__ import annotations

from afterclass.exports.models import DataExport
from afterclass.people.models import Person


def latest_export(person: Person, *, requested_by: Person) -> DataExport | None:
    """The newest export of `person`'s data that `requested_by` asked for (export_latest)."""
    return (
        DataExport.objects.filter(requested_by=requested_by, person=person)
        .order_by("-created_at", "-pk")
        .first()
    )
