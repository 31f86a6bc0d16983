"""Uploaded pictures are checked, resized and re-encoded without their metadata."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from afterclass.core.errors import InvalidInput
from afterclass.core.images import MAX_UPLOAD_BYTES, prepare_image

EXIF_MAKE, EXIF_ORIENTATION, EXIF_GPS = 0x010F, 0x0112, 0x8825


def jpeg_with_exif(size=(400, 200), *, orientation: int | None = None) -> SimpleUploadedFile:
    picture = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[EXIF_MAKE] = "Northwind phone camera"
    exif.get_ifd(EXIF_GPS)[2] = (51.0, 30.0, 0.0)  # GPSLatitude: where the photo was taken
    if orientation is not None:
        exif[EXIF_ORIENTATION] = orientation
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", exif=exif.tobytes(), comment=b"taken at home")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def open_result(content) -> Image.Image:
    picture = Image.open(io.BytesIO(content.read()))
    picture.load()
    return picture


def test_prepare_image_strips_exif_and_gps():
    upload = jpeg_with_exif()
    assert Image.open(upload).getexif()  # the fixture really carries metadata
    upload.seek(0)

    result = open_result(prepare_image(upload, max_size=(256, 256), name="avatar"))

    assert result.format == "JPEG"
    assert not result.getexif()
    assert "exif" not in result.info
    assert "comment" not in result.info


def test_prepare_image_applies_orientation_before_stripping_it():
    # Orientation 6 means "rotate 90°": the stored 400x200 picture is really 200x400.
    result = open_result(
        prepare_image(jpeg_with_exif((400, 200), orientation=6), max_size=(1000, 1000), name="x")
    )

    assert result.size == (200, 400)


def test_prepare_image_resizes_within_bounds_keeping_proportions():
    upload = jpeg_with_exif((2000, 1000))

    result = open_result(prepare_image(upload, max_size=(256, 256), name="avatar"))

    assert result.size == (256, 128)


def test_prepare_image_does_not_enlarge_small_pictures():
    result = open_result(prepare_image(jpeg_with_exif((40, 20)), max_size=(256, 256), name="x"))

    assert result.size == (40, 20)


def test_prepare_image_keeps_transparency_as_png_without_text_chunks():
    picture = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Doe, 12 High Street")
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", pnginfo=info)
    upload = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")

    content = prepare_image(upload, max_size=(400, 400), name="logo")
    result = open_result(content)

    assert result.format == "PNG"
    assert result.mode == "RGBA"
    assert result.getpixel((0, 0))[3] == 0
    assert "Author" not in result.info
    assert content.name.startswith("logo-")
    assert content.name.endswith(".png")


def test_prepare_image_gives_each_file_a_new_random_name():
    first = prepare_image(jpeg_with_exif(), max_size=(64, 64), name="avatar")
    second = prepare_image(jpeg_with_exif(), max_size=(64, 64), name="avatar")

    assert first.name != second.name
    assert first.name.startswith("avatar-")
    assert first.name.endswith(".jpg")


@pytest.mark.parametrize(
    "content",
    [b"", b"hello, this is not a picture", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n broken"],
)
def test_prepare_image_refuses_files_that_are_not_pictures(content):
    upload = SimpleUploadedFile("picture.jpg", content, content_type="image/jpeg")

    with pytest.raises(InvalidInput) as error:
        prepare_image(upload, max_size=(256, 256), name="avatar")

    assert error.value.field == "image"
    assert "not a picture" in error.value.message


@pytest.mark.parametrize("image_format", ["BMP", "TIFF", "ICO"])
def test_prepare_image_refuses_other_picture_formats(image_format):
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buffer, format=image_format)
    upload = SimpleUploadedFile("picture", buffer.getvalue())

    with pytest.raises(InvalidInput, match="JPEG, PNG, GIF or WebP") as error:
        prepare_image(upload, max_size=(256, 256), name="avatar")

    assert error.value.field == "image"


def test_prepare_image_refuses_files_over_the_size_limit():
    upload = SimpleUploadedFile("huge.jpg", b"\xff" * (MAX_UPLOAD_BYTES + 1))

    with pytest.raises(InvalidInput, match="larger than 5 MB"):
        prepare_image(upload, max_size=(256, 256), name="avatar")
