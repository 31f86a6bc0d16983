"""Fixtures of the moderation tests: a space with an owner, a moderator, an author and a
reporter, and a post and a comment by the author."""

import pytest

from afterclass.people.models import Organisation, Person
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.models import Comment, Post
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import Role, Space, Visibility
from afterclass.spaces.tests.factories import add_member, make_space

CANARY = "canary-7f3a9-reported-text"


@pytest.fixture(autouse=True)
def _organisation(db):
    # Created up front so that no page creates it while its queries are counted.
    Organisation.current()


@pytest.fixture
def owner(db) -> Person:
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def space(owner) -> Space:
    return make_space(owner, name="Data skills", slug="data-skills")


@pytest.fixture
def moderator(space) -> Person:
    return add_member(space, PersonFactory(display_name="Mo Moderator"), role=Role.MODERATOR).person


@pytest.fixture
def author(space) -> Person:
    return add_member(space, PersonFactory(display_name="Ada Author")).person


@pytest.fixture
def reporter(space) -> Person:
    return add_member(space, PersonFactory(display_name="Rita Reporter")).person


@pytest.fixture
def outsider(db) -> Person:
    return PersonFactory(display_name="Otto Outsider")


@pytest.fixture
def post(space, author) -> Post:
    return make_post(space, author, title="Spreadsheets are better than dashboards", body=CANARY)


@pytest.fixture
def comment(post, owner) -> Comment:
    return make_comment(post, owner, "Buy my course at example.com")


@pytest.fixture
def secret_space(owner) -> Space:
    return make_space(owner, name="Board coaching", slug="board", visibility=Visibility.SECRET)
