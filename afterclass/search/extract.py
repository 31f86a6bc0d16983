"""The text of a file, for the index: PDFs (with pypdf) and plain text, capped in size."""

from __future__ import annotations

import logging

from afterclass.attachments.models import Attachment

MAX_TEXT_CHARS = 100_000
MAX_PDF_PAGES = 200
MAX_READ_BYTES = 4 * 1024 * 1024

logger = logging.getLogger(__name__)


def attachment_text(attachment: Attachment) -> str:
    """What a file says, as far as we can read it; "" for any other kind of file or on error
    (a file we cannot read is still found by its name)."""
    content_type = attachment.content_type
    try:
        if content_type == "application/pdf":
            return _pdf_text(attachment)
        if content_type.startswith("text/plain"):
            with attachment.file.open("rb") as handle:
                raw: bytes = handle.read(MAX_READ_BYTES)
            return raw.decode("utf-8", errors="replace")[:MAX_TEXT_CHARS]
    except Exception:  # a broken upload must not stop indexing
        logger.warning("Could not read the text of attachment %s", attachment.pk, exc_info=True)
    return ""


def _pdf_text(attachment: Attachment) -> str:
    from pypdf import PdfReader

    pieces: list[str] = []
    size = 0
    with attachment.file.open("rb") as handle:
        reader = PdfReader(handle)
        for page in reader.pages[:MAX_PDF_PAGES]:
            text = page.extract_text() or ""
            pieces.append(text)
            size += len(text)
            if size >= MAX_TEXT_CHARS:
                break
    return "\n".join(pieces)[:MAX_TEXT_CHARS]
