"""The /ws/live/ socket with Channels' test communicator, on the in-memory layer and on Redis:
who may connect and follow what, which events arrive after which commits, and that events carry
ids only, never content or names."""

import contextlib
import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client

from afterclass.asgi import application
from afterclass.live.access import TOPIC_REFUSED
from afterclass.live.consumers import MAX_TOPICS, LiveConsumer
from afterclass.live.events import post_group
from afterclass.live.tests.communicator import WebsocketCommunicator
from afterclass.notifications.fanout import Audience, Notice, deliver
from afterclass.notifications.models import NotificationKind
from afterclass.posts.actions import do_comment, do_create_post, do_hide_post
from afterclass.posts.models import PostKind
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.actions import do_leave_space

pytestmark = pytest.mark.django_db(transaction=True)

CANARY = "canary-7f3a1-live-secret"
QUIET = 0.2  # seconds to wait for an event that must not come


def scenario(coroutine_function):
    """Run an async test body on one event loop; its database calls come back to this thread,
    inside the test's transaction."""
    return async_to_sync(coroutine_function)()


async def connect(person):
    communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    communicator.scope["user"] = person
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def follow(communicator, topic):
    await communicator.send_json_to({"subscribe": topic})
    return await communicator.receive_json_from()


def act(now, action, *args, **kwargs):
    """An action committed (its on-commit callbacks run), from async code."""
    return database_sync_to_async(now)(action, *args, **kwargs)


# --- connecting ------------------------------------------------------------------------------


def test_live_socket_refuses_a_signed_out_person(layer):
    async def body():
        communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
        communicator.scope["user"] = AnonymousUser()
        connected, _ = await communicator.connect()
        assert not connected  # closed before the handshake: the server answers 403

    scenario(body)


def test_live_socket_refuses_a_deactivated_person(layer, member):
    member.is_active = False

    async def body():
        communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
        communicator.scope["user"] = member
        connected, _ = await communicator.connect()
        assert not connected

    scenario(body)


def _session_headers(person, origin="http://testserver"):
    client = Client()
    client.force_login(person)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [
        (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()),
        (b"origin", origin.encode()),
        (b"host", b"testserver"),
    ]


def test_live_socket_signs_in_with_the_session_cookie(layer, member, space):
    headers = _session_headers(member)

    async def body():
        communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
        connected, _ = await communicator.connect()
        assert connected
        assert await follow(communicator, "space:data-skills") == {
            "type": "subscribed",
            "topic": "space:data-skills",
        }
        await communicator.disconnect()

    scenario(body)


def test_live_socket_without_a_session_is_refused(layer):
    async def body():
        headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
        communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
        connected, _ = await communicator.connect()
        assert not connected

    scenario(body)


def test_live_socket_refuses_a_page_of_another_site(layer, member):
    # Another site's page would send the person's cookie along: the Origin header stops it.
    headers = _session_headers(member, origin="https://evil.example")

    async def body():
        communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
        connected, _ = await communicator.connect()
        assert not connected

    scenario(body)


# --- following topics ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "topic", "allowed"),
    [
        ("member", "space:data-skills", True),
        ("org_admin", "space:data-skills", True),
        ("outsider", "space:data-skills", False),  # may know the space, not read its feed
        ("outsider", "space:board", False),  # a secret space
        ("member", "space:board", False),
        ("owner", "space:board", True),
        ("member", "space:no-such-space", False),
        ("member", "post:999999", False),
        ("member", "nonsense", False),
        ("member", "post:1 OR 1=1", False),
    ],
)
def test_live_subscribe_follows_only_what_the_page_would_show(
    layer, request, space, secret_space, who, topic, allowed
):
    person = request.getfixturevalue(who)

    async def body():
        communicator = await connect(person)
        answer = await follow(communicator, topic)
        if allowed:
            assert answer == {"type": "subscribed", "topic": topic}
        else:
            assert answer == {"type": "refused", "topic": topic, "message": TOPIC_REFUSED}
        await communicator.disconnect()

    scenario(body)


def test_live_subscribe_to_a_post(layer, now, space, member, writer, moderator, outsider):
    post = now(make_post, space, writer)
    hidden = now(make_post, space, writer, title="Soon hidden")
    now(do_hide_post, hidden, actor=moderator, reason="Off topic")

    async def body():
        for person, topic, allowed in [
            (member, f"post:{post.pk}", True),
            (outsider, f"post:{post.pk}", False),
            (member, f"post:{hidden.pk}", False),  # hidden: only its author and moderators
            (writer, f"post:{hidden.pk}", True),
            (moderator, f"post:{hidden.pk}", True),
        ]:
            communicator = await connect(person)
            answer = await follow(communicator, topic)
            assert answer["type"] == ("subscribed" if allowed else "refused"), (person, topic)
            await communicator.disconnect()

    scenario(body)


def test_live_socket_answers_a_message_it_does_not_understand(layer, member):
    async def body():
        communicator = await connect(member)
        await communicator.send_to(text_data="not json")
        assert (await communicator.receive_json_from())["type"] == "error"
        await communicator.send_json_to({"subscribe": 42})
        assert (await communicator.receive_json_from())["type"] == "error"
        await communicator.disconnect()

    scenario(body)


def test_live_socket_caps_the_topics_of_one_connection(layer, now, space, member):
    posts = [now(make_post, space, member, title=f"Post {n}") for n in range(MAX_TOPICS + 1)]

    async def body():
        communicator = await connect(member)
        for post in posts[:MAX_TOPICS]:
            assert (await follow(communicator, f"post:{post.pk}"))["type"] == "subscribed"
        answer = await follow(communicator, f"post:{posts[-1].pk}")
        assert answer["type"] == "refused"
        assert str(MAX_TOPICS) in answer["message"]
        await communicator.disconnect()

    scenario(body)


# --- events after commits --------------------------------------------------------------------


def test_live_post_created_reaches_the_feeds_of_the_space_only(
    layer, now, space, secret_space, member, writer, owner
):
    async def body():
        watching = await connect(member)
        assert (await follow(watching, "space:data-skills"))["type"] == "subscribed"
        elsewhere = await connect(owner)
        assert (await follow(elsewhere, "space:board"))["type"] == "subscribed"

        post = await act(
            now, do_create_post, space, actor=writer, kind=PostKind.DISCUSSION,
            title=CANARY, body=f"{CANARY} body",
        )  # fmt: skip
        raw = await watching.receive_from()
        assert json.loads(raw) == {"type": "post.created", "space": "data-skills", "post": post.pk}
        assert CANARY not in raw
        assert "Wren" not in raw
        assert await elsewhere.receive_nothing(QUIET)
        await watching.disconnect()
        await elsewhere.disconnect()

    scenario(body)


class _RolledBack(Exception):
    pass


def _create_and_roll_back(space, writer) -> None:
    with contextlib.suppress(_RolledBack), transaction.atomic():
        do_create_post(space, actor=writer, kind=PostKind.DISCUSSION, title="Draft", body="…")
        raise _RolledBack


def test_live_nothing_is_sent_before_the_commit(layer, space, member, writer):
    async def body():
        watching = await connect(member)
        await follow(watching, "space:data-skills")
        # Without a commit (the post's transaction is rolled back) nothing may be announced.
        await database_sync_to_async(_create_and_roll_back)(space, writer)
        assert await watching.receive_nothing(QUIET)
        await watching.disconnect()

    scenario(body)


def test_live_comment_created_reaches_the_post_page_with_ids_only(
    layer, now, space, member, writer, outsider
):
    post = now(make_post, space, writer, kind=PostKind.QUESTION, anonymous=True, title="Q?")

    async def body():
        watching = await connect(member)
        assert (await follow(watching, f"post:{post.pk}"))["type"] == "subscribed"
        outside = await connect(outsider)
        assert (await follow(outside, f"post:{post.pk}"))["type"] == "refused"

        # The anonymous asker answers in their own question: nothing may name them.
        comment = await act(now, do_comment, post, actor=writer, body=CANARY)
        raw = await watching.receive_from()
        assert json.loads(raw) == {
            "type": "comment.created",
            "post": post.pk,
            "comment": comment.pk,
        }
        assert CANARY not in raw
        assert str(writer.pk) not in raw.replace(str(post.pk), "").replace(str(comment.pk), "")
        assert await outside.receive_nothing(QUIET)
        await watching.disconnect()
        await outside.disconnect()

    scenario(body)


def test_live_events_stop_when_the_person_may_no_longer_see_the_page(
    layer, now, space, member, writer
):
    async def body():
        watching = await connect(member)
        await follow(watching, "space:data-skills")
        await act(now, do_leave_space, space, actor=member)
        await act(now, make_post, space, writer, title=CANARY)
        # Checked again at delivery: no event, the topic is dropped and the page told so.
        assert await watching.receive_json_from() == {
            "type": "refused",
            "topic": "space:data-skills",
            "message": TOPIC_REFUSED,
        }
        await act(now, make_post, space, writer, title="Another")
        assert await watching.receive_nothing(QUIET)
        await watching.disconnect()

    scenario(body)


def test_live_events_of_a_post_hidden_since_stop(layer, now, space, member, writer, moderator):
    post = now(make_post, space, writer)

    async def body():
        watching = await connect(member)
        await follow(watching, f"post:{post.pk}")
        await act(now, do_hide_post, post, actor=moderator, reason="Off topic")
        # No comment can be written on a hidden post; an event still in flight is dropped.
        await layer.group_send(
            post_group(post.pk),
            {
                "type": "live.event",
                "topic": f"post:{post.pk}",
                "event": {"type": "comment.created", "post": post.pk, "comment": 1},
            },
        )
        assert (await watching.receive_json_from())["type"] == "refused"
        await watching.disconnect()

    scenario(body)


def test_live_unsubscribe_stops_the_events(layer, now, space, member, writer):
    async def body():
        watching = await connect(member)
        await follow(watching, "space:data-skills")
        await watching.send_json_to({"unsubscribe": "space:data-skills"})
        assert (await watching.receive_json_from())["type"] == "unsubscribed"
        await act(now, make_post, space, writer)
        assert await watching.receive_nothing(QUIET)
        await watching.disconnect()

    scenario(body)


def test_live_bell_rings_for_the_people_told_and_nobody_else(layer, now, space, member, writer):
    async def body():
        told = await connect(member)
        actor = await connect(writer)
        # A mention notifies the person mentioned; the writer is not told about their own post.
        await act(now, make_post, space, writer, body=f"@{member.email.split('@')[0]} {CANARY}")
        assert await told.receive_json_from() == {"type": "bell"}
        assert await actor.receive_nothing(QUIET)
        await told.disconnect()
        await actor.disconnect()

    scenario(body)


def test_live_bell_of_a_direct_delivery(layer, now, space, member, writer, outsider):
    async def body():
        told = await connect(member)
        other = await connect(outsider)
        notice = Notice(
            kind=NotificationKind.ANNOUNCEMENT, message=CANARY, url="/", space_id=space.pk
        )
        written = await act(now, deliver, notice, audience=Audience.SPACE_MEMBERS)
        assert written >= 1
        raw = await told.receive_from()
        assert json.loads(raw) == {"type": "bell"}
        assert CANARY not in raw
        assert await other.receive_nothing(QUIET)
        await told.disconnect()
        await other.disconnect()

    scenario(body)
