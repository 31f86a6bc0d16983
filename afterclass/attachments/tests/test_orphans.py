"""Pruning media files that no row refers to: on local files, through the function, the task
and the `prune_media` command."""

import io
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from afterclass.attachments.orphans import remove_orphan_media
from afterclass.attachments.tasks import prune_orphan_media
from afterclass.attachments.tests.factories import make_upload, picture_bytes, upload_file
from afterclass.core.errors import InvalidInput
from afterclass.people.actions import do_set_avatar

pytestmark = pytest.mark.django_db

TWO_DAYS = 2 * 24 * 3600


def media() -> Path:
    return Path(settings.MEDIA_ROOT)


def stored(name: str, *, age_seconds: int, content: bytes = b"left behind") -> Path:
    path = media() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


def age(name: str, seconds: int) -> None:
    then = time.time() - seconds
    os.utime(media() / name, (then, then))


def files() -> set[str]:
    return {str(p.relative_to(media())) for p in media().rglob("*") if p.is_file()}


@pytest.fixture
def referenced(member) -> set[str]:
    """Old files that rows refer to: an attachment (file and thumbnail) and an avatar."""
    attachment = make_upload(member)
    do_set_avatar(member, upload_file("me.png", picture_bytes()), actor=member)
    member.refresh_from_db()
    names = {attachment.file.name, attachment.thumbnail.name, member.avatar.name}
    for name in names:
        age(name, TWO_DAYS)
    return names


def test_remove_orphan_media_removes_only_old_files_no_row_refers_to(referenced):
    stored("attachments/lost-folder/minutes.pdf", age_seconds=TWO_DAYS, content=b"x" * 2048)
    stored("avatars/gone.png", age_seconds=TWO_DAYS)
    stored("attachments/in-flight/upload.pdf", age_seconds=60)  # its row is being written
    stored(".keep", age_seconds=TWO_DAYS)  # hidden files are not ours

    report = remove_orphan_media()

    assert report.names == ["attachments/lost-folder/minutes.pdf", "avatars/gone.png"]
    assert report.size == 2048 + len(b"left behind")
    assert report.kept == 1
    assert files() == referenced | {"attachments/in-flight/upload.pdf", ".keep"}
    assert not (media() / "attachments/lost-folder").exists()  # its own folder goes too
    assert (media() / "avatars").is_dir()  # a shared folder stays


def test_remove_orphan_media_dry_run_deletes_nothing(referenced):
    stored("attachments/lost-folder/minutes.pdf", age_seconds=TWO_DAYS)
    before = files()

    report = remove_orphan_media(dry_run=True)

    assert report.names == ["attachments/lost-folder/minutes.pdf"]
    assert files() == before


def test_remove_orphan_media_with_no_media_folder_finds_nothing(db):
    assert not media().exists()

    assert remove_orphan_media().names == []


def test_remove_orphan_media_refuses_an_age_under_an_hour(db):
    with pytest.raises(InvalidInput, match="older than an hour"):
        remove_orphan_media(timedelta(minutes=59))


def test_prune_orphan_media_task_removes_orphans(referenced):
    stored("covers/old-cover.jpg", age_seconds=TWO_DAYS)

    result = prune_orphan_media.enqueue()

    assert result.return_value == 1
    assert files() == referenced


def test_prune_media_command_reports_and_deletes(referenced):
    stored("attachments/lost-folder/minutes.pdf", age_seconds=TWO_DAYS)
    out = io.StringIO()

    call_command("prune_media", "--dry-run", stdout=out)

    assert "attachments/lost-folder/minutes.pdf" in out.getvalue()
    assert "Would delete 1 file" in out.getvalue()
    assert "attachments/lost-folder/minutes.pdf" in files()

    call_command("prune_media", stdout=out)

    assert "Deleted 1 file" in out.getvalue()
    assert files() == referenced


def test_prune_media_command_refuses_too_young_a_cutoff(db):
    with pytest.raises(CommandError, match="older than an hour"):
        call_command("prune_media", "--hours", "0")
