"""A person deactivated by an admin (Manage → People, or the API: people.actions.do_set_active)
loses their open pages' live sockets at once, as one deprovisioned by SCIM does
(scim/tests/test_live.py): people sends person_deactivated after the commit and live closes
them (live/receivers.py). Someone else's socket stays open; a reactivation sends nothing."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.urls import reverse

from afterclass.live.consumers import CLOSED_DEACTIVATED, LiveConsumer
from afterclass.live.tests.communicator import WebsocketCommunicator
from afterclass.people.actions import do_set_active
from afterclass.people.signals import person_deactivated
from afterclass.people.tests.factories import AdminFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _connected(person):
    socket = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    socket.scope["user"] = person
    return socket


def test_deactivation_by_an_admin_closes_only_their_sockets(layer, client):
    admin, person, other = AdminFactory(), PersonFactory(), PersonFactory()
    client.force_login(admin)

    def deactivate():
        url = reverse("manage-person-active", args=[person.pk])
        assert client.post(url, {"active": "0"}).status_code == 302

    async def body():
        theirs, others = _connected(person), _connected(other)
        assert (await theirs.connect())[0]
        assert (await others.connect())[0]
        await database_sync_to_async(deactivate)()
        closed = await theirs.receive_output(timeout=2)
        assert closed == {"type": "websocket.close", "code": CLOSED_DEACTIVATED}
        assert await others.receive_nothing(0.3)
        await others.disconnect()

    async_to_sync(body)()


def test_only_a_deactivation_sends_the_signal(django_capture_on_commit_callbacks):
    admin, person = AdminFactory(), PersonFactory()
    sent = []

    def listen(sender, *, person_id, **kwargs):
        sent.append(person_id)

    person_deactivated.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            do_set_active(person, False, actor=admin)
        assert sent == [person.pk]
        with django_capture_on_commit_callbacks(execute=True):
            do_set_active(person, True, actor=admin)
        assert sent == [person.pk]
    finally:
        person_deactivated.disconnect(listen)
