"""Forty comments posted at once on one post by four clients, through a real server: every one
is answered 201 and found by search. Each comment's index update is an upsert, so concurrent
updates of the post's own document (its answered state) never fail on `search_document_once`.

pytest-django's live server is a threaded WSGI server: each request has its own thread and its
own database connection, as with several web workers in production (the ASGI server of the
journeys runs every synchronous view in one thread, so its requests would never overlap)."""

import threading

import pytest
import requests

from afterclass.people.actions import do_create_access_token
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.tests.factories import make_post
from afterclass.search.engine import SearchFilters, search
from afterclass.search.models import SearchDocument, Source
from afterclass.spaces.tests.factories import add_member

CLIENTS = 4
COMMENTS_EACH = 10


def word(client: int, number: int) -> str:
    # A word only this comment holds.
    return "quill" + "abcd"[client] + "abcdefghij"[number]


@pytest.mark.django_db(transaction=True)
def test_concurrent_comments_on_one_post_are_all_saved_and_found(live_server, space, owner):
    post = make_post(space, owner, kind="question", title="Which notebook", body="Ideas?")
    tokens = []
    for client in range(CLIENTS):
        person = PersonFactory(display_name=f"Client {client}")
        add_member(space, person)
        tokens.append(do_create_access_token(person, "load", actor=person)[1])
    url = f"{live_server.url}/api/v1/posts/{post.pk}/comments"
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def client(number: int) -> None:
        with requests.Session() as session:
            session.headers["Authorization"] = f"Bearer {tokens[number]}"
            start.wait()
            for count in range(COMMENTS_EACH):
                response = session.post(
                    url, json={"body": f"Try the {word(number, count)} one."}, timeout=60
                )
                with lock:
                    answers.append((response.status_code, response.text[:200]))

    threads = [threading.Thread(target=client, args=(number,)) for number in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [status for status, _ in answers] == [201] * CLIENTS * COMMENTS_EACH, answers
    assert SearchDocument.objects.filter(source=Source.COMMENT, post_id=post.pk).count() == 40
    missing = [
        word(number, count)
        for number in range(CLIENTS)
        for count in range(COMMENTS_EACH)
        if len(search(owner, SearchFilters(q=word(number, count))).hits) != 1
    ]
    assert missing == []
    post_document = SearchDocument.objects.get(source=Source.POST, object_id=post.pk)
    assert post_document.is_answered
