"""Polls through the API: posting a poll, the poll in a post's JSON, voting, taking a vote back,
closing, every refusal, and anonymity (counts only)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Person
from afterclass.people.tests.factories import AdminFactory
from afterclass.polls.actions import do_vote_in_poll
from afterclass.polls.models import Poll, PollBallot, PollChoice
from afterclass.polls.tests.factories import make_poll, option_ids
from afterclass.posts.models import Post
from afterclass.spaces.tests.factories import add_member

pytestmark = pytest.mark.django_db

TWO = {"options": ["A", "B"]}


def bearer(person: Person) -> dict[str, str]:
    _, raw = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def send(client, method: str, url: str, person: Person, data: object = None):
    body = "" if data is None else json.dumps(data)
    return getattr(client, method)(url, body, content_type="application/json", **bearer(person))


def poll_json(client, poll: Poll, person: Person) -> dict:
    response = client.get(f"/api/v1/posts/{poll.post_id}", **bearer(person))
    assert response.status_code == 200
    return response.json()["poll"]


def test_api_post_create_a_poll(client, space, poster):
    closes = (timezone.now() + timedelta(days=2)).isoformat()
    response = send(
        client,
        "post",
        f"/api/v1/spaces/{space.slug}/posts",
        poster,
        {
            "kind": "poll",
            "title": "Which Excel topic next?",
            "poll": {
                "options": ["Pivot tables", "Power Query"],
                "multiple": True,
                "anonymous": False,
                "closes_at": closes,
                "results_shown": "after_closing",
            },
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["kind"] == "poll"
    assert data["title"] == "Which Excel topic next?"
    poll = data["poll"]
    assert [o["text"] for o in poll["options"]] == ["Pivot tables", "Power Query"]
    assert (poll["multiple"], poll["anonymous"], poll["closed"]) == (True, False, False)
    assert poll["results_visible"] is True  # the poster always sees them
    assert poll["voter_count"] == 0
    assert poll["my_choices"] == []


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"kind": "poll", "title": "Q?"}, 400, "poll"),
        ({"kind": "poll", "title": "Q?", "poll": {"options": ["A"]}}, 400, "options"),
        ({"kind": "poll", "title": "Q?", "poll": {"options": ["A", "a"]}}, 400, "options"),
        ({"kind": "poll", "title": "Q?", "poll": {**TWO, "closes_at": "2001-01-01T00:00Z"}}, 400,
         "closes_at"),
        ({"kind": "poll", "title": "Q?", "poll": {"options": ["A", "B"], "extra": 1}}, 422, None),
        ({"kind": "discussion", "title": "D", "body": "x", "poll": TWO}, 400, "poll"),
    ],
)  # fmt: skip
def test_api_post_create_refuses_a_bad_poll(client, space, poster, payload, status, field):
    response = send(client, "post", f"/api/v1/spaces/{space.slug}/posts", poster, payload)
    assert response.status_code == status, response.content
    if field:
        assert response.json()["field"] == field
    assert not Post.objects.exists()


def test_api_poll_hides_votes_until_voting(client, space, poster, member):
    poll = make_poll(space, poster)
    data = poll_json(client, poll, member)
    assert data["results_visible"] is False
    assert [o["votes"] for o in data["options"]] == [None, None, None]
    assert all(o["voters"] is None for o in data["options"])


def test_api_vote_change_and_take_back(client, space, poster, member):
    poll = make_poll(space, poster, multiple=True)
    a, b, c = option_ids(poll)
    url = f"/api/v1/posts/{poll.post_id}/poll/vote"
    response = send(client, "post", url, member, {"options": [a, b]})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["my_choices"] == [a, b]
    assert [o["votes"] for o in data["options"]] == [1, 1, 0]
    assert data["options"][0]["voters"] == [{"id": member.pk, "display_name": "Mina Member"}]
    data = send(client, "post", url, member, {"options": [c]}).json()
    assert [o["votes"] for o in data["options"]] == [0, 0, 1]
    data = send(client, "delete", url, member).json()
    assert data["voted"] is False
    assert data["voter_count"] == 0
    assert not PollBallot.objects.exists()


@pytest.mark.parametrize(
    ("chosen", "status"), [("two", 400), ("foreign", 400), ("none", 400), ("text", 422)]
)
def test_api_vote_refuses_bad_options(client, space, poster, member, chosen, status):
    poll = make_poll(space, poster)
    other = make_poll(space, poster, question="Other?")
    options = {
        "two": option_ids(poll)[:2],
        "foreign": option_ids(other)[:1],
        "none": [],
        "text": ["first"],
    }[chosen]
    response = send(
        client, "post", f"/api/v1/posts/{poll.post_id}/poll/vote", member, {"options": options}
    )
    assert response.status_code == status
    assert not PollBallot.objects.exists()


def test_api_vote_on_closed_poll_is_409(client, space, poster, member):
    poll = make_poll(space, poster)
    send(client, "post", f"/api/v1/posts/{poll.post_id}/poll/close", poster)
    response = send(
        client,
        "post",
        f"/api/v1/posts/{poll.post_id}/poll/vote",
        member,
        {"options": option_ids(poll)[:1]},
    )
    assert response.status_code == 409
    assert response.json()["detail"].startswith("This poll closed on ")


def test_api_close_by_poster_and_refused_for_member(client, space, poster, member):
    poll = make_poll(space, poster, results_shown="after_closing")
    url = f"/api/v1/posts/{poll.post_id}/poll/close"
    assert send(client, "post", url, member).status_code == 403
    response = send(client, "post", url, poster)
    assert response.status_code == 200
    assert response.json()["closed"] is True
    assert poll_json(client, poll, member)["results_visible"] is True


def test_api_poll_is_404_for_outsiders_and_other_posts(client, space, poster, outsider):
    poll = make_poll(space, poster)
    url = f"/api/v1/posts/{poll.post_id}/poll/vote"
    assert send(client, "post", url, outsider, {"options": option_ids(poll)[:1]}).status_code == 404
    assert send(client, "post", "/api/v1/posts/999999/poll/close", poster).status_code == 404


def test_api_anonymous_poll_shows_counts_only(client, space, poster, member, moderator):
    poll = make_poll(space, poster, anonymous=True)
    url = f"/api/v1/posts/{poll.post_id}/poll/vote"
    response = send(client, "post", url, member, {"options": option_ids(poll)[:1]})
    data = response.json()
    assert data["voted"] is True
    assert data["my_choices"] == []
    assert send(client, "delete", url, member).status_code == 409
    again = send(client, "post", url, member, {"options": option_ids(poll)[1:2]})
    assert again.status_code == 409
    for viewer in (poster, moderator, member, AdminFactory()):
        shown = poll_json(client, poll, viewer)
        assert [o["votes"] for o in shown["options"]] == [1, 0, 0]
        assert all(o["voters"] is None for o in shown["options"])
        assert member.display_name not in json.dumps(shown)
    assert not PollChoice.objects.exists()


@pytest.mark.parametrize("rows", [1, 50])
def test_api_post_detail_of_a_poll_query_count_is_flat(
    client, django_assert_num_queries, space, poster, rows
):
    poll = make_poll(space, poster)
    for number in range(rows):
        voter = add_member(space).person
        do_vote_in_poll(poll, actor=voter, option_ids=[option_ids(poll)[number % 3]])
    auth = bearer(poster)
    client.get(f"/api/v1/posts/{poll.post_id}", **auth)  # the token's first use is written
    # token, post, space with my place, moderated spaces, my reactions, my read marks, the poll,
    # its options, my ballot, the voters per option, the read mark written
    with django_assert_num_queries(11):
        response = client.get(f"/api/v1/posts/{poll.post_id}", **auth)
    assert response.json()["poll"]["voter_count"] == rows
