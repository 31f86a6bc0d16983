"""The text of a file, for the index: PDFs (with pypdf) and plain text, within a budget.

Each file has a time budget (AFTERCLASS_SEARCH_READ_SECONDS, 10 s) and a size budget
(AFTERCLASS_SEARCH_READ_MB, 25 MB of PDF; the first 4 MB of a text file), and its text is cut
at MAX_TEXT_CHARS. A PDF is read in a child process (`afterclass.search.pdf_text`) that is
killed when over its time: pypdf is pure Python, so a thread reading it could not be stopped,
`signal.alarm` only works in the main thread (the worker and the web server run tasks in
others), and forking a process that holds threads and database connections is unsafe. A fresh
interpreter reading bytes from a pipe shares nothing, and its cost (a fraction of a second)
is paid only by PDFs, in the background. A file cut off or not read is noted in the log; it is
still found by its name (and its post by its title and body).

Reading happens in background tasks, outside any transaction (see `index.read_files`).
"""

from __future__ import annotations

import logging
import subprocess
import sys
from dataclasses import dataclass

from django.conf import settings

from afterclass.attachments.models import Attachment
from afterclass.search.models import ReadOutcome

MAX_TEXT_CHARS = 100_000
MAX_PDF_PAGES = 200
MAX_READ_BYTES = 4 * 1024 * 1024
DEFAULT_SECONDS = 10.0
DEFAULT_PDF_MB = 25

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reading:
    text: str
    outcome: ReadOutcome


def read_seconds() -> float:
    return float(getattr(settings, "AFTERCLASS_SEARCH_READ_SECONDS", DEFAULT_SECONDS))


def max_pdf_bytes() -> int:
    return int(getattr(settings, "AFTERCLASS_SEARCH_READ_MB", DEFAULT_PDF_MB)) * 1024 * 1024


def clean_text(text: str) -> str:
    # PostgreSQL's text refuses NUL characters, which PDFs' text layers sometimes hold.
    return text.replace("\x00", "")[:MAX_TEXT_CHARS]


def read_text(attachment: Attachment) -> Reading:
    """What a file says, as far as we can read it within its budget; "" for any other kind of
    file, on error or when cut off (a file we cannot read is still found by its name)."""
    content_type = attachment.content_type
    try:
        if content_type == "application/pdf":
            return _read_pdf(attachment)
        if content_type.startswith("text/plain"):
            with attachment.file.open("rb") as handle:
                raw: bytes = handle.read(MAX_READ_BYTES)
            return Reading(clean_text(raw.decode("utf-8", errors="replace")), ReadOutcome.READ)
    except Exception:  # a broken or missing file must not stop indexing
        logger.warning("Could not read the text of attachment %s", attachment.pk, exc_info=True)
        return Reading("", ReadOutcome.UNREADABLE)
    return Reading("", ReadOutcome.NO_TEXT)


def _read_pdf(attachment: Attachment) -> Reading:
    limit = max_pdf_bytes()
    data = b""
    if attachment.size <= limit:
        with attachment.file.open("rb") as handle:
            data = handle.read(limit + 1)
    if attachment.size > limit or len(data) > limit:
        logger.warning(
            "Did not read the text of attachment %s (%s): over the size budget of %d bytes; "
            "it is found by its name only.",
            attachment.pk, attachment.original_name, limit,
        )  # fmt: skip
        return Reading("", ReadOutcome.TOO_LARGE)
    seconds = read_seconds()
    command = [
        sys.executable, "-m", "afterclass.search.pdf_text",
        str(MAX_PDF_PAGES), str(MAX_TEXT_CHARS), str(int(seconds) + 1),
    ]  # fmt: skip
    try:
        # Our own module under our own interpreter, the PDF on stdin: no shell, no file names.
        finished = subprocess.run(  # noqa: S603
            command, input=data, capture_output=True, timeout=seconds, check=False
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        logger.warning(
            "Cut off reading the text of attachment %s (%s) at its time budget of %g s; it is "
            "found by its name only.",
            attachment.pk, attachment.original_name, seconds,
        )  # fmt: skip
        return Reading("", ReadOutcome.CUT_OFF)
    if finished.returncode != 0:
        logger.warning(
            "Could not read the text of attachment %s (%s): the reader ended with %s: %s",
            attachment.pk, attachment.original_name, finished.returncode,
            finished.stderr.decode(errors="replace")[-500:].strip(),
        )  # fmt: skip
        return Reading("", ReadOutcome.UNREADABLE)
    return Reading(clean_text(finished.stdout.decode("utf-8", errors="replace")), ReadOutcome.READ)
