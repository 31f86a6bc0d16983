"""The authorization matrix for every membership and settings write, by page and by API:
each caller x listed/secret space gets the expected status, a refusal changes nothing, and the
secret space's canary never reaches a caller who may not know it exists."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from afterclass.spaces.models import GroundRules, Membership, Space
from afterclass.spaces.tests.test_authorization_matrix import (
    CALLERS,
    KNOWS_SECRET,
    MODERATORS,
    OWNERS,
    SECRET_CANARY,
    World,
    _api,
    _build_world,
    _page_client,
)

pytestmark = pytest.mark.django_db

ACTIVE_MEMBERS = {"member", "moderator", "owner"}


@pytest.fixture
def world() -> World:
    return _build_world()


def snapshot(space: Space) -> tuple[Any, ...]:
    """Everything a membership or settings write could change about a space."""
    row = Space.objects.filter(pk=space.pk).values().get()
    memberships = list(
        Membership.objects.filter(space=space)
        .order_by("pk")
        .values_list("person_id", "role", "state", "rules_version_accepted")
    )
    rules = list(GroundRules.objects.filter(space=space).values_list("version", "body"))
    return row, memberships, rules


def _refused(caller: str, space_key: str, allowed: set[str], *, signed_out: int) -> int | None:
    """The status a refused caller gets, or None when the caller is allowed."""
    if caller in {"anonymous", "deactivated"}:
        return signed_out
    if space_key == "secret" and caller not in KNOWS_SECRET:
        return 404
    if caller in allowed:
        return None
    return 403


# (path under /api/v1/spaces/<slug>, JSON body, who may)
def _api_writes(world: World, space_key: str) -> list[tuple[str, dict[str, Any], set[str]]]:
    member = world.memberships[(space_key, "member")]
    pending = world.memberships[(space_key, "pending")]
    return [
        ("/status", {"status": "archived"}, OWNERS),
        ("/rules", {"body": "New rules from the matrix."}, OWNERS),
        ("/requests/decline", {"ids": [pending.pk]}, MODERATORS),
        ("/invite", {"people": [world.people["non_member"].pk]}, MODERATORS),
        (f"/members/{member.pk}/remove", {}, MODERATORS - {"member"}),
        (f"/members/{member.pk}/role", {"role": "moderator"}, OWNERS),
        ("/rules/accept", {"version": 1}, ACTIVE_MEMBERS),
    ]


WRITE_NAMES = ["status", "rules", "decline", "invite", "remove", "role", "accept"]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("space_key", ["listed", "secret"])
@pytest.mark.parametrize("write", range(len(WRITE_NAMES)), ids=WRITE_NAMES)
def test_api_writes_matrix(world, caller, space_key, write):
    space = getattr(world, space_key)
    path, body, allowed = _api_writes(world, space_key)[write]
    before = snapshot(space)
    response = Client().post(
        f"/api/v1/spaces/{space.slug}{path}",
        data=json.dumps(body),
        content_type="application/json",
        **_api(world, caller),
    )
    refused = _refused(caller, space_key, allowed, signed_out=401)
    if refused is None:
        # 201 where the write creates something (a new version of the rules).
        expected = 201 if path == "/rules" else 200
        assert response.status_code == expected, (caller, space_key, path, response.content)
        assert snapshot(space) != before or path == "/rules/accept"
    else:
        assert response.status_code == refused, (caller, space_key, path, response.content)
        assert snapshot(space) == before
        assert "detail" in response.json()
    if caller not in KNOWS_SECRET:
        assert SECRET_CANARY not in response.content.decode()


# Leaving: only a live membership can be left, and the only owner cannot leave.
LEAVE_ALLOWED = {"pending", "member", "moderator"}


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("space_key", ["listed", "secret"])
def test_api_leave_matrix(world, caller, space_key):
    space = getattr(world, space_key)
    before = snapshot(space)
    response = Client().post(f"/api/v1/spaces/{space.slug}/leave", **_api(world, caller))
    if caller in {"anonymous", "deactivated"}:
        expected = 401
    elif space_key == "secret" and caller not in KNOWS_SECRET:
        expected = 404
    elif caller in LEAVE_ALLOWED:
        expected = 200
    else:
        expected = 409  # not a member (or the only owner): a conflict with the current state
    assert response.status_code == expected, (caller, space_key, response.content)
    assert (snapshot(space) == before) == (expected != 200)
    if caller not in KNOWS_SECRET:
        assert SECRET_CANARY not in response.content.decode()


def _page_writes(world: World, space_key: str) -> list[tuple[str, list[Any], dict[str, Any]]]:
    member = world.memberships[(space_key, "member")]
    return [
        ("space-status", [], {"status": "archived"}),
        ("space-publish-rules", [], {"rules": "New rules from the matrix."}),
        ("space-invite", [], {"emails": world.people["non_member"].email}),
        ("space-member", [member.pk], {"action": "remove"}),
        ("space-member", [member.pk], {"action": "role", "role": "moderator"}),
    ]


PAGE_WRITE_ALLOWED = [OWNERS, OWNERS, MODERATORS, MODERATORS - {"member"}, OWNERS]
PAGE_WRITE_NAMES = ["status", "publish-rules", "invite", "remove", "role"]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("space_key", ["listed", "secret"])
@pytest.mark.parametrize("write", range(len(PAGE_WRITE_NAMES)), ids=PAGE_WRITE_NAMES)
def test_page_writes_matrix(world, caller, space_key, write):
    space = getattr(world, space_key)
    url_name, args, data = _page_writes(world, space_key)[write]
    before = snapshot(space)
    response = _page_client(world, caller).post(reverse(url_name, args=[space.slug, *args]), data)
    refused = _refused(caller, space_key, PAGE_WRITE_ALLOWED[write], signed_out=302)
    if refused is None:
        assert response.status_code == 302, (caller, space_key, url_name, response.content)
        assert snapshot(space) != before
    else:
        assert response.status_code == refused, (caller, space_key, url_name)
        assert snapshot(space) == before
    if caller not in KNOWS_SECRET:
        assert SECRET_CANARY not in response.content.decode()


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("space_key", ["listed", "secret"])
def test_page_join_matrix(world, caller, space_key):
    space = getattr(world, space_key)
    before = snapshot(space)
    client = _page_client(world, caller)
    form = client.get(reverse("space-join", args=[space.slug]))
    response = client.post(reverse("space-join", args=[space.slug]), {"answer_0": "To learn"})
    if caller in {"anonymous", "deactivated"}:
        assert (form.status_code, response.status_code) == (302, 302)
        assert snapshot(space) == before
    elif space_key == "secret" and caller not in KNOWS_SECRET:
        assert (form.status_code, response.status_code) == (404, 404)
        assert snapshot(space) == before
    elif caller in {"non_member", "declined", "org_admin"}:
        assert response.status_code == 302, (caller, space_key, response.content)
        assert Membership.objects.get(space=space, person=world.people[caller]).state == "pending"
    else:
        # Members, pending, banned: the page explains why they cannot join; nothing changes.
        assert response.status_code in {302, 403}, (caller, space_key, response.status_code)
        assert snapshot(space) == before
    for answer in (form, response):
        if caller not in KNOWS_SECRET:
            assert SECRET_CANARY not in answer.content.decode()
