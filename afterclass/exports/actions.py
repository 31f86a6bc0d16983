"""Data exports: building one (the task) and deleting expired ones. Asking for one is
exports/request.py (it queues the task, whose module imports this one)."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from afterclass.exports.archive import write_archive
from afterclass.exports.contents import collect
from afterclass.exports.models import IN_PROGRESS, DataExport, ExportState
from afterclass.outbox.actions import queue_emails, send_soon

KEEP_FOR = timedelta(days=7)


def storage_name(export: DataExport) -> str:
    return f"exports/{export.person_id}/export-{export.pk}.zip"


def do_build_export(export_id: int) -> DataExport | None:
    """Build the zip of a waiting export, store it and e-mail its link. Run again (a retry, a
    second delivery) it builds at most one file: a ready export is left alone, and the file's
    name is fixed, so a half-built one is replaced."""
    claimed = DataExport.objects.filter(pk=export_id, state__in=IN_PROGRESS).update(
        state=ExportState.BUILDING
    )
    if not claimed:
        return None
    export = DataExport.objects.select_related("person", "requested_by").get(pk=export_id)
    name = storage_name(export)
    with tempfile.TemporaryFile() as spool:
        write_archive(collect(export.person), spool)
        size = spool.tell()
        spool.seek(0)
        if default_storage.exists(name):
            default_storage.delete(name)
        stored = default_storage.save(name, File(spool, name=name))
    now = timezone.now()
    with transaction.atomic():
        export.state = ExportState.READY
        export.file = stored
        export.size = size
        export.ready_at = now
        export.expires_at = now + KEEP_FOR
        export.save(update_fields=["state", "file", "size", "ready_at", "expires_at"])
        queue_emails([(f"data-export:{export.pk}", ready_email(export))])
        transaction.on_commit(send_soon)
    return export


def do_fail_export(export_id: int) -> None:
    """Mark an export that could not be built, so the page says so and a new one can start."""
    DataExport.objects.filter(pk=export_id, state__in=IN_PROGRESS).update(state=ExportState.FAILED)


def ready_email(export: DataExport) -> EmailMessage:
    link = settings.SITE_URL + reverse("data-export-download", args=[export.pk])
    subject = (
        "Your Afterclass data is ready to download"
        if export.person_id == export.requested_by_id
        else f"The data of {export.person.display_name} is ready to download"
    )
    assert export.expires_at is not None  # noqa: S101 - set just before
    body = (
        f"Hello {export.requested_by.display_name},\n\n"
        f"{subject}: {link}\n\n"
        "Sign in to Afterclass to download it; only you can. "
        f"The link works until {export.expires_at:%d %B %Y, %H:%M} UTC, then the file is "
        "deleted.\n"
    )
    return EmailMessage(subject=subject, body=body, to=[export.requested_by.email])


# Longer than any build with every retry (the worker's backoff tops out at 10 minutes).
GIVE_UP_AFTER = timedelta(hours=6)


def delete_expired_exports(now: datetime | None = None) -> int:
    """Delete exports past their 7 days, and their files; failed ones after the same time.
    An export still waiting long after its task gave up is marked failed, so its page says
    so and a new one can be asked for."""
    moment = now or timezone.now()
    DataExport.objects.filter(state__in=IN_PROGRESS, created_at__lte=moment - GIVE_UP_AFTER).update(
        state=ExportState.FAILED
    )
    expired = DataExport.objects.filter(
        Q(expires_at__lte=moment) | Q(state=ExportState.FAILED, created_at__lte=moment - KEEP_FOR)
    )
    count = 0
    for export in expired.order_by("pk"):
        if export.file:
            default_storage.delete(export.file)
        export.delete()
        count += 1
    return count
