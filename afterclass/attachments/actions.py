"""Uploading files and pictures, attaching them to a post, changing a post's files, and
discarding uploads that no post took.

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
from afterclass.attachments.queries import KINDS_WITH_FILES
from afterclass.audit.log import record_audit
from afterclass.core.errors import Conflict, InvalidInput
from afterclass.core.filestore import save_to_file_store
from afterclass.posts.access import check_can_edit
from afterclass.posts.models import Post, PostKind
from afterclass.search.index import reindex_post_on_commit
from afterclass.spaces.access import check_can_participate

if TYPE_CHECKING:
    from afterclass.people.models import Person

DEFAULT_MAX_UPLOAD_MB = 25
NAME_LENGTH = 150
ALT_TEXT_LENGTH = 300
MAX_IMAGES = 10
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


def check_attachments(
    actor: Person, kind: str, ids: Sequence[int], alt_texts: Sequence[str]
) -> list[tuple[Attachment, str]]:
    """The uploads a new post of `kind` may take, each with its alt text; raises InvalidInput.
    Only the actor's own uploads that are not attached yet can be used."""
    ids = list(ids)
    if not ids:
        if kind == PostKind.IMAGE:
            raise InvalidInput("An image post needs at least one picture.", field="attachments")
        return []
    if kind not in {PostKind.IMAGE, PostKind.RESOURCE}:
        raise InvalidInput("Only image posts and resources can have files.", field="attachments")
    if len(set(ids)) != len(ids):
        raise InvalidInput("The same file is attached twice.", field="attachments")
    if kind == PostKind.IMAGE and len(ids) > MAX_IMAGES:
        raise InvalidInput(f"An image post has at most {MAX_IMAGES} pictures.", field="attachments")
    if kind == PostKind.RESOURCE and len(ids) > 1:
        raise InvalidInput("A resource has one file.", field="attachments")
    found = {a.pk: a for a in Attachment.objects.unattached_of(actor).filter(pk__in=ids)}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise InvalidInput(
            f"There is no upload of yours waiting to be attached with id {', '.join(missing)}.",
            field="attachments",
        )
    texts = [str(text or "") for text in alt_texts]
    if len(texts) > len(ids):
        raise InvalidInput("There are more alt texts than files.", field="alt_texts")
    texts += [""] * (len(ids) - len(texts))
    chosen = []
    for number, (pk, text) in enumerate(zip(ids, texts, strict=True), start=1):
        attachment = found[pk]
        text = " ".join(text.split())
        if kind == PostKind.IMAGE and not attachment.is_image:
            raise InvalidInput(
                f"“{attachment.original_name}” is not a picture: an image post takes pictures.",
                field="attachments",
            )
        _check_alt_text(text, number, required=attachment.is_image and kind == PostKind.IMAGE)
        chosen.append((attachment, text if attachment.is_image else ""))
    return chosen


def _check_alt_text(text: str, number: int, *, required: bool) -> None:
    if "\x00" in text or len(text) > ALT_TEXT_LENGTH:
        raise InvalidInput(
            f"The description of picture {number} can be at most {ALT_TEXT_LENGTH} characters.",
            field="alt_texts",
        )
    if required and not text:
        raise InvalidInput(
            f"Describe picture {number} for people who cannot see it (alt text).",
            field="alt_texts",
        )


def attach(post: Post, chosen: Sequence[tuple[Attachment, str]], *, actor: Person) -> None:
    """Inside the post's transaction: tie the checked uploads to it, in order."""
    for position, (attachment, alt_text) in enumerate(chosen):
        updated = (
            Attachment.objects.unattached_of(actor)
            .filter(pk=attachment.pk)
            .update(post=post, alt_text=alt_text, position=position)
        )
        if not updated:
            raise Conflict(f"“{attachment.original_name}” is already attached to another post.")
        attachment.post, attachment.alt_text, attachment.position = post, alt_text, position


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


def _check_count(post: Post, count: int, link_url: str) -> None:
    if post.kind == PostKind.IMAGE:
        if count < 1:
            raise InvalidInput(
                "An image post needs at least one picture: add one before removing the last.",
                field="attachments",
            )
        if count > MAX_IMAGES:
            raise InvalidInput(
                f"An image post has at most {MAX_IMAGES} pictures.", field="attachments"
            )
    elif count > 1:
        raise InvalidInput(
            "A resource has one file: remove the current one to add another.", field="attachments"
        )
    elif count == 0 and not link_url:
        raise InvalidInput(
            "A resource needs a link or a file: give it a link before removing its file.",
            field="attachments",
        )


def do_edit_post_attachments(
    post: Post,
    wanted: Sequence[tuple[int, str]],
    *,
    actor: Person,
    link_url: str | None = None,
) -> bool:
    """The author changes a post's files. `wanted` is the whole new list, in order, of
    (attachment id, alt text): files the post has now and the author's own uploads not attached
    yet; the post's files left out are deleted. An image post keeps 1-10 pictures, each with a
    description; a resource keeps at most one file, and none only with a link (`link_url` is the
    link it will have when that changes in the same edit). Returns whether anything changed."""
    check_can_edit(actor, post.author_id, post.state)
    check_can_participate(actor, post.space)
    wanted = [(int(pk), " ".join(str(text or "").split())) for pk, text in wanted]
    if post.kind not in KINDS_WITH_FILES:
        if wanted:
            raise InvalidInput(
                "Only image posts and resources can have files.", field="attachments"
            )
        return False
    ids = [pk for pk, _text in wanted]
    if len(set(ids)) != len(ids):
        raise InvalidInput("The same file is attached twice.", field="attachments")
    link = (post.link_url if link_url is None else link_url).strip()
    _check_count(post, len(ids), link)
    current = {attachment.pk: attachment for attachment in post.attachments.all()}
    new_ids = [pk for pk in ids if pk not in current]
    uploads: dict[int, Attachment] = {}
    if new_ids:
        uploads = {a.pk: a for a in Attachment.objects.unattached_of(actor).filter(pk__in=new_ids)}
    missing = [str(pk) for pk in new_ids if pk not in uploads]
    if missing:
        raise InvalidInput(
            f"There is no upload of yours waiting to be attached with id {', '.join(missing)}.",
            field="attachments",
        )
    chosen: list[tuple[Attachment, str]] = []
    for number, (pk, text) in enumerate(wanted, start=1):
        attachment = current.get(pk) or uploads[pk]
        if post.kind == PostKind.IMAGE and not attachment.is_image:
            raise InvalidInput(
                f"“{attachment.original_name}” is not a picture: an image post takes pictures.",
                field="attachments",
            )
        _check_alt_text(text, number, required=post.kind == PostKind.IMAGE)
        chosen.append((attachment, text if attachment.is_image else ""))
    kept = set(ids)
    removed = [attachment for pk, attachment in current.items() if pk not in kept]
    changed = [
        (position, attachment, text)
        for position, (attachment, text) in enumerate(chosen)
        if attachment.pk in uploads
        or (attachment.position, attachment.alt_text) != (position, text)
    ]
    if not removed and not changed:
        return False
    now = timezone.now()
    with transaction.atomic():
        if removed:
            Attachment.objects.filter(post=post, pk__in=[a.pk for a in removed]).delete()
            remove_files_on_commit(removed)
        for position, attachment, text in changed:
            if attachment.pk in uploads:
                updated = Attachment.objects.unattached_of(actor).filter(pk=attachment.pk)
            else:
                updated = Attachment.objects.filter(pk=attachment.pk, post=post)
            if not updated.update(post=post, alt_text=text, position=position):
                raise Conflict(f"“{attachment.original_name}” is already attached to another post.")
            attachment.post, attachment.alt_text, attachment.position = post, text, position
        Post.objects.filter(pk=post.pk).update(edited_at=now)
        post.edited_at = now
        # As for the post itself: an anonymous question's files do not name their author.
        record_audit(
            "post.attachments.edit", post, actor=None if post.is_anonymous else actor,
            space_id=post.space_id, added=sorted(uploads), removed=[a.pk for a in removed],
        )  # fmt: skip
    reindex_post_on_commit(post.pk)
    return True


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
