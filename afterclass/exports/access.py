"""Who may ask for and download a data export."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from afterclass.core.errors import NotAllowed, NotFound
from afterclass.exports.models import DataExport
from afterclass.people.access import is_org_admin
from afterclass.people.models import Person


def check_can_request_export(actor: Person, person: Person) -> None:
    """A person may export their own data; an organisation admin anyone's (subject-access
    requests)."""
    if actor.pk != person.pk and not is_org_admin(actor):
        raise NotAllowed("Only organisation admins can export someone else's data.")


def access_export(actor: Person | AnonymousUser, export_id: int) -> DataExport:
    """An export, for the person who asked for it only: anyone else gets 404, as for one that
    does not exist or has expired."""
    found = DataExport.objects.filter(pk=export_id, requested_by_id=actor.pk).first()
    if found is None or actor.pk is None:
        raise NotFound("There is no such export.")
    return found


def access_download(actor: Person | AnonymousUser, export_id: int) -> DataExport:
    """A ready, unexpired export's file, for the person who asked for it (404 otherwise)."""
    found = access_export(actor, export_id)
    if not found.is_downloadable:
        raise NotFound("This export is not ready, or it has expired.")
    return found
