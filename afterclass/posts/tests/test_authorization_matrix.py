"""The foundation's authorization matrix extended to posts: every kind of caller x a listed and
a secret space x the posts endpoints. A canary in the secret space's post and comment never
reaches a caller who may not see them, and a refused write changes nothing."""

import json

import pytest
from django.test import Client

from afterclass.posts.models import Comment, Post, Reaction
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.tests.test_authorization_matrix import (
    CALLERS,
    KNOWS_SECRET,
    MODERATORS,
    SECRET_CANARY,
    World,
    _api,
    _build_world,
)

pytestmark = pytest.mark.django_db

POST_CANARY = "CANARY-POST-8M3V"
# Who reads a space's posts: its active members and organisation admins.
READERS = {"member", "moderator", "owner", "org_admin"}
# Who writes in it: active members who accepted the rules (admins who are not members do not).
WRITERS = {"member", "moderator", "owner"}


@pytest.fixture
def world() -> tuple[World, dict[str, Post]]:
    world = _build_world()
    posts = {}
    for space_key in ("listed", "secret"):
        space = getattr(world, space_key)
        owner = world.people["owner"]
        post = make_post(space, owner, title=f"Post {POST_CANARY}", body=f"Body {SECRET_CANARY}")
        make_comment(post, world.people["member"], body=f"Comment {POST_CANARY}")
        posts[space_key] = post
    return world, posts


def _expected(caller: str, space_key: str, allowed: set[str]) -> int:
    if caller in {"anonymous", "deactivated"}:
        return 401
    if caller not in READERS:
        # A listed space's posts are for members: the post itself is unknown to others.
        return 404
    if space_key == "secret" and caller not in KNOWS_SECRET:
        return 404
    return 200 if caller in allowed else 403


def _assert_no_canary(caller: str, body: str) -> None:
    if caller not in READERS:
        assert POST_CANARY not in body
        assert SECRET_CANARY not in body


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("space_key", ["listed", "secret"])
@pytest.mark.parametrize("path", ["/api/v1/posts/{id}", "/api/v1/posts/{id}/comments"])
def test_api_post_reads_matrix(world, caller, space_key, path):
    world, posts = world
    post = posts[space_key]
    response = Client().get(path.format(id=post.pk), **_api(world, caller))
    assert response.status_code == _expected(caller, space_key, READERS), (caller, space_key)
    _assert_no_canary(caller, response.content.decode())


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("space_key", ["listed", "secret"])
def test_api_space_posts_list_matrix(world, caller, space_key):
    world, _ = world
    space = getattr(world, space_key)
    response = Client().get(f"/api/v1/spaces/{space.slug}/posts", **_api(world, caller))
    if caller in {"anonymous", "deactivated"}:
        expected = 401
    elif space_key == "secret" and caller not in KNOWS_SECRET:
        expected = 404
    elif caller in READERS:
        expected = 200
    else:
        expected = 403  # a listed space is known to everyone; its posts are for members
    assert response.status_code == expected, (caller, space_key, response.content)
    _assert_no_canary(caller, response.content.decode())


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("path", ["/api/v1/feed", "/api/v1/questions/waiting"])
def test_api_feeds_never_show_posts_of_spaces_one_is_not_in(world, caller, path):
    world, _ = world
    response = Client().get(path, **_api(world, caller))
    expected = 401 if caller in {"anonymous", "deactivated"} else 200
    assert response.status_code == expected
    _assert_no_canary(caller, response.content.decode())


def _snapshot(post: Post) -> tuple:
    post.refresh_from_db()
    return (
        post.state,
        post.is_pinned,
        post.comment_count,
        post.reaction_count,
        Comment.objects.filter(post=post).count(),
        Reaction.objects.filter(post=post).count(),
    )


WRITES = [
    ("/api/v1/posts/{id}/comments", {"body": "A new comment from the matrix"}, WRITERS),
    ("/api/v1/posts/{id}/reactions/helped", None, WRITERS),
    ("/api/v1/posts/{id}/hide", {"reason": "Off topic for this space"}, MODERATORS),
    ("/api/v1/posts/{id}/pin", None, MODERATORS),
]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("space_key", ["listed", "secret"])
@pytest.mark.parametrize(
    ("path", "body", "allowed"), WRITES, ids=["comment", "react", "hide", "pin"]
)
def test_api_post_writes_matrix(world, caller, space_key, path, body, allowed):
    world, posts = world
    post = posts[space_key]
    before = _snapshot(post)
    response = Client().post(
        path.format(id=post.pk),
        data=json.dumps(body) if body is not None else None,
        content_type="application/json",
        **_api(world, caller),
    )
    expected = _expected(caller, space_key, allowed)
    if expected == 200:
        assert response.status_code in {200, 201}, (caller, space_key, path, response.content)
        assert _snapshot(post) != before
    else:
        assert response.status_code == expected, (caller, space_key, path, response.content)
        assert _snapshot(post) == before
    _assert_no_canary(caller, response.content.decode())
