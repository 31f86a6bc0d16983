"""A space's cover comes with its creation or its settings, in the same action: a cover that
cannot be read saves nothing of the rest."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from afterclass.audit.models import AuditEntry
from afterclass.core.errors import InvalidInput
from afterclass.spaces.actions import do_create_space, do_update_space
from afterclass.spaces.models import Space
from afterclass.spaces.tests.factories import make_space

pytestmark = pytest.mark.django_db


def png_upload(name="cover.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "#336699").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def not_a_picture():
    return SimpleUploadedFile("c.png", b"not a picture", content_type="image/png")


def create(actor, **extra):
    return do_create_space(
        actor=actor, name="Data club", purpose="Learn data together.", rules="Be kind.", **extra
    )


def test_do_create_space_with_a_cover(person):
    space = create(person, cover=png_upload())
    assert Space.objects.get(pk=space.pk).cover.name.startswith("covers/")


def test_do_create_space_with_an_unreadable_cover_creates_nothing(person):
    with pytest.raises(InvalidInput, match="not a picture"):
        create(person, cover=not_a_picture())
    assert not Space.objects.exists()
    assert not AuditEntry.objects.filter(action="space.create").exists()


def test_do_update_space_with_an_unreadable_cover_saves_nothing(person):
    space = make_space(person, name="Data club", slug="data-club")
    with pytest.raises(InvalidInput, match="not a picture"):
        do_update_space(space, actor=person, name="Renamed", cover=not_a_picture())
    assert space.name == "Data club"
    assert Space.objects.get(pk=space.pk).name == "Data club"
    assert not AuditEntry.objects.filter(action="space.update").exists()


def test_do_update_space_with_a_cover(person):
    space = make_space(person, name="Data club", slug="data-club")
    do_update_space(space, actor=person, name="Renamed", cover=png_upload())
    space.refresh_from_db()
    assert (space.name, space.cover.name.startswith("covers/")) == ("Renamed", True)
