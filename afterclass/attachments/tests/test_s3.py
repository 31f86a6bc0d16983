"""Files in an S3-compatible object store: moto's S3 server over real HTTP, configured through
the same environment variables as production, with uploads served only by our own views."""

import io
import re
import runpy
import secrets
from pathlib import Path

import boto3
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

import afterclass.settings
from afterclass.attachments import actions
from afterclass.attachments.actions import do_discard_uploads
from afterclass.attachments.tests.factories import (
    make_upload,
    pdf_bytes,
    picture_bytes,
    stored_files,
    upload_file,
)
from afterclass.core.errors import InvalidInput
from afterclass.core.storage import PrivateS3Storage
from afterclass.people.actions import do_set_avatar
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.tests.factories import make_post

pytestmark = pytest.mark.django_db

REGION = "eu-west-2"
RANDOM_FOLDER = r"[A-Za-z0-9_-]{24}"


class Bucket:
    def __init__(self, endpoint: str, name: str) -> None:
        self.endpoint, self.name = endpoint, name
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id="afterclass-test",
            aws_secret_access_key="afterclass-test-secret",
        )

    def keys(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


def configured_storages(**environment: str) -> dict:
    """STORAGES as afterclass/settings.py builds it from these environment variables."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        return runpy.run_path(str(Path(afterclass.settings.__file__)))["STORAGES"]


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh, empty bucket that the default storage writes to, set up by the environment."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "afterclass-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "afterclass-test-secret")
    store = Bucket(s3_endpoint, f"afterclass-{secrets.token_hex(6)}")
    store.client.create_bucket(
        Bucket=store.name, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    storages = configured_storages(
        AFTERCLASS_S3_BUCKET=store.name,
        AFTERCLASS_S3_ENDPOINT_URL=s3_endpoint,
        AFTERCLASS_S3_REGION=REGION,
    )
    # Overriding STORAGES sends setting_changed, whose handler empties Django's storage cache.
    settings.STORAGES = {**settings.STORAGES, "default": storages["default"]}
    # Fails if Django kept the storage it had built before the override.
    assert default_storage.bucket_name == store.name
    assert isinstance(default_storage._wrapped, PrivateS3Storage)
    return store


def signed_in(client, person):
    client.force_login(person)
    return client


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_settings_without_a_bucket_keep_files_in_the_local_folder():
    storages = configured_storages(AFTERCLASS_S3_BUCKET="")
    assert storages["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_settings_with_a_bucket_use_private_s3_storage():
    storages = configured_storages(
        AFTERCLASS_S3_BUCKET="learning-files",
        AFTERCLASS_S3_ENDPOINT_URL="https://s3.example.org",
        AFTERCLASS_S3_REGION="eu-west-2",
    )
    assert storages["default"]["BACKEND"] == "afterclass.core.storage.PrivateS3Storage"
    assert storages["default"]["OPTIONS"] == {
        "bucket_name": "learning-files",
        "endpoint_url": "https://s3.example.org",
        "region_name": "eu-west-2",
        "addressing_style": None,
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }


def test_s3_file_is_stored_in_the_bucket_and_served_to_readers_only(
    client, bucket, course, owner, member, outsider
):
    content = pdf_bytes("canary-s3-reading-list")
    pdf = make_upload(member, "reading list.pdf", content)
    make_post(course, member, kind="resource", title="Reading list", attachments=[pdf.pk])

    [key] = bucket.keys()
    # The storage's own name cleaning turns the space into "_"; people still see the real name.
    assert re.fullmatch(rf"attachments/{RANDOM_FOLDER}/reading_list\.pdf", key)
    assert key == pdf.file.name
    assert bucket.read(key) == content
    assert stored_files() == []  # nothing went to the local folder

    url = reverse("attachment-file", args=[pdf.pk, pdf.original_name])
    response = signed_in(client, owner).get(url)
    assert response.status_code == 200
    assert body_of(response) == content
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"

    response = signed_in(client, outsider).get(url)
    assert response.status_code == 404
    assert b"canary-s3" not in response.content


def test_s3_picture_and_its_thumbnail_are_stored_and_served(client, bucket, board, member):
    picture = make_upload(member, "crane.png", picture_bytes(size=(1200, 900)))
    make_post(board, member, kind="image", attachments=[picture.pk], alt_texts=["A crane"])

    keys = bucket.keys()
    assert sorted([picture.file.name, picture.thumbnail.name]) == keys
    assert re.fullmatch(rf"attachments/{RANDOM_FOLDER}/crane\.jpg", picture.file.name)
    assert re.fullmatch(rf"attachments/{RANDOM_FOLDER}/thumbnail\.jpg", picture.thumbnail.name)

    response = signed_in(client, member).get(reverse("attachment-thumbnail", args=[picture.pk]))
    assert response.status_code == 200
    served = body_of(response)
    assert served == bucket.read(picture.thumbnail.name)
    with Image.open(io.BytesIO(served)) as thumbnail:
        assert max(thumbnail.size) == 480


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.png", b"<!doctype html><html><script>alert(1)</script></html>"),
        ("broken.png", picture_bytes()[:60]),
        ("empty.pdf", b""),
    ],
)
def test_s3_refused_upload_leaves_the_bucket_empty(bucket, member, name, content):
    with pytest.raises(InvalidInput):
        make_upload(member, name, content)
    assert bucket.keys() == []


def test_s3_upload_failing_after_storing_removes_its_objects(bucket, member, monkeypatch):
    def failing_audit(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(actions, "record_audit", failing_audit)
    with pytest.raises(RuntimeError):
        make_upload(member, "crane.png", picture_bytes())
    assert bucket.keys() == []


def test_s3_discarded_upload_is_deleted_from_the_bucket(
    bucket, member, django_capture_on_commit_callbacks
):
    picture = make_upload(member, "crane.png", picture_bytes())
    assert len(bucket.keys()) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert do_discard_uploads([picture.pk], actor=member) == 1
    assert bucket.keys() == []


def test_s3_avatar_round_trips_through_the_media_view(client, bucket, member):
    do_set_avatar(member, upload_file("me.png", picture_bytes()), actor=member)

    [key] = bucket.keys()
    assert re.fullmatch(r"avatars/avatar-[0-9a-f]{16}\.jpg", key)
    # The address is our own media view, never the bucket's (public or presigned).
    assert member.avatar.url == f"/media/{key}"

    colleague = PersonFactory()
    response = signed_in(client, colleague).get(member.avatar.url)
    assert response.status_code == 200
    assert body_of(response) == bucket.read(key)
    assert response["Content-Type"] == "image/jpeg"

    client.logout()
    response = client.get(member.avatar.url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_s3_pages_never_link_to_the_bucket(client, bucket, board, member):
    do_set_avatar(member, upload_file("me.png", picture_bytes()), actor=member)
    picture = make_upload(member, "crane.png", picture_bytes())
    make_post(board, member, kind="image", attachments=[picture.pk], alt_texts=["A crane"])

    # Even an attachment's storage URL is our media view, which refuses attachments: only the
    # permission-checked attachment views serve them.
    assert picture.file.url == f"/media/{picture.file.name}"
    assert signed_in(client, member).get(picture.file.url).status_code == 404

    for address in (reverse("space-home", args=[board.slug]), reverse("my-profile")):
        page = signed_in(client, member).get(address)
        assert page.status_code == 200
        html = page.content.decode()
        assert f"/media/{member.avatar.name}" in html
        assert bucket.endpoint.removeprefix("http://") not in html
        assert bucket.name not in html
        assert "X-Amz-" not in html
