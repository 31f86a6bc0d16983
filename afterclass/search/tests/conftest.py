"""Fixtures of the search tests: two spaces (one secret), their people, and a helper that
indexes everything the way `afterclass search rebuild` does."""

import pytest

from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.search.index import rebuild
from afterclass.spaces.models import AnonymousQuestions, Role, Template, Visibility
from afterclass.spaces.tests.factories import add_member, make_space


@pytest.fixture(autouse=True)
def _organisation(db):
    Organisation.current()


@pytest.fixture
def owner(db):
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def space(owner):
    return make_space(
        owner, name="Data skills", slug="data", template=Template.COURSE,
        anonymous_questions=AnonymousQuestions.EVERYONE,
    )  # fmt: skip


@pytest.fixture
def secret_space(owner):
    return make_space(
        owner, name="Board coaching", slug="board", template=Template.COURSE,
        visibility=Visibility.SECRET,
    )  # fmt: skip


@pytest.fixture
def member(space):
    person = PersonFactory(display_name="Mina Member")
    add_member(space, person)
    return person


@pytest.fixture
def moderator(space):
    person = PersonFactory(display_name="Moe Moderator")
    add_member(space, person, role=Role.MODERATOR)
    return person


@pytest.fixture
def reindex():
    """Rebuild the index from the database (what the actions' on-commit calls keep up)."""
    return rebuild
