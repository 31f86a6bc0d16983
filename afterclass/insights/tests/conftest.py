"""Fixtures of the insights tests: departments, levels and a launched space with its owner."""

import pytest

from afterclass.people.models import Organisation
from afterclass.people.tests.factories import DepartmentFactory, LevelFactory, PersonFactory
from afterclass.spaces.tests.factories import make_space


@pytest.fixture(autouse=True)
def _organisation(db):
    # Created up front so that no code under test creates it while its queries are counted.
    Organisation.current()


@pytest.fixture
def owner(db):
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def space(owner):
    return make_space(owner, name="Data skills", slug="data-skills")


@pytest.fixture
def sales(db):
    return DepartmentFactory(name="Sales")


@pytest.fixture
def it(db):
    return DepartmentFactory(name="IT")


@pytest.fixture
def staff(db):
    return LevelFactory(name="Staff", rank=1)


@pytest.fixture
def manager(db):
    return LevelFactory(name="Manager", rank=2)
