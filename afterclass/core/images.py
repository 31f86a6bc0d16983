"""Uploaded pictures: checked, resized and re-encoded so no metadata (EXIF, GPS) survives."""

from __future__ import annotations

import io
import secrets
from typing import Any

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from afterclass.core.errors import InvalidInput

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def prepare_image(upload: Any, *, max_size: tuple[int, int], name: str) -> ContentFile[bytes]:
    """Return a re-encoded copy of `upload` no larger than `max_size`, or raise InvalidInput."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise InvalidInput("The picture is larger than 5 MB.", field="image")
    try:
        with Image.open(upload) as opened:
            if opened.format not in ALLOWED_FORMATS:
                raise InvalidInput("Use a JPEG, PNG, GIF or WebP picture.", field="image")
            opened.load()
            picture = ImageOps.exif_transpose(opened)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise InvalidInput("This file is not a picture we can read.", field="image") from error
    picture.thumbnail(max_size)
    has_alpha = picture.mode in {"RGBA", "LA", "P"}
    picture = picture.convert("RGBA" if has_alpha else "RGB")
    output = io.BytesIO()
    # A fresh image object carries no EXIF/ICC/XMP: only the pixels are written.
    clean = Image.new(picture.mode, picture.size)
    clean.paste(picture)
    if has_alpha:
        clean.save(output, format="PNG", optimize=True)
        extension = "png"
    else:
        clean.save(output, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    return ContentFile(output.getvalue(), name=f"{name}-{secrets.token_hex(8)}.{extension}")
