"""Fixtures of the learning tests: a structured space with a facilitator and learners."""

import pytest

from afterclass.learning.tests.factories import make_course, make_unit
from afterclass.people.tests.factories import PersonFactory
from afterclass.spaces.models import Role
from afterclass.spaces.tests.factories import add_member


@pytest.fixture
def owner(db):
    return PersonFactory(display_name="Olive Owner", is_org_admin=True)


@pytest.fixture
def space(owner):
    return make_course(owner)


@pytest.fixture
def facilitator(space):
    return add_member(space, PersonFactory(display_name="Fay Facilitator"),
                      role=Role.MODERATOR).person  # fmt: skip


@pytest.fixture
def learner(space):
    return add_member(space, PersonFactory(display_name="Lee Learner")).person


@pytest.fixture
def other_learner(space):
    return add_member(space, PersonFactory(display_name="Ola Other")).person


@pytest.fixture
def outsider(db):
    return PersonFactory(display_name="Otto Outsider")


@pytest.fixture
def unit(space, facilitator):
    return make_unit(space, facilitator)
