"""Notifications API: my list (never another person's, never a hidden actor), the unread count,
marking read, preferences and a space's level; errors a client can act on."""

import json

import pytest

from afterclass.notifications.models import (
    EmailSettings,
    Notification,
    NotificationKind,
    NotificationPreference,
    SpaceLevel,
    SpaceSubscription,
)
from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.models import PostKind
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import AnonymousQuestions, Visibility
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


@pytest.fixture(autouse=True)
def _organisation(db):
    Organisation.current()


@pytest.fixture
def owner(db):
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def space(owner):
    return make_space(owner, slug="data-skills", anonymous_questions=AnonymousQuestions.EVERYONE)


@pytest.fixture
def member(space):
    return add_member(space, PersonFactory(display_name="Mina Member")).person


def bearer(person):
    _, raw = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def call(client, method, url, person, data=None):
    body = "" if data is None else json.dumps(data)
    auth = bearer(person) if person is not None else {}
    return getattr(client, method)(f"{BASE}{url}", body, content_type="application/json", **auth)


def tell(person, message="Olive replied", **fields):
    fields.setdefault("kind", NotificationKind.REPLY)
    return Notification.objects.create(recipient=person, message=message, url="/feed/", **fields)


def test_list_returns_my_notifications_newest_first(client, owner, space, member):
    older = tell(member, "Older", space=space, actor=owner)
    newer = tell(member, "Newer")
    tell(owner, "Not mine")
    response = call(client, "get", "/notifications", member)
    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["items"]] == [newer.pk, older.pk]
    assert body["next"] is None
    assert body["items"][1]["actor"] == {"id": owner.pk, "name": "Olive Owner"}
    assert body["items"][1]["space"] == {"slug": "data-skills", "name": space.name}
    assert body["items"][0]["actor"] is None
    assert body["items"][0]["read"] is False


def test_list_paginates_with_a_cursor(client, member):
    for number in range(5):
        tell(member, f"Note {number}")
    first = call(client, "get", "/notifications?limit=2", member).json()
    assert len(first["items"]) == 2
    second = call(client, "get", f"/notifications?limit=2&cursor={first['next']}", member).json()
    assert {i["id"] for i in first["items"]}.isdisjoint({i["id"] for i in second["items"]})
    assert call(client, "get", "/notifications?cursor=broken", member).status_code == 400


def test_list_never_names_an_anonymous_asker(
    client, space, member, django_capture_on_commit_callbacks
):
    asker = add_member(space, PersonFactory(display_name="Sam Secret")).person
    question = make_post(space, asker, kind=PostKind.QUESTION, title="Delicate", anonymous=True)
    with django_capture_on_commit_callbacks(execute=True):
        answer = make_comment(question, member, "An answer")
    with django_capture_on_commit_callbacks(execute=True):
        make_comment(question, asker, "Thanks!", parent=answer)
    response = call(client, "get", "/notifications", member)
    items = response.json()["items"]
    assert items, "the asker's reply reaches the answerer"
    assert all(item["actor"] is None for item in items)
    assert "Sam Secret" not in response.content.decode()
    assert str(asker.pk) not in json.dumps([item["actor"] for item in items])


def test_list_leaves_out_a_secret_space_i_cannot_see(client, owner, member):
    secret = make_space(owner, name="Board", slug="board", visibility=Visibility.SECRET)
    tell(member, "About the board", space=secret)
    assert call(client, "get", "/notifications", member).json()["items"] == []


@pytest.mark.parametrize("rows", [1, 50])
def test_list_query_count_does_not_grow(
    client, owner, space, member, rows, django_assert_num_queries
):
    for number in range(rows):
        tell(member, f"Note {number}", space=space, actor=owner)
    auth = bearer(member)
    client.get(f"{BASE}/notifications", **auth)  # the token's first use is recorded
    # the token, the page of notifications with actor and space
    with django_assert_num_queries(2):
        response = client.get(f"{BASE}/notifications", **auth)
    assert len(response.json()["items"]) == min(rows, 25)


def test_unread_count(client, member):
    tell(member)
    tell(member)
    body = call(client, "get", "/notifications/unread-count", member).json()
    assert body == {"count": 2, "label": "2"}


def test_read_by_ids_marks_only_mine(client, owner, member):
    mine = tell(member)
    theirs = tell(owner)
    response = call(client, "post", "/notifications/read", member, {"ids": [mine.pk, theirs.pk]})
    assert response.status_code == 200
    assert response.json() == {"marked": 1}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_read_all(client, member):
    tell(member)
    tell(member)
    assert call(client, "post", "/notifications/read", member, {"all": True}).json() == {
        "marked": 2
    }


@pytest.mark.parametrize(
    "body", [{}, {"ids": []}, {"all": False}, {"ids": [1], "all": True}, {"all": "yes"}]
)
def test_read_refuses_unclear_bodies(client, member, body):
    response = call(client, "post", "/notifications/read", member, body)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_endpoints_need_sign_in(client):
    assert call(client, "get", "/notifications", None).status_code == 401
    assert call(client, "get", "/notifications/preferences", None).status_code == 401


def test_preferences_get_and_put(client, space, member):
    body = call(client, "get", "/notifications/preferences", member).json()
    kinds = {row["kind"]: row for row in body["kinds"]}
    assert kinds["mention"]["channel"] == "email_now"
    assert kinds["anonymity_revealed"]["can_switch_off"] is False
    assert body["spaces"] == [{"slug": "data-skills", "name": space.name, "level": "direct"}]
    assert body["digest"] == "weekly"
    changed = call(
        client,
        "put",
        "/notifications/preferences",
        member,
        {"kinds": {"reply": "off", "mention": "email_digest"}, "digest": "daily"},
    )
    assert changed.status_code == 200
    kinds = {row["kind"]: row["channel"] for row in changed.json()["kinds"]}
    assert kinds["reply"] == "off"
    assert kinds["mention"] == "email_digest"
    assert EmailSettings.objects.get(person=member).digest == "daily"


def test_preferences_put_refuses_switching_off_anonymity_revealed_and_changes_nothing(
    client, member
):
    response = call(
        client,
        "put",
        "/notifications/preferences",
        member,
        {"kinds": {"reply": "off", "anonymity_revealed": "off"}},
    )
    assert response.status_code == 400
    assert response.json()["field"] == "channel"
    assert not NotificationPreference.objects.filter(person=member).exists()


@pytest.mark.parametrize(
    "body", [{"kinds": {"nope": "off"}}, {"kinds": {"reply": "pigeon"}}, {"digest": "hourly"},
             {"colour": "blue"}],
)  # fmt: skip
def test_preferences_put_refuses_bad_values(client, member, body):
    assert call(client, "put", "/notifications/preferences", member, body).status_code == 422


def test_space_level(client, space, member):
    response = call(
        client, "put", "/spaces/data-skills/notification-level", member, {"level": "all"}
    )
    assert response.status_code == 200
    assert response.json()["level"] == "all"
    assert SpaceSubscription.objects.get(person=member, space=space).level == SpaceLevel.ALL


def test_space_level_refused_for_secret_and_for_non_members(client, owner, space):
    outsider = PersonFactory()
    make_space(owner, name="Board", slug="board", visibility=Visibility.SECRET)
    url = "/spaces/board/notification-level"
    assert call(client, "put", url, outsider, {"level": "all"}).status_code == 404
    url = "/spaces/data-skills/notification-level"
    assert call(client, "put", url, outsider, {"level": "all"}).status_code == 403
    assert call(client, "put", url, outsider, {"level": "loud"}).status_code == 422
    assert not SpaceSubscription.objects.exists()
