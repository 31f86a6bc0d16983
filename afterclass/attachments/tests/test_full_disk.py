"""A full file store: uploads fail with a clear message, leave no partial file and no row, and
work again once there is room. The store is a real 1 MB tmpfs, mounted by the test as root."""

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import reverse

from afterclass.attachments.models import Attachment
from afterclass.attachments.tests.factories import pdf_bytes, picture_bytes, upload_file
from afterclass.audit.models import AuditEntry
from afterclass.core.errors import STORAGE_FULL, StorageFull, error_body
from afterclass.people.actions import do_create_access_token, do_set_avatar
from afterclass.posts.models import Post

pytestmark = pytest.mark.django_db

NOT_ROOT = (
    "Filling a disk needs a small tmpfs, and mounting one needs root; CI runs the tests as root."
)
FILLER = "filler.bin"


@pytest.fixture
def small_media(settings, tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs as MEDIA_ROOT, 700 KB of it taken by a file no row refers to."""
    if os.geteuid() != 0:
        pytest.skip(NOT_ROOT)
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if not mount or not umount:
        pytest.skip("mount and umount are not installed.")
    folder = tmp_path / "small-media"
    folder.mkdir()
    mounted = subprocess.run(  # noqa: S603 - fixed arguments, our own temporary folder
        [mount, "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"Cannot mount a tmpfs here (a container without CAP_SYS_ADMIN?): "
                    f"{mounted.stderr.strip()}")  # fmt: skip
    settings.MEDIA_ROOT = folder
    (folder / FILLER).write_bytes(b"\0" * 700 * 1024)
    try:
        yield folder
    finally:
        subprocess.run([umount, str(folder)], check=True)  # noqa: S603


def files_in(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def folders_in(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_dir())


def fill_up(path: Path) -> None:
    """Write to `path` until the disk is full: every byte taken."""
    with path.open("wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 64 * 1024)
        except OSError as error:
            if error.errno != errno.ENOSPC:
                raise


def six_hundred_kb_pdf() -> bytes:
    return pdf_bytes() + b"%" + b"0" * 600 * 1024 + b"\n"


def test_upload_to_a_full_store_is_refused_clearly_and_works_once_there_is_room(
    client, member, small_media
):
    _, token = do_create_access_token(member, "tests", actor=member)
    audit_before = AuditEntry.objects.count()
    content = six_hundred_kb_pdf()

    def send():
        return client.post(
            "/api/v1/attachments",
            {"file": upload_file("minutes.pdf", content)},
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    refused = send()

    assert refused.status_code == 507
    assert refused.json() == error_body(STORAGE_FULL, field="file")
    assert files_in(small_media) == [FILLER], "a partial file was left behind"
    assert folders_in(small_media) in ([], ["attachments"])
    assert not Attachment.objects.exists()
    assert AuditEntry.objects.count() == audit_before

    (small_media / FILLER).unlink()
    accepted = send()

    assert accepted.status_code == 201
    attachment = Attachment.objects.get()
    assert files_in(small_media) == [attachment.file.name]
    assert (small_media / attachment.file.name).read_bytes() == content


def test_post_form_with_a_file_on_a_full_store_shows_the_error_on_the_form(
    client, course, member, small_media
):
    client.force_login(member)

    response = client.post(
        reverse("post-create", args=[course.slug]),
        {
            "kind": "resource",
            "title": "Minutes",
            "file": upload_file("minutes.pdf", six_hundred_kb_pdf()),
        },
    )

    assert response.status_code == 507
    assert "The file store is full: the file was not saved." in response.content.decode()
    assert 'name="title"' in response.content.decode()  # the form, with what was written
    assert not Post.objects.exists()
    assert not Attachment.objects.exists()
    assert files_in(small_media) == [FILLER]


def test_avatar_on_a_full_store_is_refused_clearly_and_changes_nothing(member, small_media):
    fill_up(small_media / "more-filler.bin")

    with pytest.raises(StorageFull) as refused:
        do_set_avatar(member, upload_file("me.png", picture_bytes()), actor=member)

    assert refused.value.message == STORAGE_FULL
    assert refused.value.status == 507
    member.refresh_from_db()
    assert not member.avatar
    assert files_in(small_media) == sorted([FILLER, "more-filler.bin"])

    (small_media / "more-filler.bin").unlink()
    do_set_avatar(member, upload_file("me.png", picture_bytes()), actor=member)

    member.refresh_from_db()
    assert files_in(small_media) == sorted([FILLER, member.avatar.name])
