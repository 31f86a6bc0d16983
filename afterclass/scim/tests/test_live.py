"""A deactivated person's open pages: their live-update socket is closed at once, and a new one
is refused (their session is gone)."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from django.conf import settings

from afterclass.asgi import application
from afterclass.live.consumers import CLOSED_DEACTIVATED, LiveConsumer
from afterclass.live.tests.communicator import WebsocketCommunicator
from afterclass.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def test_deactivation_by_scim_closes_the_socket_and_refuses_a_new_one(memory_layer, scim, client):
    person, other = PersonFactory(), PersonFactory()
    client.force_login(person)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    def deactivate():
        body = {
            "schemas": [PATCH],
            "Operations": [{"op": "replace", "path": "active", "value": "False"}],
        }
        assert scim.patch(f"Users/{person.pk}", body).status_code == 200

    async def body():
        theirs = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
        theirs.scope["user"] = person
        assert (await theirs.connect())[0]
        others = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
        others.scope["user"] = other
        assert (await others.connect())[0]

        await database_sync_to_async(deactivate)()

        closed = await theirs.receive_output(timeout=2)
        assert closed == {"type": "websocket.close", "code": CLOSED_DEACTIVATED}
        assert await others.receive_nothing(0.2)
        await others.disconnect()

        headers = [(b"cookie", cookie.encode()), (b"origin", b"http://testserver")]
        again = WebsocketCommunicator(application, "/ws/live/", headers=headers)
        connected, _ = await again.connect()
        assert not connected

    async_to_sync(body)()
