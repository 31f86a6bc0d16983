"""Uploads kept in an S3-compatible object store, still private: the bucket is never linked to.

Every stored file is read back through Django's storage API by our own views, which check who
may receive it (afterclass.core.views.media, afterclass.attachments.views). So `url()` gives the
address of that view, exactly as the local folder does, and never a public or presigned bucket
address that would work for anyone holding the link (and that our CSP would block anyway).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """S3Storage whose files are only reachable through Afterclass's permission-checking views."""

    def url(
        self,
        name: str,
        parameters: dict[str, Any] | None = None,
        expire: int | None = None,
        http_method: str | None = None,
    ) -> str:
        return urljoin(str(settings.MEDIA_URL), filepath_to_uri(name).lstrip("/"))
