"""Fixtures for live updates: a space with people in each place, and the channel layer, which is
the in-memory one, or Redis when REDIS_URL is set (CI), each test with a fresh prefix."""

import os
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers, get_channel_layer

from afterclass.live.layers import redis_channel_layer
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.spaces.models import AnonymousQuestions, Role, Visibility
from afterclass.spaces.tests.factories import add_member, make_space

REDIS_SKIP = (
    "REDIS_URL is not set: the Redis channel layer is tested against a real Redis on "
    "127.0.0.1:6379 (CI sets REDIS_URL=redis://127.0.0.1:6379/1)."
)


@pytest.fixture(autouse=True)
def _organisation(db):
    Organisation.current()


@pytest.fixture(params=["memory", "redis"])
def layer(request, settings):
    """Each test runs on the in-memory layer and again on Redis (skipped without REDIS_URL)."""
    if request.param == "redis":
        url = os.environ.get("REDIS_URL")
        if not url:
            pytest.skip(REDIS_SKIP)
        prefix = f"afterclass-test-{uuid.uuid4().hex[:12]}"
        settings.CHANNEL_LAYERS = {"default": redis_channel_layer(url, prefix=prefix)}
    else:
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield get_channel_layer()
    async_to_sync(get_channel_layer().flush)()
    channel_layers.backends.clear()


@pytest.fixture
def now(django_capture_on_commit_callbacks):
    """Run an action and what it leaves for after its commit, as a real commit would."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def owner(db):
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def space(owner):
    return make_space(
        owner,
        name="Data skills",
        slug="data-skills",
        anonymous_questions=AnonymousQuestions.EVERYONE,
    )


@pytest.fixture
def member(space):
    return add_member(space, PersonFactory(display_name="Mina Member")).person


@pytest.fixture
def writer(space):
    return add_member(space, PersonFactory(display_name="Wren Writer")).person


@pytest.fixture
def moderator(space):
    return add_member(space, PersonFactory(display_name="Mo Moderator"), role=Role.MODERATOR).person


@pytest.fixture
def outsider(db):
    return PersonFactory(display_name="Otto Outsider")


@pytest.fixture
def org_admin(db):
    return AdminFactory(display_name="Ada Admin")


@pytest.fixture
def secret_space(owner):
    return make_space(owner, name="Board coaching", slug="board", visibility=Visibility.SECRET)
