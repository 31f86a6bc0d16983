"""Fixtures of the insights tests: departments, levels and a launched space with its owner."""

import pytest

from afterclass.insights.actions import do_change_insight_settings
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import DepartmentFactory, LevelFactory, PersonFactory
from afterclass.spaces.tests.factories import add_member, make_space


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


# A member of the space, and the space with the pulse question switched on (pulse tests).
@pytest.fixture
def member(space):
    return add_member(space).person


@pytest.fixture
def pulse_on(space, owner):
    do_change_insight_settings(
        space, actor=owner, pulse_enabled=True, health_visible_to_members=False
    )
    return space
