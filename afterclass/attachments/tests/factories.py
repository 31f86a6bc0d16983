"""Files for the attachments tests: real pictures made with Pillow, and other small files."""

import io
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from afterclass.attachments.actions import do_upload
from afterclass.attachments.models import Attachment
from afterclass.people.models import Person

GPS_CANARY = "CanaryCam-GPS-5ee7"


def picture_bytes(
    fmt: str = "PNG", size: tuple[int, int] = (64, 48), *, exif: bool = False
) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    output = io.BytesIO()
    extra = {}
    if exif:
        data = Image.Exif()
        data[ExifTags.Base.Make] = GPS_CANARY
        data[ExifTags.Base.Model] = GPS_CANARY
        data[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (51.0, 30.0, 12.0),
            ExifTags.GPS.GPSLongitudeRef: "W",
            ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
        }
        extra["exif"] = data
    image.save(output, format=fmt, **extra)
    return output.getvalue()


def pdf_bytes(text: str = "Reading list") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + text.encode() + b"\ntrailer\n%%EOF\n"
    )


def office_bytes(folder: str = "word/") -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<document/>")
    return output.getvalue()


def upload_file(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def make_upload(
    person: Person, name: str = "photo.png", content: bytes | None = None
) -> Attachment:
    return do_upload(
        upload_file(name, picture_bytes() if content is None else content), actor=person
    )


def stored_files() -> list[Path]:
    """Every file in the storage folder (the tests' MEDIA_ROOT is a fresh temporary folder)."""
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []
