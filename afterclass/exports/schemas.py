"""API schemas of data exports."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from ninja import Field, Schema

from afterclass.exports.models import DataExport


class ExportOut(Schema):
    id: int
    state: str = Field(description="queued, building, ready or failed.")
    created_at: datetime
    ready_at: datetime | None
    expires_at: datetime | None = Field(description="When the file is deleted (7 days).")
    size: int = Field(description="The zip's size in bytes, once ready.")
    download_url: str | None = Field(
        description="While ready and not expired: where to download the zip (with the same "
        "token or session; only the person who asked for it can)."
    )

    @classmethod
    def build(cls, export: DataExport) -> ExportOut:
        return cls(
            id=export.pk,
            state=export.state,
            created_at=export.created_at,
            ready_at=export.ready_at,
            expires_at=export.expires_at,
            size=export.size,
            download_url=reverse("api:my_export_file", kwargs={"export_id": export.pk})
            if export.is_downloadable
            else None,
        )
