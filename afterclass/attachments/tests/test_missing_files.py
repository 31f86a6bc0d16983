"""A row whose file is gone from the store: a 404 that says so, never a 500."""

import html

import pytest
from django.urls import reverse

from afterclass.attachments.tests.factories import (
    make_upload,
    pdf_bytes,
    picture_bytes,
    upload_file,
)
from afterclass.attachments.views import file_url, thumbnail_url
from afterclass.core.errors import FILE_MISSING
from afterclass.people.actions import do_create_access_token, do_set_avatar

pytestmark = pytest.mark.django_db


def lose(field_file) -> None:
    """The file disappears from the store; its row stays."""
    field_file.storage.delete(field_file.name)
    assert not field_file.storage.exists(field_file.name)


def test_download_of_a_missing_file_is_a_404_that_says_so(client, member):
    pdf = make_upload(member, "minutes.pdf", pdf_bytes())
    lose(pdf.file)
    client.force_login(member)

    response = client.get(file_url(pdf))

    assert response.status_code == 404
    assert html.escape(FILE_MISSING) in response.content.decode()


def test_thumbnail_of_a_missing_picture_is_a_404_that_says_so(client, member):
    picture = make_upload(member, "photo.png", picture_bytes())
    lose(picture.thumbnail)
    client.force_login(member)

    response = client.get(thumbnail_url(picture))

    assert response.status_code == 404
    assert html.escape(FILE_MISSING) in response.content.decode()


def test_api_download_of_a_missing_file_is_a_json_404_that_says_so(client, member):
    pdf = make_upload(member, "minutes.pdf", pdf_bytes())
    lose(pdf.file)
    _, token = do_create_access_token(member, "tests", actor=member)

    response = client.get(f"/api/v1/attachments/{pdf.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 404
    assert response.json() == {"detail": FILE_MISSING, "field": None, "errors": []}


def test_missing_file_message_is_only_for_those_who_may_see_the_file(client, member, outsider):
    pdf = make_upload(member, "minutes.pdf", pdf_bytes())
    lose(pdf.file)
    client.force_login(outsider)

    response = client.get(file_url(pdf))

    assert response.status_code == 404
    assert html.escape(FILE_MISSING) not in response.content.decode()


def test_media_with_a_missing_file_is_a_404_that_says_so(client, member):
    do_set_avatar(member, upload_file("me.png", picture_bytes()), actor=member)
    member.refresh_from_db()
    lose(member.avatar)
    client.force_login(member)

    response = client.get(reverse("media", args=[member.avatar.name]))

    assert response.status_code == 404
    assert html.escape(FILE_MISSING) in response.content.decode()


def test_media_naming_a_folder_is_a_404(client, member):
    do_set_avatar(member, upload_file("me.png", picture_bytes()), actor=member)
    client.force_login(member)

    response = client.get(reverse("media", args=["avatars"]))

    assert response.status_code == 404
