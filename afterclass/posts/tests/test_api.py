"""Posts API: feeds, posts, comments, votes, reactions, moderation and anonymous questions."""

import json

import pytest

from afterclass.audit.models import AuditEntry
from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Person
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import (
    do_accept_answer,
    do_hide_post,
    do_react,
    do_remove_post,
    do_set_locked,
    do_vote,
)
from afterclass.posts.models import Comment, ContentState, Post, Reaction, Revision, Vote
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.actions import do_publish_rules, do_update_space
from afterclass.spaces.models import AnonymousQuestions, Role, Space, Template, Visibility
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

# Queries per request after the token's first use: the token (1), then as commented below.
# + space, posts, moderated spaces, reactions (mine and counts per kind), my read marks (the
# API does not show the cards' conversation: present_page(conversation=False))
SPACE_FEED_QUERIES = 6
# Across spaces: + my spaces, their first rows merged, those posts, moderated spaces, my
# reactions, my read marks (posts.queries._across_spaces; no cards' conversation in the API).
HOME_FEED_QUERIES = 7
WAITING_QUERIES = 7
# + post, space with my place, moderated spaces, my reactions, my read marks, comments, replies,
# my reactions to them, my votes
COMMENTS_QUERIES = 10


def bearer(person: Person) -> dict[str, str]:
    _, raw = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def send(client, method: str, url: str, person: Person | None, data: object = None):
    body = "" if data is None else json.dumps(data)
    auth = bearer(person) if person is not None else {}
    return getattr(client, method)(url, body, content_type="application/json", **auth)


def get(client, url: str, person: Person | None):
    return client.get(url, **(bearer(person) if person is not None else {}))


def post(client, url: str, person: Person | None, data: object = None):
    return send(client, "post", url, person, data)


def patch(client, url: str, person: Person | None, data: object):
    return send(client, "patch", url, person, data)


def delete(client, url: str, person: Person | None):
    return send(client, "delete", url, person)


def snapshot() -> dict:
    """Everything a posts call might change, to assert that a refused call changed nothing."""
    return {
        "posts": list(Post.objects.order_by("pk").values()),
        "comments": list(Comment.objects.order_by("pk").values()),
        "votes": list(Vote.objects.order_by("pk").values("comment_id", "person_id")),
        "reactions": list(Reaction.objects.order_by("pk").values("post_id", "comment_id", "kind")),
        "revisions": Revision.objects.count(),
        "audit": AuditEntry.objects.exclude(action__startswith="token.").count(),
    }


@pytest.fixture
def owner(db) -> Person:
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def space(owner) -> Space:
    return make_space(owner, name="Data skills")


@pytest.fixture
def member(space) -> Person:
    return add_member(space, PersonFactory(display_name="Mo Member")).person


@pytest.fixture
def helper(space) -> Person:
    return add_member(space, PersonFactory(display_name="Hal Helper")).person


@pytest.fixture
def moderator(space) -> Person:
    return add_member(
        space, PersonFactory(display_name="Meg Moderator"), role=Role.MODERATOR
    ).person


@pytest.fixture
def outsider(db) -> Person:
    return PersonFactory(display_name="Oscar Outsider")


@pytest.fixture
def question(space, member) -> Post:
    return make_post(space, member, kind="question", title="How do I pivot?", body="In Excel.")


@pytest.fixture
def answer(question, helper) -> Comment:
    return make_comment(question, helper, body="Use a pivot table.")


@pytest.fixture
def secret_post(owner) -> Post:
    secret = make_space(owner, name="Leadership circle", visibility=Visibility.SECRET)
    return make_post(secret, owner, title="Canary-secret-title", body="canary-secret-body")


# --- Authentication and hidden spaces -------------------------------------------------------


def endpoints(post_id: int, comment_id: int, slug: str) -> list[tuple[str, str, object]]:
    return [
        ("get", f"/api/v1/spaces/{slug}/posts", None),
        ("post", f"/api/v1/spaces/{slug}/posts", {"kind": "discussion", "title": "T", "body": "B"}),
        ("get", f"/api/v1/posts/{post_id}", None),
        ("patch", f"/api/v1/posts/{post_id}", {"title": "Changed"}),
        ("delete", f"/api/v1/posts/{post_id}", None),
        ("get", f"/api/v1/posts/{post_id}/comments", None),
        ("post", f"/api/v1/posts/{post_id}/comments", {"body": "Hello"}),
        ("patch", f"/api/v1/comments/{comment_id}", {"body": "Changed"}),
        ("delete", f"/api/v1/comments/{comment_id}", None),
        ("post", f"/api/v1/posts/{post_id}/accept", {"answer": comment_id}),
        ("post", f"/api/v1/comments/{comment_id}/vote", None),
        ("delete", f"/api/v1/comments/{comment_id}/vote", None),
        ("post", f"/api/v1/posts/{post_id}/reactions/like", None),
        ("delete", f"/api/v1/posts/{post_id}/reactions/like", None),
        ("post", f"/api/v1/comments/{comment_id}/reactions/like", None),
        ("delete", f"/api/v1/comments/{comment_id}/reactions/like", None),
        ("post", f"/api/v1/posts/{post_id}/hide", {"reason": "Off topic."}),
        ("post", f"/api/v1/posts/{post_id}/restore", None),
        ("post", f"/api/v1/posts/{post_id}/pin", None),
        ("post", f"/api/v1/posts/{post_id}/unpin", None),
        ("post", f"/api/v1/posts/{post_id}/lock", None),
        ("post", f"/api/v1/posts/{post_id}/unlock", None),
        ("post", f"/api/v1/posts/{post_id}/reveal-asker", {"reason": "A complaint was made."}),
    ]


def call(client, method: str, url: str, person: Person | None, data: object):
    if method == "get":
        return get(client, url, person)
    return send(client, method, url, person, data)


def test_every_endpoint_refuses_anonymous_callers(client, question, answer, space):
    before = snapshot()
    for method, url, data in [
        *endpoints(question.pk, answer.pk, space.slug),
        ("get", "/api/v1/feed", None),
        ("get", "/api/v1/questions/waiting", None),
    ]:
        response = call(client, method, url, None, data)
        assert response.status_code == 401, (method, url)
        assert "Sign in" in response.json()["detail"]
    assert snapshot() == before


def test_every_endpoint_hides_a_secret_space_post_from_non_members(client, secret_post, member):
    comment = make_comment(secret_post, secret_post.author, body="canary-secret-comment")
    before = snapshot()
    for method, url, data in endpoints(secret_post.pk, comment.pk, secret_post.space.slug):
        response = call(client, method, url, member, data)
        assert response.status_code == 404, (method, url)
        assert "canary" not in response.content.decode().lower()
    assert snapshot() == before


def test_listed_space_posts_are_for_members_only(client, question, outsider):
    assert get(client, f"/api/v1/posts/{question.pk}", outsider).status_code == 404
    response = get(client, f"/api/v1/spaces/{question.space.slug}/posts", outsider)
    assert response.status_code == 403
    assert "How do I pivot" not in response.content.decode()


# --- Space feed -----------------------------------------------------------------------------


def test_space_feed_lists_pinned_first_then_newest(client, space, member, moderator):
    older = make_post(space, member, title="Older")
    newer = make_post(space, member, title="Newer")
    announcement = make_post(space, moderator, kind="announcement", title="Welcome")
    response = get(client, f"/api/v1/spaces/{space.slug}/posts", member)
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [announcement.pk, newer.pk, older.pk]
    assert items[0]["is_pinned"] is True
    assert items[1]["author"]["display_name"] == "Mo Member"
    assert items[1]["author_label"] == "Mo Member"
    assert items[1]["is_mine"] is True
    assert items[1]["space"] == {"slug": space.slug, "name": space.name}
    assert "body_html" not in items[1]


def test_space_feed_filters_by_kind_and_unanswered(client, space, member, question, helper):
    make_post(space, member, title="A discussion")
    answered = make_post(space, member, kind="question", title="Answered")
    make_comment(answered, helper)
    url = f"/api/v1/spaces/{space.slug}/posts"
    questions = get(client, f"{url}?kind=question", member).json()["items"]
    assert {item["id"] for item in questions} == {question.pk, answered.pk}
    unanswered = get(client, f"{url}?unanswered=true", member).json()["items"]
    assert [item["id"] for item in unanswered] == [question.pk]
    assert unanswered[0]["is_answered"] is False


def test_space_feed_leaves_out_hidden_and_removed_posts(client, space, member, moderator):
    hidden = make_post(space, member, title="Hidden")
    do_hide_post(hidden, actor=moderator, reason="Off topic.")
    removed = make_post(space, member, title="Removed")
    do_remove_post(removed, actor=member)
    shown = make_post(space, member, title="Shown")
    items = get(client, f"/api/v1/spaces/{space.slug}/posts", member).json()["items"]
    assert [item["id"] for item in items] == [shown.pk]


def test_space_feed_pages_with_cursor(client, space, member):
    posts = [make_post(space, member, title=f"Post {n}") for n in range(3)]
    url = f"/api/v1/spaces/{space.slug}/posts"
    first = get(client, f"{url}?limit=2", member).json()
    assert [item["id"] for item in first["items"]] == [posts[2].pk, posts[1].pk]
    second = get(client, f"{url}?limit=2&cursor={first['next']}", member).json()
    assert [item["id"] for item in second["items"]] == [posts[0].pk]
    assert second["next"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=poem", "kind"),
        ("unanswered=maybe", "unanswered"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("cursor=" + "x" * 1001, "cursor"),
    ],
)
def test_space_feed_refuses_bad_parameters(client, space, member, query, field):
    response = get(client, f"/api/v1/spaces/{space.slug}/posts?{query}", member)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_space_feed_refuses_a_broken_cursor(client, space, member):
    response = get(client, f"/api/v1/spaces/{space.slug}/posts?cursor=not-a-cursor", member)
    assert response.status_code == 400
    assert response.json()["field"] == "cursor"


def test_space_feed_of_an_unknown_space_is_404(client, member):
    assert get(client, "/api/v1/spaces/nowhere/posts", member).status_code == 404
    assert get(client, "/api/v1/spaces/no%00where/posts", member).status_code == 404


@pytest.mark.parametrize("rows", [1, 50])
def test_space_feed_query_count_is_flat(client, space, member, django_assert_num_queries, rows):
    other = add_member(space).person
    for number in range(rows):
        make_post(space, other if number % 2 else member, title=f"Post {number}")
    auth = bearer(member)
    client.get("/api/v1/people/me", **auth)  # the token's first use is recorded once
    with django_assert_num_queries(SPACE_FEED_QUERIES):
        response = client.get(f"/api/v1/spaces/{space.slug}/posts?limit=100", **auth)
    assert len(response.json()["items"]) == rows


# --- Home feed and waiting questions --------------------------------------------------------


def test_home_feed_lists_my_spaces_newest_first(client, space, member, owner, secret_post):
    first = make_post(space, member, title="First")
    second = make_post(space, owner, title="Second")
    other = make_space(owner, name="Other")
    make_post(other, owner, title="Not my space")
    items = get(client, "/api/v1/feed", member).json()["items"]
    assert [item["id"] for item in items] == [second.pk, first.pk]


def test_waiting_questions_lists_unanswered_oldest_first(client, space, member, helper):
    older = make_post(space, member, kind="question", title="Older")
    newer = make_post(space, member, kind="question", title="Newer")
    answered = make_post(space, member, kind="question", title="Answered")
    make_comment(answered, helper)
    make_post(space, member, title="A discussion")
    items = get(client, "/api/v1/questions/waiting", helper).json()["items"]
    assert [item["id"] for item in items] == [older.pk, newer.pk]


@pytest.mark.parametrize("url", ["/api/v1/feed", "/api/v1/questions/waiting"])
def test_personal_lists_refuse_bad_parameters(client, member, url):
    response = get(client, f"{url}?limit=500", member)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"


@pytest.mark.parametrize("rows", [1, 50])
def test_home_feed_query_count_is_flat(client, member, owner, django_assert_num_queries, rows):
    spaces = [make_space(owner, name=f"Space {n}") for n in range(2)]
    for space in spaces:
        add_member(space, member)
    for number in range(rows):
        make_post(spaces[number % 2], owner, title=f"Post {number}")
    auth = bearer(member)
    client.get("/api/v1/people/me", **auth)
    with django_assert_num_queries(HOME_FEED_QUERIES):
        response = client.get("/api/v1/feed?limit=100", **auth)
    assert len(response.json()["items"]) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_waiting_questions_query_count_is_flat(
    client, space, member, helper, django_assert_num_queries, rows
):
    do_update_space(space, actor=space.memberships.get(role=Role.OWNER).person,
                    anonymous_questions=AnonymousQuestions.MEMBERS)  # fmt: skip
    for number in range(rows):
        make_post(space, member, kind="question", title=f"Q {number}", anonymous=number % 2 == 0)
    auth = bearer(helper)
    client.get("/api/v1/people/me", **auth)
    with django_assert_num_queries(WAITING_QUERIES):
        response = client.get("/api/v1/questions/waiting?limit=100", **auth)
    assert len(response.json()["items"]) == rows


# --- Creating posts -------------------------------------------------------------------------


def test_create_discussion(client, space, member):
    response = post(
        client,
        f"/api/v1/spaces/{space.slug}/posts",
        member,
        {"kind": "discussion", "title": "Retro formats", "body": "Which **work**?"},
    )
    assert response.status_code == 201
    body = response.json()
    created = Post.objects.get()
    assert body["id"] == created.pk
    assert body["body_html"] == "<p>Which <strong>work</strong>?</p>\n"
    assert body["author"]["id"] == member.pk
    assert body["can"]["edit"] is True
    assert body["can"]["moderate"] is False
    assert created.author == member


def test_create_resource_with_link(client, space, member):
    response = post(
        client,
        f"/api/v1/spaces/{space.slug}/posts",
        member,
        {"kind": "resource", "title": "Reading", "link_url": "https://example.org/guide"},
    )
    assert response.status_code == 201
    assert response.json()["link_url"] == "https://example.org/guide"


def test_create_anonymous_question_hides_me_from_members(client, space, owner, member, helper):
    do_update_space(space, actor=owner, anonymous_questions=AnonymousQuestions.EVERYONE)
    response = post(
        client,
        f"/api/v1/spaces/{space.slug}/posts",
        member,
        {"kind": "question", "title": "Is this normal?", "anonymous": True},
    )
    assert response.status_code == 201
    assert response.json()["author"]["id"] == member.pk  # the asker sees themself
    seen = get(client, f"/api/v1/posts/{response.json()['id']}", helper).json()
    assert seen["author"] is None
    assert seen["author_label"] == "A colleague"


def test_create_refuses_before_accepting_rules(client, space, owner, member):
    do_publish_rules(space, "Be kind. Be brief.", actor=owner)
    before = snapshot()
    response = post(
        client, f"/api/v1/spaces/{space.slug}/posts", member, {"kind": "discussion", "title": "T"}
    )
    assert response.status_code == 403
    assert "ground rules" in response.json()["detail"]
    assert snapshot() == before


def test_create_refuses_non_members(client, space, outsider):
    before = snapshot()
    response = post(
        client, f"/api/v1/spaces/{space.slug}/posts", outsider, {"kind": "discussion", "title": "T"}
    )
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"title": "No kind"}, 422, "kind"),
        ({"kind": "poem", "title": "T"}, 422, "kind"),
        ({"kind": "discussion", "title": "T" * 201, "body": "B"}, 422, "title"),
        ({"kind": "discussion", "title": "T", "body": "B" * 20001}, 422, "body"),
        ({"kind": "resource", "title": "T", "link_url": "h" * 1001}, 422, "link_url"),
        ({"kind": "discussion", "title": "T\x00", "body": "B"}, 422, "title"),
        ({"kind": "discussion", "title": "T", "body": "B", "colour": "red"}, 422, "colour"),
        ({"kind": "question", "title": "T", "anonymous": "yes"}, 422, "anonymous"),
        ({"kind": "discussion", "title": 5, "body": "B"}, 422, "title"),
        ({"kind": "discussion", "title": "   ", "body": "B"}, 400, "title"),
        ({"kind": "discussion", "title": "T", "body": ""}, 400, "body"),
        ({"kind": "resource", "title": "T"}, 400, "link_url"),
        ({"kind": "resource", "title": "T", "link_url": "javascript:alert(1)"}, 400, "link_url"),
    ],
)
def test_create_refuses_bad_input(client, space, member, data, status, field):
    before = snapshot()
    response = post(client, f"/api/v1/spaces/{space.slug}/posts", member, data)
    assert response.status_code == status, response.json()
    if status == 422:
        assert response.json()["errors"][0]["field"] == field
    else:
        assert response.json()["field"] == field
    assert snapshot() == before


def test_create_update_longer_than_280_names_the_body(client, owner, member):
    tips = make_space(owner, name="Tips", template=Template.TIPS)
    add_member(tips, member)
    before = snapshot()
    response = post(
        client, f"/api/v1/spaces/{tips.slug}/posts", member, {"kind": "update", "body": "x" * 281}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "body"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "update", "body": "Quick tip"}, "takes these kinds"),
        ({"kind": "announcement", "title": "Hear ye"}, "moderators"),
        ({"kind": "discussion", "title": "T", "body": "B", "anonymous": True}, "Only questions"),
        ({"kind": "question", "title": "T", "anonymous": True}, "does not take anonymous"),
    ],
)
def test_create_refuses_what_the_space_does_not_take(client, space, member, data, message):
    before = snapshot()
    response = post(client, f"/api/v1/spaces/{space.slug}/posts", member, data)
    assert response.status_code == 403
    assert message in response.json()["detail"]
    assert snapshot() == before


def test_create_refuses_invalid_json(client, space, member):
    response = client.post(
        f"/api/v1/spaces/{space.slug}/posts", "{", content_type="application/json", **bearer(member)
    )
    assert response.status_code in {400, 422}
    assert not Post.objects.exists()


# --- One post -------------------------------------------------------------------------------


def test_post_detail_shows_body_html_and_my_permissions(client, question, member, moderator):
    body = get(client, f"/api/v1/posts/{question.pk}", member).json()
    assert body["body_html"] == "<p>In Excel.</p>\n"
    assert body["can"] == {
        "edit": True,
        "remove": True,
        "comment": True,
        "accept": True,
        "moderate": False,
        "reveal_asker": False,
    }
    as_moderator = get(client, f"/api/v1/posts/{question.pk}", moderator).json()["can"]
    assert as_moderator["edit"] is False
    assert as_moderator["moderate"] is True


def test_post_detail_refuses_bad_ids(client, member):
    assert get(client, "/api/v1/posts/0", member).status_code == 422
    assert get(client, f"/api/v1/posts/{2**63}", member).status_code == 422
    assert get(client, "/api/v1/posts/abc", member).status_code == 422
    assert get(client, "/api/v1/posts/999999", member).status_code == 404


def test_edit_post_by_author_keeps_revision(client, question, member):
    response = patch(client, f"/api/v1/posts/{question.pk}", member, {"body": "In *Sheets*."})
    assert response.status_code == 200
    assert response.json()["body_html"] == "<p>In <em>Sheets</em>.</p>\n"
    assert response.json()["title"] == "How do I pivot?"
    assert response.json()["edited_at"] is not None
    assert Revision.objects.get(post=question).body == "In Excel."


def test_edit_post_refuses_others(client, question, helper, moderator):
    before = snapshot()
    for person in (helper, moderator):
        response = patch(client, f"/api/v1/posts/{question.pk}", person, {"title": "Mine now"})
        assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"title": "T" * 201}, 422, "title"),
        ({"body": "B" * 20001}, 422, "body"),
        ({"kind": "discussion"}, 422, "kind"),
        ({"title": ""}, 400, "title"),
        ({"link_url": "ftp://example.org"}, 400, "link_url"),
    ],
)
def test_edit_post_refuses_bad_input(client, question, member, data, status, field):
    before = snapshot()
    response = patch(client, f"/api/v1/posts/{question.pk}", member, data)
    assert response.status_code == status
    if status == 422:
        assert response.json()["errors"][0]["field"] == field
    else:
        assert response.json()["field"] == field
    assert snapshot() == before


def test_remove_post_by_author_and_by_moderator(client, space, member, moderator):
    mine = make_post(space, member, title="Mine")
    response = delete(client, f"/api/v1/posts/{mine.pk}", member)
    assert response.status_code == 200
    assert response.json()["state"] == ContentState.REMOVED_BY_AUTHOR
    assert response.json()["title"] == ""
    assert response.json()["body_html"] == ""
    theirs = make_post(space, member, title="Theirs")
    response = delete(client, f"/api/v1/posts/{theirs.pk}", moderator)
    assert response.json()["state"] == ContentState.REMOVED_BY_MODERATOR
    assert delete(client, f"/api/v1/posts/{theirs.pk}", moderator).status_code == 409


def test_remove_post_refuses_other_members(client, question, helper):
    before = snapshot()
    assert delete(client, f"/api/v1/posts/{question.pk}", helper).status_code == 403
    assert snapshot() == before


# --- Comments -------------------------------------------------------------------------------


def test_comments_list_answers_with_replies_accepted_first(
    client, question, member, helper, moderator
):
    first = make_comment(question, helper, body="First answer")
    second = make_comment(question, moderator, body="Second answer")
    reply = make_comment(question, member, body="Thanks", parent=first)
    do_vote(first, actor=moderator)
    do_accept_answer(question, second, actor=member)
    response = get(client, f"/api/v1/posts/{question.pk}/comments", helper)
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [second.pk, first.pk]
    assert items[0]["is_accepted"] is True
    assert items[1]["vote_count"] == 1
    assert items[1]["is_mine"] is True
    assert items[1]["replies"][0]["id"] == reply.pk
    assert items[1]["replies"][0]["by_asker"] is True
    assert items[1]["replies"][0]["author"]["id"] == member.pk
    assert get(client, f"/api/v1/posts/{question.pk}/comments", moderator).json()["items"][1][
        "my_vote"
    ]


def test_comments_list_pages_with_cursor(client, space, member, helper):
    discussion = make_post(space, member)
    comments = [make_comment(discussion, helper, body=f"C{n}") for n in range(3)]
    url = f"/api/v1/posts/{discussion.pk}/comments"
    first = get(client, f"{url}?limit=2", member).json()
    assert [item["id"] for item in first["items"]] == [comments[0].pk, comments[1].pk]
    second = get(client, f"{url}?limit=2&cursor={first['next']}", member).json()
    assert [item["id"] for item in second["items"]] == [comments[2].pk]


@pytest.mark.parametrize("rows", [1, 50])
def test_comments_list_query_count_is_flat(
    client, question, member, helper, django_assert_num_queries, rows
):
    for number in range(rows):
        answer = make_comment(question, helper if number % 2 else member, body=f"A{number}")
        make_comment(question, member, body="Reply", parent=answer)
    auth = bearer(helper)
    client.get("/api/v1/people/me", **auth)
    with django_assert_num_queries(COMMENTS_QUERIES):
        response = client.get(f"/api/v1/posts/{question.pk}/comments?limit=100", **auth)
    assert len(response.json()["items"]) == rows


def test_comment_and_reply(client, question, member, helper):
    response = post(client, f"/api/v1/posts/{question.pk}/comments", helper, {"body": "Try **X**"})
    assert response.status_code == 201
    answer = response.json()
    assert answer["body_html"] == "<p>Try <strong>X</strong></p>\n"
    assert answer["author"]["id"] == helper.pk
    reply = post(
        client,
        f"/api/v1/posts/{question.pk}/comments",
        member,
        {"body": "Thanks", "parent": answer["id"]},
    )
    assert reply.status_code == 201
    assert reply.json()["parent"] == answer["id"]
    assert reply.json()["by_asker"] is True
    assert Post.objects.get(pk=question.pk).answer_count == 1


def test_comment_refuses_locked_thread_and_rules_not_accepted(
    client, space, owner, question, helper, moderator
):
    do_set_locked(question, True, actor=moderator)
    before = snapshot()
    url = f"/api/v1/posts/{question.pk}/comments"
    assert post(client, url, helper, {"body": "Hi"}).status_code == 403
    assert snapshot() == before
    assert post(client, url, moderator, {"body": "Moderators may"}).status_code == 201
    do_set_locked(question, False, actor=moderator)
    do_publish_rules(space, "New rules.", actor=owner)
    before = snapshot()
    response = post(client, url, helper, {"body": "Hi"})
    assert response.status_code == 403
    assert "ground rules" in response.json()["detail"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({}, 422, "body"),
        ({"body": "x" * 10001}, 422, "body"),
        ({"body": "Hi", "parent": 0}, 422, "parent"),
        ({"body": "Hi", "parent": "first"}, 422, "parent"),
        ({"body": "Hi", "extra": 1}, 422, "extra"),
        ({"body": "   "}, 400, "body"),
        ({"body": "Hi", "parent": 999999}, 400, "parent"),
    ],
)
def test_comment_refuses_bad_input(client, question, helper, data, status, field):
    before = snapshot()
    response = post(client, f"/api/v1/posts/{question.pk}/comments", helper, data)
    assert response.status_code == status
    if status == 422:
        assert response.json()["errors"][0]["field"] == field
    else:
        assert response.json()["field"] == field
    assert snapshot() == before


def test_comment_refuses_a_parent_of_another_post(client, space, question, member, helper):
    other = make_post(space, member)
    elsewhere = make_comment(other, helper)
    before = snapshot()
    response = post(
        client,
        f"/api/v1/posts/{question.pk}/comments",
        helper,
        {"body": "Hi", "parent": elsewhere.pk},
    )
    assert response.status_code == 400
    assert response.json()["field"] == "parent"
    assert snapshot() == before


def test_edit_and_remove_comment(client, answer, helper, moderator):
    response = patch(client, f"/api/v1/comments/{answer.pk}", helper, {"body": "Better"})
    assert response.status_code == 200
    assert response.json()["body"] == "Better"
    assert Revision.objects.get(comment=answer).body == "Use a pivot table."
    response = delete(client, f"/api/v1/comments/{answer.pk}", moderator)
    assert response.status_code == 200
    assert response.json()["state"] == ContentState.REMOVED_BY_MODERATOR
    assert response.json()["body"] == ""


def test_edit_and_remove_comment_refuse_others(client, answer, member):
    before = snapshot()
    assert patch(client, f"/api/v1/comments/{answer.pk}", member, {"body": "X"}).status_code == 403
    assert delete(client, f"/api/v1/comments/{answer.pk}", member).status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [({}, 422, "body"), ({"body": "x" * 10001}, 422, "body"), ({"body": ""}, 400, "body")],
)
def test_edit_comment_refuses_bad_input(client, answer, helper, data, status, field):
    before = snapshot()
    response = patch(client, f"/api/v1/comments/{answer.pk}", helper, data)
    assert response.status_code == status
    if status == 422:
        assert response.json()["errors"][0]["field"] == field
    else:
        assert response.json()["field"] == field
    assert snapshot() == before


# --- Accepting, voting, reacting ------------------------------------------------------------


def test_accept_and_take_back(client, question, answer, member):
    url = f"/api/v1/posts/{question.pk}/accept"
    response = post(client, url, member, {"answer": answer.pk})
    assert response.status_code == 200
    assert response.json()["accepted_answer"] == answer.pk
    response = post(client, url, member, {"answer": None})
    assert response.json()["accepted_answer"] is None
    assert Post.objects.get(pk=question.pk).accepted_answer is None


def test_accept_by_moderator_is_audited(client, question, answer, moderator):
    response = post(client, f"/api/v1/posts/{question.pk}/accept", moderator, {"answer": answer.pk})
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="post.accept", actor_id=moderator.pk).exists()


def test_accept_refuses_other_members(client, question, answer, helper):
    before = snapshot()
    response = post(client, f"/api/v1/posts/{question.pk}/accept", helper, {"answer": answer.pk})
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({}, 422, "answer"),
        ({"answer": "best"}, 422, "answer"),
        ({"answer": -1}, 422, "answer"),
        ({"answer": 999999}, 400, "answer"),
    ],
)
def test_accept_refuses_bad_input(client, question, answer, member, data, status, field):
    before = snapshot()
    response = post(client, f"/api/v1/posts/{question.pk}/accept", member, data)
    assert response.status_code == status
    if status == 422:
        assert response.json()["errors"][0]["field"] == field
    else:
        assert response.json()["field"] == field
    assert snapshot() == before


def test_accept_refuses_a_reply_or_another_questions_answer(
    client, space, question, answer, member
):
    reply = make_comment(question, member, parent=answer)
    other = make_post(space, member, kind="question", title="Other")
    elsewhere = make_comment(other, answer.author)
    before = snapshot()
    for candidate in (reply, elsewhere):
        response = post(
            client, f"/api/v1/posts/{question.pk}/accept", member, {"answer": candidate.pk}
        )
        assert response.status_code == 400
        assert response.json()["field"] in {"answer", "comment"}
    assert snapshot() == before


def test_vote_and_take_back(client, answer, member):
    url = f"/api/v1/comments/{answer.pk}/vote"
    response = post(client, url, member)
    assert response.json() == {"comment": answer.pk, "vote_count": 1, "my_vote": True}
    assert post(client, url, member).json()["vote_count"] == 1  # twice changes nothing
    response = delete(client, url, member)
    assert response.json() == {"comment": answer.pk, "vote_count": 0, "my_vote": False}
    assert not Vote.objects.exists()


def test_vote_refuses_own_answer_and_non_answers(client, question, answer, helper, member):
    reply = make_comment(question, member, parent=answer)
    before = snapshot()
    assert post(client, f"/api/v1/comments/{answer.pk}/vote", helper).status_code == 403
    assert post(client, f"/api/v1/comments/{reply.pk}/vote", helper).status_code == 400
    assert post(client, "/api/v1/comments/0/vote", helper).status_code == 422
    assert snapshot() == before


def test_react_to_post_and_comment(client, question, answer, helper, member):
    url = f"/api/v1/posts/{question.pk}/reactions/helped"
    assert post(client, url, helper).json() == {"kind": "helped", "on": True}
    assert Post.objects.get(pk=question.pk).helped_count == 1
    detail = get(client, f"/api/v1/posts/{question.pk}", helper).json()
    assert detail["my_reactions"] == ["helped"]
    assert delete(client, url, helper).json() == {"kind": "helped", "on": False}
    assert Post.objects.get(pk=question.pk).helped_count == 0
    comment_url = f"/api/v1/comments/{answer.pk}/reactions/like"
    assert post(client, comment_url, member).json()["on"] is True
    assert Reaction.objects.filter(comment=answer, person=member).exists()
    assert delete(client, comment_url, member).json()["on"] is False


def test_react_refuses_unknown_kinds_and_non_members(client, question, answer, outsider, helper):
    before = snapshot()
    response = post(client, f"/api/v1/posts/{question.pk}/reactions/love", helper)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"
    response = post(client, f"/api/v1/comments/{answer.pk}/reactions/love", helper)
    assert response.status_code == 422
    assert post(client, f"/api/v1/posts/{question.pk}/reactions/like", outsider).status_code == 404
    assert snapshot() == before


# --- Moderation -----------------------------------------------------------------------------


def test_moderator_hides_and_restores(client, question, member, moderator, helper):
    response = post(client, f"/api/v1/posts/{question.pk}/hide", moderator, {"reason": "Spam."})
    assert response.status_code == 200
    assert response.json()["state"] == ContentState.HIDDEN
    mine = get(client, f"/api/v1/posts/{question.pk}", member).json()
    assert mine["hidden_reason"] == "Spam."
    assert get(client, f"/api/v1/posts/{question.pk}", helper).status_code == 404
    response = post(client, f"/api/v1/posts/{question.pk}/restore", moderator)
    assert response.json()["state"] == ContentState.VISIBLE
    assert AuditEntry.objects.filter(action="post.hide", actor_id=moderator.pk).exists()


def test_moderator_pins_and_locks(client, question, moderator):
    url = f"/api/v1/posts/{question.pk}"
    assert post(client, f"{url}/pin", moderator).json()["is_pinned"] is True
    assert post(client, f"{url}/unpin", moderator).json()["is_pinned"] is False
    assert post(client, f"{url}/lock", moderator).json()["is_locked"] is True
    response = post(client, f"{url}/unlock", moderator)
    assert response.json()["is_locked"] is False
    assert AuditEntry.objects.filter(action="post.lock").exists()


@pytest.mark.parametrize("action", ["hide", "restore", "pin", "unpin", "lock", "unlock"])
def test_moderation_refuses_members_and_the_author(client, question, member, helper, action):
    before = snapshot()
    for person in (member, helper):
        data = {"reason": "Spam."} if action == "hide" else None
        response = post(client, f"/api/v1/posts/{question.pk}/{action}", person, data)
        assert response.status_code == 403
        assert "moderators" in response.json()["detail"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [({}, 422, "reason"), ({"reason": "x" * 301}, 422, "reason"), ({"reason": " "}, 400, "reason")],
)
def test_hide_refuses_bad_input(client, question, moderator, data, status, field):
    before = snapshot()
    response = post(client, f"/api/v1/posts/{question.pk}/hide", moderator, data)
    assert response.status_code == status
    if status == 422:
        assert response.json()["errors"][0]["field"] == field
    else:
        assert response.json()["field"] == field
    assert snapshot() == before


def test_restore_of_a_visible_post_is_a_conflict(client, question, moderator):
    assert post(client, f"/api/v1/posts/{question.pk}/restore", moderator).status_code == 409


# --- Revealing an anonymous asker -----------------------------------------------------------


@pytest.fixture
def anonymous_question(space, owner, member) -> Post:
    do_update_space(space, actor=owner, anonymous_questions=AnonymousQuestions.EVERYONE)
    return make_post(space, member, kind="question", title="Is this normal?", anonymous=True)


def test_admin_reveals_asker_with_reason(client, anonymous_question, member, admin):
    response = post(
        client,
        f"/api/v1/posts/{anonymous_question.pk}/reveal-asker",
        admin,
        {"reason": "A harassment complaint was filed."},
    )
    assert response.status_code == 200
    assert response.json() == {
        "id": member.pk,
        "display_name": member.display_name,
        "email": member.email,
    }
    entry = AuditEntry.objects.get(action="post.reveal_asker")
    assert entry.actor_id == admin.pk
    assert entry.data["reason"] == "A harassment complaint was filed."


def test_reveal_asker_refuses_owners_and_members(client, anonymous_question, owner, helper):
    before = snapshot()
    for person in (owner, helper):
        response = post(
            client,
            f"/api/v1/posts/{anonymous_question.pk}/reveal-asker",
            person,
            {"reason": "I would like to know who asked."},
        )
        assert response.status_code == 403
        assert str(anonymous_question.author.email) not in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({}, 422, "reason"),
        ({"reason": "x" * 501}, 422, "reason"),
        ({"reason": "Because"}, 400, "reason"),
    ],
)
def test_reveal_asker_refuses_bad_input(client, anonymous_question, admin, data, status, field):
    before = snapshot()
    response = post(client, f"/api/v1/posts/{anonymous_question.pk}/reveal-asker", admin, data)
    assert response.status_code == status
    if status == 422:
        assert response.json()["errors"][0]["field"] == field
    else:
        assert response.json()["field"] == field
    assert snapshot() == before


def test_reveal_asker_refuses_a_question_that_is_not_anonymous(client, question, admin):
    before = snapshot()
    response = post(
        client,
        f"/api/v1/posts/{question.pk}/reveal-asker",
        admin,
        {"reason": "A harassment complaint was filed."},
    )
    assert response.status_code == 400
    assert snapshot() == before


# --- Anonymity on every surface -------------------------------------------------------------

ASKER_ID = 987_654_321
ASKER_NAME = "Zelda Quietasker"
ASKER_EMAIL = "zelda.quietasker@example.org"


def every_surface(client, viewer: Person, space: Space, question: Post, answer: Comment) -> str:
    """Every read endpoint, and the write endpoints' answers, as the viewer sees them."""
    auth = bearer(viewer)
    bodies = [
        client.get(f"/api/v1/spaces/{space.slug}/posts", **auth),
        client.get(f"/api/v1/spaces/{space.slug}/posts?kind=question", **auth),
        client.get(f"/api/v1/spaces/{space.slug}/posts?unanswered=true", **auth),
        client.get("/api/v1/feed", **auth),
        client.get("/api/v1/questions/waiting", **auth),
        client.get(f"/api/v1/posts/{question.pk}", **auth),
        client.get(f"/api/v1/posts/{question.pk}/comments", **auth),
        client.post(f"/api/v1/posts/{question.pk}/reactions/like", **auth),
        client.delete(f"/api/v1/posts/{question.pk}/reactions/like", **auth),
        client.post(f"/api/v1/comments/{answer.pk}/reactions/like", **auth),
        client.delete(f"/api/v1/comments/{answer.pk}/reactions/like", **auth),
        client.post(f"/api/v1/comments/{answer.pk}/vote", **auth),
        client.delete(f"/api/v1/comments/{answer.pk}/vote", **auth),
        client.post(
            f"/api/v1/posts/{question.pk}/comments",
            json.dumps({"body": "Me too", "parent": answer.pk}),
            content_type="application/json",
            **auth,
        ),
    ]
    for response in bodies:
        assert response.status_code in {200, 201}, response.content
    return "\n".join(response.content.decode() for response in bodies)


@pytest.fixture
def asked(space, owner, helper):
    """An anonymous question (where the setting allows), answered, with the asker's reply."""

    def ask(setting: str) -> tuple[Person, Post, Comment]:
        asker = PersonFactory(pk=ASKER_ID, display_name=ASKER_NAME, email=ASKER_EMAIL)
        add_member(space, asker)
        anonymous = setting != AnonymousQuestions.OFF
        if anonymous:
            do_update_space(space, actor=owner, anonymous_questions=setting)
        question = make_post(
            space, asker, kind="question", title="Is it normal to feel lost?", anonymous=anonymous
        )
        do_react(actor=asker, kind="helped", post=question)
        answer = make_comment(question, helper, body="Yes, at first.")
        make_comment(question, asker, body="Thank you, that helps.", parent=answer)
        return asker, question, answer

    return ask


def assert_named(text: str, named: bool) -> None:
    """Named: the asker's id and name are there. Not named: no trace of id, name or e-mail
    (the e-mail is never in posts' JSON; the search for it proves it stays out)."""
    if named:
        assert f'"id": {ASKER_ID}' in text
        assert ASKER_NAME in text
    else:
        for clue in (str(ASKER_ID), ASKER_NAME, ASKER_EMAIL, "quietasker", "zelda"):
            assert clue.lower() not in text.lower(), clue


@pytest.mark.parametrize(
    ("setting", "member_sees", "moderator_sees"),
    [
        (AnonymousQuestions.OFF, True, True),
        (AnonymousQuestions.MEMBERS, False, True),
        (AnonymousQuestions.EVERYONE, False, False),
    ],
)
def test_anonymity_on_every_surface(
    client, space, asked, member, moderator, admin, setting, member_sees, moderator_sees
):
    asker, question, answer = asked(setting)
    assert_named(every_surface(client, member, space, question, answer), member_sees)
    assert_named(every_surface(client, moderator, space, question, answer), moderator_sees)
    # An organisation admin sees the asker only through the audited reveal.
    admin_text = get(client, f"/api/v1/posts/{question.pk}", admin).content.decode()
    admin_text += get(client, f"/api/v1/posts/{question.pk}/comments", admin).content.decode()
    assert_named(admin_text, not question.is_anonymous)
    assert_named(every_surface(client, asker, space, question, answer), True)


def test_anonymity_of_an_asker_who_edits_and_removes(client, space, asked, moderator):
    asker, question, answer = asked(AnonymousQuestions.EVERYONE)
    reply = Comment.objects.get(author=asker)
    response = post(client, f"/api/v1/posts/{question.pk}/accept", moderator, {"answer": answer.pk})
    assert response.status_code == 200
    assert_named(response.content.decode(), False)
    response = post(client, f"/api/v1/posts/{question.pk}/accept", asker, {"answer": None})
    assert response.json()["author"]["id"] == ASKER_ID
    response = patch(client, f"/api/v1/comments/{reply.pk}", asker, {"body": "Thanks again."})
    assert response.json()["author"]["id"] == ASKER_ID  # the asker sees themself
    response = delete(client, f"/api/v1/comments/{reply.pk}", moderator)
    assert response.json()["author"] is None
    assert_named(response.content.decode(), False)
    response = post(client, f"/api/v1/posts/{question.pk}/pin", moderator)
    assert_named(response.content.decode(), False)
    response = post(client, f"/api/v1/posts/{question.pk}/hide", moderator, {"reason": "Check."})
    assert response.json()["author_label"] == "A colleague"
    assert_named(response.content.decode(), False)
    assert post(client, f"/api/v1/posts/{question.pk}/restore", moderator).status_code == 200
    response = delete(client, f"/api/v1/posts/{question.pk}", moderator)
    assert response.json()["author"] is None
    assert_named(response.content.decode(), False)


def test_anonymity_when_the_setting_is_turned_off_later(client, space, owner, asked, member):
    _, question, answer = asked(AnonymousQuestions.MEMBERS)
    do_update_space(space, actor=owner, anonymous_questions=AnonymousQuestions.OFF)
    assert_named(every_surface(client, member, space, question, answer), False)
    assert_named(every_surface(client, owner, space, question, answer), False)
