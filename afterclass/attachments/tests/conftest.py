"""Fixtures of the attachments tests: a visual board, a course group and their people."""

import pytest

from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.spaces.models import Template, Visibility
from afterclass.spaces.tests.factories import add_member, make_space


@pytest.fixture(autouse=True)
def _organisation(db):
    Organisation.current()


@pytest.fixture
def owner(db):
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def board(owner):
    return make_space(owner, name="Site photos", slug="photos", template=Template.VISUAL)


@pytest.fixture
def course(owner):
    return make_space(owner, name="Course follow-up", slug="course", template=Template.COURSE)


@pytest.fixture
def member(board, course):
    person = PersonFactory(display_name="Mina Member")
    add_member(board, person)
    add_member(course, person)
    return person


@pytest.fixture
def outsider(db):
    return PersonFactory(display_name="Otto Outsider")


@pytest.fixture
def secret_space(owner):
    return make_space(
        owner, name="Board coaching", slug="secret", template=Template.COURSE,
        visibility=Visibility.SECRET,
    )  # fmt: skip


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server, over real HTTP on a free local port, for one test module."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
