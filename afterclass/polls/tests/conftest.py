"""Fixtures of the polls tests: a space with its owner, a moderator, members and an outsider."""

import pytest

from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.spaces.models import Role
from afterclass.spaces.tests.factories import add_member, make_space


@pytest.fixture(autouse=True)
def _organisation(db):
    # Created up front so that no page creates it while its queries are counted.
    Organisation.current()


@pytest.fixture
def owner(db):
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def space(owner):
    return make_space(owner, name="Data skills", slug="data-skills")


@pytest.fixture
def poster(space):
    return add_member(space, PersonFactory(display_name="Paula Poster")).person


@pytest.fixture
def member(space):
    return add_member(space, PersonFactory(display_name="Mina Member")).person


@pytest.fixture
def other(space):
    return add_member(space, PersonFactory(display_name="Oscar Other")).person


@pytest.fixture
def moderator(space):
    return add_member(space, PersonFactory(display_name="Mo Moderator"), role=Role.MODERATOR).person


@pytest.fixture
def outsider(db):
    return PersonFactory(display_name="Otto Outsider")
