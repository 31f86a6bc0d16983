"""Inviting people from a CSV file or a pasted list: files that cannot be read and values that
cannot be stored get a message a person can act on, never a 500, and nobody is invited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from afterclass.core.errors import InvalidInput
from afterclass.people.actions import InvitationRow, do_invite_people
from afterclass.people.models import Invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_admin(client, admin):
    client.force_login(admin)
    return client


def csv_upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", content, content_type="text/csv")


def send_csv(client, content: bytes):
    return client.post(reverse("manage-invitations"), {"file": csv_upload(content)})


UNCLOSED_QUOTE = ('email,name\nana@example.org,"Ana\n' + "ben@example.org,Ben\n" * 8000).encode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            b"email,name\nana@example.org," + b"x" * (140 * 1024) + b"\n",
            "The row starting on line 2 has a value longer than 128 KB",
            id="field-over-128-KiB",
        ),
        pytest.param(
            UNCLOSED_QUOTE,
            "The row starting on line 2 has a value longer than 128 KB, which no address, name, "
            "department or level is. Often a quote (&quot;) opened on that line is never closed",
            id="unclosed-quote",
        ),
        pytest.param(
            "email,name\nana@example.org,José\n".encode("latin-1"),
            "This file is not UTF-8 text: line 2 has a character that cannot be read",
            id="latin-1",
        ),
        pytest.param(
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5U\x9a\xfe\xff\x00\x00",
            "This file is not UTF-8 text: line 1",
            id="a-spreadsheet",
        ),
        pytest.param(
            "email,name\nana@example.org,Ana\n".encode("utf-16-le"),
            "its first line has NUL bytes",
            id="utf-16-without-its-mark",
        ),
        pytest.param(
            b"email,name\nana@example.org,An\x00a\n",
            "row 1: the name contains a NUL character",
            id="nul-in-a-name",
        ),
        pytest.param(
            b"email,name,department\nana@example.org,Ana,\nben@exam\x00ple.org,Ben,Sa\x00les\n",
            "row 2: the e-mail address and the department contain a NUL character",
            id="nul-in-two-fields",
        ),
    ],
)
def test_invitation_csv_that_cannot_be_used_says_why_and_invites_nobody(as_admin, content, message):
    response = send_csv(as_admin, content)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Invitation.objects.exists()


def test_invitation_csv_in_utf_16_with_its_mark_is_read(as_admin):
    response = send_csv(as_admin, "email,name\nana@example.org,Ana Silva\n".encode("utf-16"))

    assert response.status_code == 302
    assert Invitation.objects.get().display_name == "Ana Silva"


def test_invitation_csv_with_windows_line_endings_is_read(as_admin):
    response = send_csv(as_admin, b"email,name\r\nana@example.org,Ana\r\nben@example.org,Ben\r\n")

    assert response.status_code == 302
    assert sorted(Invitation.objects.values_list("display_name", flat=True)) == ["Ana", "Ben"]


def test_invitation_paste_with_a_nul_byte_is_refused(as_admin):
    response = as_admin.post(reverse("manage-invitations"), {"emails": "ana@example.org\x00"})

    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()
    assert not Invitation.objects.exists()


def test_invite_people_refuses_a_nul_byte_in_a_name(admin):
    rows = [InvitationRow(email="ana@example.org", display_name="An\x00a")]

    with pytest.raises(InvalidInput, match="row 1: the name contains a NUL character"):
        do_invite_people(rows, actor=admin)

    assert not Invitation.objects.exists()
