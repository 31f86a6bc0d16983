"""Uploading and attaching: what is refused (and then nothing is stored), what is kept of a
picture, and which uploads a post may use."""

import io

import pytest
from PIL import Image

from afterclass.attachments.actions import clean_name, do_discard_uploads, do_upload
from afterclass.attachments.models import Attachment, AttachmentKind
from afterclass.attachments.tests.factories import (
    GPS_CANARY,
    make_upload,
    office_bytes,
    pdf_bytes,
    picture_bytes,
    stored_files,
    upload_file,
)
from afterclass.core.errors import Conflict, InvalidInput
from afterclass.posts.models import Post
from afterclass.posts.tests.factories import make_post

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'


def refused(person, name: str, content: bytes) -> str:
    with pytest.raises(InvalidInput) as error:
        do_upload(upload_file(name, content), actor=person)
    assert not Attachment.objects.exists()
    assert stored_files() == []
    return error.value.message


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.png", HTML, "This file's content is HTML, not PNG."),
        ("drawing.png", SVG, "This file's content is SVG, not PNG."),
        ("page.html", HTML, "HTML files cannot be shared here"),
        ("drawing.svg", SVG, "SVG files cannot be shared here"),
        ("notes.pdf", b"just some text", "This file's content is plain text, not PDF."),
        ("photo.jpg", picture_bytes("PNG"), "This file's content is PNG, not JPG."),
        ("report.docx", pdf_bytes(), "This file's content is PDF, not DOCX."),
        ("sheet.xlsx", office_bytes("word/"), "This file's content is Word document, not XLSX."),
        ("empty.txt", b"", "This file is empty."),
        ("binary.bin", b"\x00\x01\x02\x03" * 50, "This kind of file cannot be shared here"),
        ("latin.txt", "caf\xe9".encode("latin-1"), "This kind of file cannot be shared here"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "damaged"),
        ("broken.jpg", b"\xff\xd8\xff\xe0" + b"garbage" * 20, "damaged"),
        ("broken.zip", b"PK\x03\x04" + b"\x00" * 60, "damaged"),
        ("../../etc/passwd.png", picture_bytes(), "folders"),
        ("..\\evil.pdf", pdf_bytes(), "folders"),
        ("..", pdf_bytes(), "folders"),
    ],
)
def test_do_upload_refuses_and_stores_nothing(person, name, content, message):
    # A ContentFile keeps the name as given (an HTTP upload's name is cut to its last part).
    from django.core.files.base import ContentFile

    with pytest.raises(InvalidInput) as error:
        do_upload(ContentFile(content, name=name), actor=person)
    assert message in error.value.message
    assert error.value.field == "file"
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_do_upload_refuses_over_the_size_limit(person, settings):
    settings.AFTERCLASS_MAX_UPLOAD_MB = 1
    message = refused(person, "big.pdf", pdf_bytes() + b"0" * (1024 * 1024))
    assert message == "This file is 1.0 MB; the limit is 1 MB."


def test_do_upload_takes_a_file_just_under_the_limit(person, settings):
    settings.AFTERCLASS_MAX_UPLOAD_MB = 1
    content = pdf_bytes() + b"0" * (1024 * 1024 - len(pdf_bytes()))
    assert do_upload(upload_file("fits.pdf", content), actor=person).size == 1024 * 1024


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("reading.pdf", pdf_bytes(), "application/pdf"),
        ("notes.txt", "Café notes\n".encode(), "text/plain; charset=utf-8"),
        ("scores.csv", b"name,score\nAda,3\n", "text/csv; charset=utf-8"),
        ("slides.pptx", office_bytes("ppt/"), "application/vnd.openxmlformats-officedocument."
         "presentationml.presentation"),
        ("budget.xlsx", office_bytes("xl/"), "application/vnd.openxmlformats-officedocument."
         "spreadsheetml.sheet"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "application/msword"),
        ("bundle.zip", office_bytes("other/").replace(b"[Content_Types]", b"[Content_Typez]"),
         "application/zip"),
    ],
)  # fmt: skip
def test_do_upload_keeps_allowed_files_under_a_random_folder(person, name, content, content_type):
    attachment = do_upload(upload_file(name, content), actor=person)
    assert attachment.kind == AttachmentKind.FILE
    assert attachment.content_type == content_type
    assert attachment.original_name == name
    assert attachment.size == len(content)
    assert attachment.post is None
    folder, token, stored = attachment.file.name.split("/")
    assert folder == "attachments"
    assert len(token) >= 24
    assert stored == name
    assert attachment.file.read() == content
    assert len(stored_files()) == 1


def test_do_upload_gives_a_name_without_extension_the_content_s(person):
    attachment = do_upload(upload_file("reading", pdf_bytes()), actor=person)
    assert attachment.original_name == "reading.pdf"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("report\x00\x1b[31m.pdf", "report [31m.pdf"),
        ("  .hidden.pdf", "hidden.pdf"),
        ("new\nline\u202e.pdf", "new line .pdf"),
        ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
    ],
)
def test_clean_name_removes_control_characters_and_keeps_150(raw, clean):
    assert clean_name(raw) == clean


def test_do_upload_reencodes_pictures_without_metadata(person):
    original = picture_bytes("JPEG", (1200, 900), exif=True)
    assert GPS_CANARY.encode() in original
    attachment = do_upload(upload_file("site.jpeg", original), actor=person)
    stored = attachment.file.read()
    assert GPS_CANARY.encode() not in stored
    with Image.open(io.BytesIO(stored)) as picture:
        assert picture.format == "JPEG"
        assert not picture.getexif()
        assert picture.size == (1200, 900)
    assert (attachment.kind, attachment.width, attachment.height) == ("image", 1200, 900)
    assert attachment.content_type == "image/jpeg"
    thumbnail = attachment.thumbnail.read()
    assert GPS_CANARY.encode() not in thumbnail
    with Image.open(io.BytesIO(thumbnail)) as small:
        assert max(small.size) == 480
    assert len(stored_files()) == 2


@pytest.mark.parametrize(("fmt", "name", "stored_as"), [
    ("GIF", "loop.gif", "loop.jpg"), ("WEBP", "shot.webp", "shot.jpg"), ("PNG", "a.png", "a.jpg"),
])  # fmt: skip
def test_do_upload_stores_every_picture_as_jpeg_or_png(person, fmt, name, stored_as):
    attachment = do_upload(upload_file(name, picture_bytes(fmt)), actor=person)
    assert attachment.original_name == stored_as
    assert attachment.file.name.endswith(f"/{stored_as}")


def test_do_upload_keeps_transparency_as_png(person):
    output = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(output, format="PNG")
    attachment = do_upload(upload_file("logo.png", output.getvalue()), actor=person)
    assert attachment.content_type == "image/png"


# --- Attaching -------------------------------------------------------------------------------


def test_image_post_takes_pictures_with_alt_texts_in_order(board, member):
    first, second = make_upload(member), make_upload(member, "b.png")
    post = make_post(
        board, member, kind="image", title="", body="The new site",
        attachments=[second.pk, first.pk], alt_texts=["A crane", "The foundations"],
    )  # fmt: skip
    attached = list(post.attachments.all())
    assert [(a.pk, a.alt_text, a.position) for a in attached] == [
        (second.pk, "A crane", 0),
        (first.pk, "The foundations", 1),
    ]


@pytest.mark.parametrize(
    ("count", "alt_texts", "message"),
    [
        (0, [], "at least one picture"),
        (11, ["x"] * 11, "at most 10 pictures"),
        (1, [""], "Describe picture 1"),
        (2, ["Fine"], "Describe picture 2"),
        (1, ["x" * 301], "at most 300 characters"),
        (1, ["a", "b"], "more alt texts than files"),
    ],
)
def test_image_post_refuses_bad_pictures_and_writes_nothing(board, member, count, alt_texts,
                                                            message):  # fmt: skip
    uploads = [make_upload(member).pk for _ in range(count)]
    with pytest.raises(InvalidInput) as error:
        make_post(board, member, kind="image", title="", attachments=uploads, alt_texts=alt_texts)
    assert message in error.value.message
    assert not Post.objects.exists()
    assert not Attachment.objects.filter(post__isnull=False).exists()


def test_image_post_refuses_someone_elses_upload_and_a_used_one(board, member, owner):
    theirs = make_upload(owner)
    with pytest.raises(InvalidInput, match="no upload of yours"):
        make_post(board, member, kind="image", attachments=[theirs.pk], alt_texts=["x"])
    mine = make_upload(member)
    make_post(board, member, kind="image", attachments=[mine.pk], alt_texts=["x"])
    with pytest.raises(InvalidInput, match="no upload of yours"):
        make_post(board, member, kind="image", attachments=[mine.pk], alt_texts=["x"])
    assert Post.objects.count() == 1


def test_image_post_refuses_a_document(board, member):
    pdf = make_upload(member, "reading.pdf", pdf_bytes())
    with pytest.raises(InvalidInput, match="is not a picture"):
        make_post(board, member, kind="image", attachments=[pdf.pk], alt_texts=["x"])


def test_resource_takes_a_file_instead_of_a_link(course, member):
    pdf = make_upload(member, "reading.pdf", pdf_bytes())
    post = make_post(course, member, kind="resource", title="Reading", attachments=[pdf.pk])
    assert post.link_url == ""
    assert list(post.attachments.all()) == [pdf]


def test_resource_still_needs_a_link_or_a_file(course, member):
    with pytest.raises(InvalidInput, match="needs a link or a file"):
        make_post(course, member, kind="resource", title="Reading")


def test_other_kinds_take_no_files(course, member):
    pdf = make_upload(member, "reading.pdf", pdf_bytes())
    with pytest.raises(InvalidInput, match="Only image posts and resources"):
        make_post(course, member, kind="discussion", attachments=[pdf.pk])
    two = [pdf.pk, make_upload(member, "b.pdf", pdf_bytes()).pk]
    with pytest.raises(InvalidInput, match="one file"):
        make_post(course, member, kind="resource", title="Reading", attachments=two)


def test_attach_refuses_an_upload_taken_meanwhile(board, member):
    from afterclass.attachments.attach import FileChange, apply_files

    upload = make_upload(member)
    post = make_post(board, member, kind="image", attachments=[make_upload(member).pk],
                     alt_texts=["x"])  # fmt: skip
    Attachment.objects.filter(pk=upload.pk).update(post=post)
    change = FileChange(files=[upload], added=[upload], alt_texts=["x"])
    with pytest.raises(Conflict):
        apply_files(change, "post", post, actor=member)


def test_do_discard_uploads_removes_only_my_unattached_files(
    board, member, owner, django_capture_on_commit_callbacks
):
    mine, theirs = make_upload(member), make_upload(owner)
    used = make_upload(member)
    make_post(board, member, kind="image", attachments=[used.pk], alt_texts=["x"])
    with django_capture_on_commit_callbacks(execute=True):
        assert do_discard_uploads([mine.pk, theirs.pk, used.pk], actor=member) == 1
    assert set(Attachment.objects.values_list("pk", flat=True)) == {theirs.pk, used.pk}
    assert len(stored_files()) == 4  # two pictures left, each with its thumbnail
