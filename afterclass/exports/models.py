"""A person's data export ("Download my data"): built in the background, kept for 7 days."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ExportState(models.TextChoices):
    QUEUED = "queued", "Waiting to be built"
    BUILDING = "building", "Being built"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Could not be built"


IN_PROGRESS = (ExportState.QUEUED, ExportState.BUILDING)


class DataExport(models.Model):
    """The data of `person`, asked for by `requested_by` (themselves, or an organisation admin
    for a subject-access request). Only `requested_by` may download the file."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(max_length=10, choices=ExportState.choices, default="queued")
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # A name in the default storage (the attachments' storage), never served by its URL.
    file = models.CharField(max_length=300, blank=True)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            # Asking again while one is being built gives the same export.
            models.UniqueConstraint(
                fields=["person", "requested_by"],
                condition=Q(state__in=["queued", "building"]),
                name="export_one_in_progress",
            )
        ]
        indexes: ClassVar = [
            models.Index(fields=["requested_by", "person", "-created_at"], name="export_latest"),
            models.Index(fields=["expires_at"], name="export_expiry"),
        ]

    def __str__(self) -> str:
        return f"export #{self.pk} of person #{self.person_id} ({self.state})"

    @property
    def is_downloadable(self) -> bool:
        return (
            self.state == ExportState.READY
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )
