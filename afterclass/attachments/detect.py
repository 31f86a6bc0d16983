"""What a file really is, read from its content (magic bytes), never from its name.

Only the types on the allow-list are recognised; HTML and SVG are named so that a person who
renamed one is told what it is, and they are always refused.
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from typing import IO

HEAD_BYTES = 2048
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileType:
    label: str  # what a person calls it: "PNG", "PDF", "Word document"
    content_type: str
    extensions: tuple[str, ...]  # the first one is used when a name has none
    is_image: bool = False


PDF = FileType("PDF", "application/pdf", ("pdf",))
PNG = FileType("PNG", "image/png", ("png",), is_image=True)
JPEG = FileType("JPEG", "image/jpeg", ("jpg", "jpeg"), is_image=True)
GIF = FileType("GIF", "image/gif", ("gif",), is_image=True)
WEBP = FileType("WebP", "image/webp", ("webp",), is_image=True)
TEXT = FileType("plain text", "text/plain; charset=utf-8", ("txt", "md", "csv"))
CSV = FileType("CSV", "text/csv; charset=utf-8", ("csv",))
ZIP = FileType("ZIP", "application/zip", ("zip",))
DOCX = FileType(
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
)
XLSX = FileType(
    "Excel workbook",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ("xlsx",),
)
PPTX = FileType(
    "PowerPoint presentation",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ("pptx",),
)
# The old binary Office formats share one container (OLE); the name says which it is.
OLE = FileType("Office document", "application/octet-stream", ("doc", "xls", "ppt"))
OLE_TYPES = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}

# Recognised so that the refusal can say what the file is; never accepted.
HTML = FileType("HTML", "text/html", ("html", "htm"))
SVG = FileType("SVG", "image/svg+xml", ("svg",))
REFUSED = {HTML, SVG}

ALLOWED_SUMMARY = (
    "PDF, Word, Excel or PowerPoint documents, JPEG, PNG, GIF or WebP pictures, plain text, "
    "CSV and ZIP files"
)

HTML_STARTS = (
    b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe", b"<meta",
    b"<style", b"<title", b"<div", b"<a ", b"<img", b"<table", b"<p>", b"<br", b"<h1", b"<!--",
)  # fmt: skip


class Unreadable(Exception):
    """The content claims a type but is damaged (a broken ZIP, say)."""


def _markup(head: bytes) -> FileType | None:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if b"<svg" in text[:1024] and (text.startswith((b"<svg", b"<?xml", b"<!doctype svg", b"<!--"))):
        return SVG
    if text.startswith(HTML_STARTS) or (text.startswith(b"<?xml") and b"<html" in text[:1024]):
        return HTML
    return None


def _office(stream: IO[bytes]) -> FileType:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise Unreadable from error
    if "[Content_Types].xml" in names:
        for prefix, found in (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX)):
            if any(name.startswith(prefix) for name in names):
                return found
    return ZIP


def _is_text(stream: IO[bytes]) -> bool:
    """Valid UTF-8 throughout, without NUL characters."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(CHUNK_BYTES):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect(stream: IO[bytes]) -> FileType | None:
    """The type of a seekable file's content, or None when it is not one we know."""
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    found: FileType | None = None
    if head.startswith(b"%PDF-"):
        found = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif head.startswith((b"GIF87a", b"GIF89a")):
        found = GIF
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        found = WEBP
    elif head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        found = _office(stream)
    elif head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        found = OLE
    elif markup := _markup(head):
        found = markup
    elif _is_text(stream):
        found = TEXT
    stream.seek(0)
    return found
