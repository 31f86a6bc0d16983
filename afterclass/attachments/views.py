"""Serving uploaded files: only through here, after checking the viewer may see the post.

Pictures (always re-encoded by us) are shown inline; everything else is a download with a
`Content-Disposition: attachment`, so a browser never renders an uploaded document as a page.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.views.decorators.http import require_GET

from afterclass.attachments.access import ATTACHMENT_NOT_FOUND, access_attachment
from afterclass.attachments.models import Attachment
from afterclass.core.errors import FILE_MISSING, NotFound

logger = logging.getLogger(__name__)

INLINE_TYPES = {"image/png", "image/jpeg"}
CACHE = "private, max-age=3600"


def file_url(attachment: Attachment) -> str:
    return reverse("attachment-file", args=[attachment.pk, attachment.original_name])


def thumbnail_url(attachment: Attachment) -> str | None:
    if not attachment.thumbnail:
        return None
    return reverse("attachment-thumbnail", args=[attachment.pk])


def file_response(attachment: Attachment, *, thumbnail: bool = False) -> FileResponse:
    """The stored file with headers that keep the browser from running or sniffing it."""
    stored = attachment.thumbnail if thumbnail else attachment.file
    if not stored or not stored.name:
        raise NotFound(ATTACHMENT_NOT_FOUND)
    try:
        content = stored.storage.open(stored.name, "rb")
    except FileNotFoundError as error:
        # The row is there, the file is not (a lost disk, a restore without the files).
        logger.warning("Attachment %s: its file %s is missing from the store.", attachment.pk,
                       stored.name)  # fmt: skip
        raise NotFound(FILE_MISSING) from error
    inline = attachment.is_image and attachment.content_type in INLINE_TYPES
    response = FileResponse(
        content,
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=attachment.content_type if inline else _download_type(attachment),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = CACHE
    # Should a browser open it anyway, it runs nothing and loads nothing.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _download_type(attachment: Attachment) -> str:
    # Never a type a browser renders as a page, whatever is stored.
    lowered = attachment.content_type.lower()
    if "html" in lowered or "svg" in lowered or "xml" in lowered:
        return "application/octet-stream"
    return attachment.content_type


@login_required
@require_GET
def download(request: HttpRequest, attachment_id: int, name: str) -> FileResponse:
    # The name in the address is only for a readable link: the id decides.
    return file_response(access_attachment(request.user, attachment_id))


@login_required
@require_GET
def thumbnail(request: HttpRequest, attachment_id: int) -> FileResponse:
    return file_response(access_attachment(request.user, attachment_id), thumbnail=True)
