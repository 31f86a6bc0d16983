"""Uploading files and pictures, and discarding uploads that nothing took. (Which files a post,
session, activity or submission may have, and writing them: attach.py.)

Every upload is checked before anything is stored: its size, that it is not empty, and its type
read from the content (magic bytes) against the allow-list and against its name. Pictures are
re-encoded with Pillow so that no metadata (EXIF, GPS) survives, and get a thumbnail. Files go
through Django's storage API only, under a random folder that nobody can guess.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from afterclass.attachments import detect
from afterclass.attachments.models import Attachment, AttachmentKind
from afterclass.audit.log import record_audit
from afterclass.core.errors import InvalidInput
from afterclass.core.filestore import save_to_file_store

if TYPE_CHECKING:
    from afterclass.people.models import Person

DEFAULT_MAX_UPLOAD_MB = 25
NAME_LENGTH = 150
# An upload that no post has taken after this long was left behind (a post not written).
UNATTACHED_LIFETIME = timedelta(hours=24)
PRUNE_BATCH = 500
# Pictures are kept at most this size on their longest side; thumbnails fit the feed's grid.
IMAGE_SIZE = (2560, 2560)
THUMBNAIL_SIZE = (480, 480)
MAX_PIXELS = 60_000_000  # a larger picture is refused before it is decoded (decompression bombs)
FIELD = "file"


def max_upload_bytes() -> int:
    return int(getattr(settings, "AFTERCLASS_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) * 1024 * 1024


def clean_name(raw: str) -> str:
    """A file name safe to store, show and send back: no folders, no control characters."""
    if "/" in raw or "\\" in raw or raw.strip() in {".", ".."}:
        raise InvalidInput(
            "The file name must be just a name: folders, “/” and “..” are not allowed.",
            field=FIELD,
        )
    name = "".join(
        " " if unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} else char for char in raw
    )
    name = re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip().lstrip(".").strip()
    if not name:
        raise InvalidInput("The file needs a name.", field=FIELD)
    if len(name) > NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = f"{stem[: NAME_LENGTH - len(extension) - 1].rstrip()}.{extension}"
        else:
            name = name[:NAME_LENGTH].rstrip()
    return name


def _extension(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


@dataclass(frozen=True)
class _Checked:
    name: str
    content_type: str
    is_image: bool


def _check(upload: IO[bytes], name: str, size: int) -> _Checked:
    if size <= 0:
        raise InvalidInput("This file is empty.", field=FIELD)
    limit = max_upload_bytes()
    if size > limit:
        raise InvalidInput(
            f"This file is {size / 1024 / 1024:.1f} MB; the limit is {limit // 1024 // 1024} MB.",
            field=FIELD,
        )
    try:
        found = detect.detect(upload)
    except detect.Unreadable as error:
        raise InvalidInput("This file is damaged: it cannot be opened.", field=FIELD) from error
    extension = _extension(name)
    claimed = extension.upper() or "a file without an extension"
    if found in detect.REFUSED:
        raise InvalidInput(
            f"This file's content is {found.label}, not {claimed}. "
            f"{found.label} files cannot be shared here.",
            field=FIELD,
        )
    if found is None:
        raise InvalidInput(
            f"This kind of file cannot be shared here. Use {detect.ALLOWED_SUMMARY}.", field=FIELD
        )
    if not extension:
        name = f"{name}.{found.extensions[0]}"
        extension = found.extensions[0]
    elif extension not in found.extensions:
        raise InvalidInput(f"This file's content is {found.label}, not {claimed}.", field=FIELD)
    content_type = found.content_type
    if found is detect.OLE:
        content_type = detect.OLE_TYPES[extension]
    elif found is detect.TEXT and extension == "csv":
        content_type = detect.CSV.content_type
    return _Checked(name=name, content_type=content_type, is_image=found.is_image)


@dataclass(frozen=True)
class _Picture:
    content: bytes
    thumbnail: bytes
    extension: str
    content_type: str
    width: int
    height: int


def _encode(picture: Image.Image, *, alpha: bool) -> bytes:
    # A fresh image carries no EXIF, ICC or XMP: only the pixels are written.
    clean = Image.new(picture.mode, picture.size)
    clean.paste(picture)
    output = io.BytesIO()
    if alpha:
        clean.save(output, format="PNG", optimize=True)
    else:
        clean.save(output, format="JPEG", quality=85, optimize=True)
    return output.getvalue()


def _reencode(upload: IO[bytes]) -> _Picture:
    damaged = InvalidInput("This picture is damaged or incomplete: it cannot be read.", field=FIELD)
    upload.seek(0)
    try:
        with Image.open(upload) as opened:
            width, height = opened.size
            if width * height > MAX_PIXELS:
                raise InvalidInput(
                    f"This picture is {width} by {height} pixels; use one under "
                    f"{MAX_PIXELS // 1_000_000} megapixels.",
                    field=FIELD,
                )
            opened.load()
            picture = ImageOps.exif_transpose(opened)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise damaged from error
    except Image.DecompressionBombError as error:
        raise damaged from error
    alpha = picture.mode in {"RGBA", "LA", "P", "PA"} and (
        picture.mode != "P" or "transparency" in picture.info
    )
    picture = picture.convert("RGBA" if alpha else "RGB")
    picture.thumbnail(IMAGE_SIZE)
    small = picture.copy()
    small.thumbnail(THUMBNAIL_SIZE)
    return _Picture(
        content=_encode(picture, alpha=alpha),
        thumbnail=_encode(small, alpha=alpha),
        extension="png" if alpha else "jpg",
        content_type="image/png" if alpha else "image/jpeg",
        width=picture.width,
        height=picture.height,
    )


def _with_extension(name: str, extension: str) -> str:
    stem, dot, _old = name.rpartition(".")
    base = stem if dot and stem else name
    return f"{base[: NAME_LENGTH - len(extension) - 1]}.{extension}"


def do_upload(upload: Any, *, actor: Person) -> Attachment:
    """Store an upload of the actor's, not yet attached to a post; refuse anything not on the
    allow-list, or whose content does not match its name. A refused upload stores nothing."""
    name = clean_name(str(getattr(upload, "name", "") or ""))
    size = getattr(upload, "size", None)
    if size is None:
        raise InvalidInput("Send the file as a multipart upload.", field=FIELD)
    checked = _check(upload, name, int(size))
    attachment = Attachment(
        uploader=actor, original_name=checked.name, content_type=checked.content_type
    )
    if checked.is_image:
        picture = _reencode(upload)
        attachment.kind = AttachmentKind.IMAGE
        attachment.original_name = _with_extension(checked.name, picture.extension)
        attachment.content_type = picture.content_type
        attachment.width, attachment.height = picture.width, picture.height
        attachment.size = len(picture.content)
        stored: list[tuple[FieldFile, str, File[Any]]] = [
            (attachment.file, attachment.original_name, ContentFile(picture.content)),
            (
                attachment.thumbnail,
                _with_extension("thumbnail", picture.extension),
                ContentFile(picture.thumbnail),
            ),
        ]
    else:
        attachment.kind = AttachmentKind.FILE
        attachment.size = int(size)
        upload.seek(0)
        stored = [(attachment.file, checked.name, File(upload))]
    saved: list[str] = []
    try:
        for field_file, name_to_store, content in stored:
            # A full disk raises StorageFull (507) and leaves no partial file; the files saved
            # before it are removed below, and no row was written.
            saved.append(save_to_file_store(field_file, name_to_store, content))
        with transaction.atomic():
            attachment.save()
            record_audit("attachment.upload", attachment, actor=actor, size=attachment.size)
    except BaseException:
        for stored_name in saved:
            attachment.file.storage.delete(stored_name)
        raise
    return attachment


def remove_files_on_commit(attachments: Sequence[Attachment]) -> None:
    """Delete the stored files of deleted rows, once the deletion is committed (a rollback
    keeps both)."""
    names = [
        (attachment.file.storage, name)
        for attachment in attachments
        for name in (attachment.file.name, attachment.thumbnail.name)
        if name
    ]
    if not names:
        return

    def remove_files() -> None:
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(remove_files)


def do_discard_uploads(ids: Sequence[int], *, actor: Person) -> int:
    """Delete the actor's own uploads that were never attached (a post that was not written)."""
    uploads = list(Attachment.objects.unattached_of(actor).filter(pk__in=list(ids)))
    with transaction.atomic():
        Attachment.objects.filter(pk__in=[upload.pk for upload in uploads]).delete()
        remove_files_on_commit(uploads)
    return len(uploads)


def do_prune_unattached_uploads(
    older_than: timedelta = UNATTACHED_LIFETIME, *, actor: Person | None = None
) -> int:
    """Delete the uploads that nothing took within `older_than` of being sent (posts, sessions,
    activities or submissions that were never written): the rows at once, their stored files
    once that is committed. `actor` is None when the scheduled task runs it. Returns how many
    were deleted."""
    if older_than < timedelta(0):
        raise InvalidInput("The age must not be negative.", field="older_than")
    cutoff = timezone.now() - older_than
    pruned = 0
    while True:
        with transaction.atomic():
            # Locked, so that a post being written cannot take an upload deleted here.
            batch = list(
                Attachment.objects.select_for_update(skip_locked=True)
                .unattached()
                .filter(created_at__lt=cutoff)
                .order_by("pk")[:PRUNE_BATCH]
            )
            if not batch:
                break
            Attachment.objects.unattached().filter(pk__in=[a.pk for a in batch]).delete()
            for upload in batch:
                record_audit(
                    "attachment.prune", upload, actor=actor, uploader_id=upload.uploader_id,
                    size=upload.size,
                )  # fmt: skip
            remove_files_on_commit(batch)
        pruned += len(batch)
    return pruned
