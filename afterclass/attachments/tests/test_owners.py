"""Who may see a file's owner is registered by the owner's app (attachments.owners)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from afterclass.attachments.owners import OWNER_FIELDS, owner_check, register_owner
from afterclass.learning.file_owners import check_submission_file
from afterclass.posts.file_owners import check_post_file


def test_owners_every_owner_field_has_its_apps_check() -> None:
    assert {field: owner_check(field) for field in OWNER_FIELDS}["post"] is check_post_file
    assert owner_check("submission") is check_submission_file


def test_owners_register_once() -> None:
    with pytest.raises(ImproperlyConfigured):
        register_owner("post", check_post_file)


def test_owners_refuse_an_unknown_owner() -> None:
    with pytest.raises(ImproperlyConfigured):
        register_owner("comment", check_post_file)
