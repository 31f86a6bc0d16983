"""The poll of a poll post reaches posts through posts.poll_part, registered by the polls app."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from afterclass.polls.actions import do_create_poll
from afterclass.posts.poll_part import poll_part, register_poll_part


def test_poll_part_is_registered_by_the_polls_app() -> None:
    assert poll_part().create is do_create_poll


def test_poll_part_registers_once() -> None:
    with pytest.raises(ImproperlyConfigured):
        register_poll_part(poll_part())
