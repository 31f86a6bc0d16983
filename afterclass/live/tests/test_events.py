"""Publishing: what each event says, to which group, and that a live update never breaks the
write it reports."""

import logging

import pytest

from afterclass.live import events
from afterclass.live.events import person_group, post_group, space_group
from afterclass.notifications.fanout import Audience, Notice, deliver
from afterclass.notifications.models import Notification, NotificationKind
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.tests.factories import add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """What would go to the channel layer, as (group, message) pairs, per publish."""
    calls = []
    monkeypatch.setattr(events, "_publish", lambda sends: calls.append(sends) if sends else None)
    return calls


def test_publish_post_created_names_the_space_and_post_only(now, sent, space, writer):
    post = now(make_post, space, writer, title="A secret title")
    assert sent == [
        [
            (
                space_group(space.pk),
                {
                    "type": "live.event",
                    "topic": "space:data-skills",
                    "event": {"type": "post.created", "space": "data-skills", "post": post.pk},
                },
            )
        ]
    ]


def test_publish_comment_created_names_the_post_and_comment_only(now, sent, space, writer):
    post = now(make_post, space, writer)
    sent.clear()
    comment = now(make_comment, post, writer, "A secret comment")
    assert [(group, message["event"]) for batch in sent for group, message in batch] == [
        (post_group(post.pk), {"type": "comment.created", "post": post.pk, "comment": comment.pk})
    ]


def test_deliver_rings_every_bell_told_in_one_publish(now, sent, space, writer):
    members = [add_member(space, PersonFactory()).person for _ in range(30)]
    notice = Notice(kind=NotificationKind.ANNOUNCEMENT, message="Hello", url="/", space_id=space.pk)
    written = now(deliver, notice, audience=Audience.SPACE_MEMBERS)
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert written == len(told)
    assert {m.pk for m in members} <= told
    # One publish for the whole fan-out, one bell per person told, and nobody else.
    assert len(sent) == 1
    assert sorted(group for group, _ in sent[0]) == sorted(person_group(pk) for pk in told)
    assert all(message["event"] == {"type": "bell"} for _, message in sent[0])


def test_deliver_to_nobody_rings_no_bell(now, sent, space):
    notice = Notice(kind=NotificationKind.ANNOUNCEMENT, message="Hello", url="/")
    assert now(deliver, notice, []) == 0
    assert sent == []


def test_publish_failure_is_logged_and_the_write_stands(now, monkeypatch, caplog, space, writer):
    async def broken(sends):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(events, "_send_all", broken)
    with caplog.at_level(logging.ERROR, logger="afterclass.live.events"):
        post = now(make_post, space, writer, title="Still posted")
    assert post.pk is not None
    assert "Live update not sent" in caplog.text
