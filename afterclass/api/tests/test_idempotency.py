"""Idempotency-Key on the API: a retried request gets the first answer and creates nothing twice."""

import json
import threading
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from afterclass.api.idempotency import (
    BAD_KEY,
    IN_PROGRESS,
    KEY_REUSED,
    REPLAYED_HEADER,
    Asked,
    claim_key,
    keep_answer,
    prune_expired_keys,
)
from afterclass.api.models import IdempotencyKey
from afterclass.api.tasks import prune_idempotency_keys
from afterclass.attachments.models import Attachment
from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Person
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.models import Comment, Post
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.models import Space
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

KEY = "8e0f7c52-4a1d-4a57-9d0b-2b8e3c1f6a90"
DISCUSSION = {"kind": "discussion", "title": "Retro formats", "body": "Which work?"}


def token_for(person: Person) -> str:
    _, raw = do_create_access_token(person, "tests", actor=person)
    return raw


def create_post(client: Client, space: Space, token: str, data: object, key: str | None = KEY):
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(
        f"/api/v1/spaces/{space.slug}/posts",
        json.dumps(data),
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def space(db) -> Space:
    return make_space(PersonFactory(display_name="Olive Owner"), name="Data skills")


@pytest.fixture
def member(space) -> Person:
    return add_member(space, PersonFactory(display_name="Mo Member")).person


@pytest.fixture
def token(member) -> str:
    return token_for(member)


def test_idempotency_same_post_twice_creates_one_post_and_gives_the_same_answer(
    client, space, token
):
    first = create_post(client, space, token, DISCUSSION)
    second = create_post(client, space, token, DISCUSSION)
    assert first.status_code == second.status_code == 201
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] == "application/json; charset=utf-8"
    assert Post.objects.get().pk == first.json()["id"]


def test_idempotency_marks_only_the_replay(client, space, token):
    first = create_post(client, space, token, DISCUSSION)
    second = create_post(client, space, token, DISCUSSION)
    assert REPLAYED_HEADER not in first
    assert second[REPLAYED_HEADER] == "true"


def test_idempotency_same_comment_twice_with_the_session_creates_one_comment(space, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get("/api/v1/docs")  # sets the csrftoken cookie
    post = make_post(space, member, title="How do I pivot?")
    answers = [
        client.post(
            f"/api/v1/posts/{post.pk}/comments",
            {"body": "Use a pivot table."},
            content_type="application/json",
            headers={"Idempotency-Key": KEY, "X-CSRFToken": client.cookies["csrftoken"].value},
        )
        for _ in range(2)
    ]
    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[1].content == answers[0].content
    assert Comment.objects.get().pk == answers[0].json()["id"]


def test_idempotency_refuses_the_same_key_on_a_different_body_with_422(client, space, token):
    create_post(client, space, token, DISCUSSION)
    response = create_post(client, space, token, {**DISCUSSION, "title": "Other"})
    assert response.status_code == 422
    assert response.json() == {"detail": KEY_REUSED, "field": None, "errors": []}
    assert Post.objects.count() == 1


def test_idempotency_refuses_the_same_key_on_a_different_address_with_422(client, space, token):
    post = Post.objects.get(pk=create_post(client, space, token, DISCUSSION).json()["id"])
    response = client.post(
        f"/api/v1/posts/{post.pk}/comments",
        json.dumps({"body": "Hello"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": KEY},
    )
    assert response.status_code == 422
    assert response.json() == {"detail": KEY_REUSED, "field": None, "errors": []}
    assert not Comment.objects.exists()


def test_idempotency_keys_of_different_people_are_independent(client, space, token):
    other = token_for(add_member(space, PersonFactory()).person)
    first = create_post(client, space, token, DISCUSSION)
    second = create_post(client, space, other, DISCUSSION)
    assert first.status_code == second.status_code == 201
    assert REPLAYED_HEADER not in second
    assert Post.objects.count() == 2


def test_idempotency_without_the_header_creates_each_time(client, space, token):
    for _ in range(2):
        assert create_post(client, space, token, DISCUSSION, key=None).status_code == 201
    assert Post.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_idempotency_a_new_key_is_a_new_request(client, space, token):
    create_post(client, space, token, DISCUSSION, key="first")
    create_post(client, space, token, DISCUSSION, key="second")
    assert Post.objects.count() == 2


def test_idempotency_takes_a_quoted_key_as_the_bare_key(client, space, token):
    create_post(client, space, token, DISCUSSION, key=KEY)
    response = create_post(client, space, token, DISCUSSION, key=f'"{KEY}"')
    assert response[REPLAYED_HEADER] == "true"
    assert Post.objects.count() == 1


def test_idempotency_answers_409_while_the_first_request_runs(client, space, member, token):
    path = f"/api/v1/spaces/{space.slug}/posts"
    request = RequestFactory().post(path, json.dumps(DISCUSSION), content_type="application/json")
    IdempotencyKey.objects.create(
        person=member,
        key=KEY,
        method="POST",
        path=path,
        fingerprint=Asked.of(request).fingerprint,
    )
    response = create_post(client, space, token, DISCUSSION)
    assert response.status_code == 409
    assert response.json() == {"detail": IN_PROGRESS, "field": None, "errors": []}
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    "key",
    ["", "a" * 256, "two words", "caf\u00e9", "tab\there"],
    ids=["empty", "too-long", "space", "not-ascii", "control"],
)
def test_idempotency_refuses_a_bad_key_with_400(client, space, token, key):
    response = create_post(client, space, token, DISCUSSION, key=key)
    assert response.status_code == 400
    assert response.json() == {"detail": BAD_KEY, "field": None, "errors": []}
    assert not Post.objects.exists()


def test_idempotency_accepts_a_key_of_255_characters(client, space, token):
    assert create_post(client, space, token, DISCUSSION, key="k" * 255).status_code == 201
    assert IdempotencyKey.objects.get().key == "k" * 255


def test_idempotency_keeps_a_refusal_and_replays_it(client, space, token):
    first = create_post(client, space, token, {"kind": "discussion"})
    second = create_post(client, space, token, {"kind": "discussion"})
    assert first.status_code == second.status_code == 400  # a discussion needs a title
    assert second.content == first.content
    assert second[REPLAYED_HEADER] == "true"


def test_idempotency_frees_the_key_after_a_csrf_refusal(space, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get("/api/v1/docs")
    path = f"/api/v1/spaces/{space.slug}/posts"

    def send(headers: dict[str, str]):
        return client.post(
            path,
            json.dumps(DISCUSSION),
            content_type="application/json",
            headers={"Idempotency-Key": KEY, **headers},
        )

    assert send({}).status_code == 403
    assert not IdempotencyKey.objects.exists()
    assert send({"X-CSRFToken": client.cookies["csrftoken"].value}).status_code == 201
    assert Post.objects.count() == 1


def test_idempotency_leaves_an_unknown_sender_to_the_api_s_401(client, space):
    response = create_post(client, space, "ac_not-a-token", DISCUSSION)
    assert response.status_code == 401
    assert not IdempotencyKey.objects.exists()


def test_idempotency_ignores_the_key_on_reads(client, space, token):
    response = client.get(
        f"/api/v1/spaces/{space.slug}/posts",
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": KEY},
    )
    assert response.status_code == 200
    assert not IdempotencyKey.objects.exists()


def test_idempotency_ignores_the_key_outside_the_api(client, member):
    client.force_login(member)
    client.post("/no-such-page/", {"q": "x"}, headers={"Idempotency-Key": KEY})
    assert not IdempotencyKey.objects.exists()


def test_idempotency_same_upload_twice_stores_one_file(client, member, token):
    def upload(content: bytes):
        return client.post(
            "/api/v1/attachments",
            {"file": SimpleUploadedFile("notes.txt", content, content_type="text/plain")},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": KEY},
        )

    first = upload(b"Meeting notes")
    second = upload(b"Meeting notes")
    assert first.status_code == second.status_code == 201
    assert second.content == first.content
    assert Attachment.objects.count() == 1
    assert upload(b"Other notes").status_code == 422


def test_idempotency_takes_up_an_expired_key_again(client, space, token):
    first = create_post(client, space, token, DISCUSSION)
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    second = create_post(client, space, token, DISCUSSION)
    assert second.status_code == 201
    assert second.json()["id"] != first.json()["id"]
    assert IdempotencyKey.objects.get().status == 201


@pytest.mark.parametrize("status", [500, 502, 503, 401, 429])
def test_keep_answer_frees_the_key_after_an_answer_to_retry(member, status):
    row, claimed = claim_key(member, KEY, Asked("POST", "/api/v1/spaces", "f" * 64))
    assert claimed
    keep_answer(row, HttpResponse(b"{}", status=status, content_type="application/json"))
    assert not IdempotencyKey.objects.exists()
    _, claimed_again = claim_key(member, KEY, Asked("POST", "/api/v1/spaces", "f" * 64))
    assert claimed_again


def test_claim_key_gives_the_earlier_row_to_a_second_claim(member):
    asked = Asked("POST", "/api/v1/spaces", "f" * 64)
    first, claimed = claim_key(member, KEY, asked)
    second, claimed_again = claim_key(member, KEY, asked)
    assert claimed
    assert not claimed_again
    assert second.pk == first.pk


def test_prune_idempotency_keys_deletes_only_expired_keys(member):
    now = timezone.now()
    for key, age in [("old", timedelta(hours=24, seconds=1)), ("new", timedelta(hours=23))]:
        IdempotencyKey.objects.create(
            person=member, key=key, method="POST", path="/", fingerprint="", created_at=now - age
        )
    assert prune_idempotency_keys.call() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


def test_prune_expired_keys_works_in_batches(member):
    old = timezone.now() - timedelta(days=2)
    IdempotencyKey.objects.bulk_create(
        IdempotencyKey(
            person=member, key=f"k{n}", method="POST", path="/", fingerprint="", created_at=old
        )
        for n in range(5)
    )
    assert prune_expired_keys(batch=2) == 5
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_idempotency_concurrent_requests_with_one_key_create_one_post(live_server):
    space = make_space(PersonFactory(), name="Data skills")
    token = token_for(add_member(space, PersonFactory()).person)
    clients = 8
    start = threading.Barrier(clients)
    answers: list[tuple[int, bytes]] = []
    lock = threading.Lock()

    def send() -> None:
        request = urllib.request.Request(  # noqa: S310 - our own live server, over http
            f"{live_server.url}/api/v1/spaces/{space.slug}/posts",
            data=json.dumps(DISCUSSION).encode(),
            headers={
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": KEY,
                "Content-Type": "application/json",
            },
            method="POST",
        )
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                answer = (response.status, response.read())
        except urllib.error.HTTPError as error:
            answer = (error.code, error.read())
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=send) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(answers) == clients
    assert Post.objects.count() == 1
    created = [body for status, body in answers if status == 201]
    assert created
    assert all(body == created[0] for body in created)
    assert json.loads(created[0])["id"] == Post.objects.get().pk
    busy = [body for status, body in answers if status == 409]
    assert len(created) + len(busy) == clients
    assert all(
        json.loads(body) == {"detail": IN_PROGRESS, "field": None, "errors": []} for body in busy
    )
