"""The authorization matrix: every kind of caller x every space page and API endpoint x a listed
and a secret space. Each cell states the expected status, and a canary string placed in the
secret space (and in the listed space's members-only parts) must never reach a caller who may
not see it."""

import json
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Person
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.spaces.models import (
    JoinPolicy,
    Membership,
    MembershipState,
    Role,
    Space,
    Visibility,
)
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

CALLERS = [
    "anonymous",
    "deactivated",
    "non_member",
    "pending",
    "declined",
    "banned",
    "member",
    "moderator",
    "owner",
    "org_admin",
]
SECRET_CANARY = "CANARY-SECRET-7Q2X"
ANSWER_CANARY = "CANARY-ANSWER-4K9Z"
# Who may know the secret space exists (and read it): its active members and organisation admins.
KNOWS_SECRET = {"member", "moderator", "owner", "org_admin"}
MODERATORS = {"moderator", "owner", "org_admin"}
OWNERS = {"owner", "org_admin"}
MEMBERS = {"member", "moderator", "owner", "org_admin"}


@dataclass
class World:
    listed: Space
    secret: Space
    people: dict[str, Person | None]
    memberships: dict[tuple[str, str], Membership]


def _build_world() -> World:
    owner = PersonFactory(display_name="Olive Owner")
    listed = make_space(
        owner,
        name="Listed learning",
        slug="listed",
        visibility=Visibility.LISTED,
        join_policy=JoinPolicy.REQUEST,
        membership_questions=["What do you hope to learn?"],
    )
    secret = make_space(
        owner,
        name=f"Secret {SECRET_CANARY}",
        slug="hushed",
        description=f"About {SECRET_CANARY}",
        purpose=f"Purpose {SECRET_CANARY}",
        rules=f"Rules {SECRET_CANARY}",
        visibility=Visibility.SECRET,
        join_policy=JoinPolicy.REQUEST,
        membership_questions=[f"Question {SECRET_CANARY}"],
    )
    people: dict[str, Person | None] = {"anonymous": None, "owner": owner}
    memberships: dict[tuple[str, str], Membership] = {}
    for space_key, space in (("listed", listed), ("secret", secret)):
        memberships[(space_key, "owner")] = Membership.objects.get(space=space, person=owner)
    states = {
        "pending": (Role.MEMBER, MembershipState.PENDING),
        "declined": (Role.MEMBER, MembershipState.DECLINED),
        "banned": (Role.MEMBER, MembershipState.BANNED),
        "member": (Role.MEMBER, MembershipState.ACTIVE),
        "moderator": (Role.MODERATOR, MembershipState.ACTIVE),
    }
    for caller, (role, state) in states.items():
        person = PersonFactory(display_name=f"Pat {caller.title()}")
        people[caller] = person
        for space_key, space in (("listed", listed), ("secret", secret)):
            membership = add_member(space, person, role=role, state=state)
            if state == MembershipState.PENDING:
                membership.answers = [
                    {"question": "What do you hope to learn?", "answer": ANSWER_CANARY}
                ]
                membership.save(update_fields=["answers"])
            memberships[(space_key, caller)] = membership
    people["non_member"] = PersonFactory(display_name="Nora Nonmember")
    people["org_admin"] = AdminFactory(display_name="Ada Admin")
    deactivated = PersonFactory(display_name="Dee Deactivated")
    for space_key, space in (("listed", listed), ("secret", secret)):
        memberships[(space_key, "deactivated")] = add_member(space, deactivated)
    deactivated.is_active = False
    deactivated.save(update_fields=["is_active"])
    people["deactivated"] = deactivated
    return World(listed, secret, people, memberships)


@pytest.fixture
def world() -> World:
    return _build_world()


def _page_client(world: World, caller: str) -> Client:
    client = Client()
    person = world.people[caller]
    if person is not None:
        client.force_login(person)
    return client


# --- pages ------------------------------------------------------------------------------------

# (url name, expected status when allowed, who is allowed on a listed space)
PAGES = [
    ("space-home", None),
    ("space-rules", None),
    ("space-members", MEMBERS),
    ("space-requests", MODERATORS),
    ("space-settings", OWNERS),
]


def _expected_page_status(caller: str, space_key: str, allowed: set[str] | None) -> int:
    if caller in {"anonymous", "deactivated"}:
        return 302  # to the sign-in page
    if space_key == "secret" and caller not in KNOWS_SECRET:
        return 404
    if allowed is None or caller in allowed:
        return 200
    return 403


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("space_key", ["listed", "secret"])
@pytest.mark.parametrize(("url_name", "allowed"), PAGES)
def test_space_pages_matrix(world, caller, space_key, url_name, allowed):
    space = getattr(world, space_key)
    response = _page_client(world, caller).get(reverse(url_name, args=[space.slug]))
    expected = _expected_page_status(caller, space_key, allowed)
    assert response.status_code == expected, (caller, space_key, url_name)
    body = response.content.decode()
    if caller not in KNOWS_SECRET:
        assert SECRET_CANARY not in body
    if caller not in MODERATORS:
        assert ANSWER_CANARY not in body
    if expected == 302:
        assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("caller", CALLERS)
def test_site_pages_never_show_the_secret_space(world, caller):
    client = _page_client(world, caller)
    urls = [
        reverse("space-directory"),
        reverse("space-directory") + "?which=discover",
        reverse("space-directory") + "?q=Secret",
        reverse("space-directory") + "?which=discover&q=Secret",
        reverse("people-directory"),
        reverse("person-profile", args=[world.people["owner"].pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in {200, 302}, url
        if caller not in KNOWS_SECRET:
            assert SECRET_CANARY not in response.content.decode(), url
        if caller not in MODERATORS:
            assert ANSWER_CANARY not in response.content.decode(), url


# --- the API ----------------------------------------------------------------------------------


def _api(world: World, caller: str) -> dict[str, str]:
    person = world.people[caller]
    if person is None:
        return {}
    if not person.is_active:
        # A token made before deactivation: it must stop working.
        person.is_active = True
        _, raw = do_create_access_token(person, "matrix", actor=person)
        person.is_active = False
        person.save(update_fields=["is_active"])
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    _, raw = do_create_access_token(person, "matrix", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


API_READS = [
    ("/api/v1/spaces/{slug}", None),
    ("/api/v1/spaces/{slug}/members", MEMBERS),
    ("/api/v1/spaces/{slug}/requests", MODERATORS),
]


def _expected_api_status(caller: str, space_key: str, allowed: set[str] | None) -> int:
    if caller in {"anonymous", "deactivated"}:
        return 401
    if space_key == "secret" and caller not in KNOWS_SECRET:
        return 404
    if allowed is None or caller in allowed:
        return 200
    return 403


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("space_key", ["listed", "secret"])
@pytest.mark.parametrize(("path", "allowed"), API_READS)
def test_api_reads_matrix(world, caller, space_key, path, allowed):
    space = getattr(world, space_key)
    response = Client().get(path.format(slug=space.slug), **_api(world, caller))
    assert response.status_code == _expected_api_status(caller, space_key, allowed), (
        caller,
        space_key,
        path,
        response.content,
    )
    assert "detail" in response.json() or response.status_code == 200
    body = response.content.decode()
    if caller not in KNOWS_SECRET:
        assert SECRET_CANARY not in body
    if caller not in MODERATORS:
        assert ANSWER_CANARY not in body


@pytest.mark.parametrize("caller", CALLERS)
def test_api_lists_never_show_the_secret_space(world, caller):
    headers = _api(world, caller)
    for path in [
        "/api/v1/spaces?which=mine",
        "/api/v1/spaces?which=discover",
        "/api/v1/spaces?which=discover&q=Secret",
        "/api/v1/people",
        f"/api/v1/people/{world.people['owner'].pk}",
    ]:
        response = Client().get(path, **headers)
        expected = 401 if caller in {"anonymous", "deactivated"} else 200
        assert response.status_code == expected, (caller, path)
        if caller not in KNOWS_SECRET:
            assert SECRET_CANARY not in response.content.decode(), path


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("space_key", ["listed", "secret"])
def test_api_patch_matrix(world, caller, space_key):
    space = getattr(world, space_key)
    response = Client().patch(
        f"/api/v1/spaces/{space.slug}",
        data=json.dumps({"description": "Changed by the matrix"}),
        content_type="application/json",
        **_api(world, caller),
    )
    expected = _expected_api_status(caller, space_key, OWNERS)
    assert response.status_code == expected, (caller, space_key, response.content)
    space.refresh_from_db()
    assert (space.description == "Changed by the matrix") == (expected == 200)
    if caller not in KNOWS_SECRET:
        assert SECRET_CANARY not in response.content.decode()


# Membership writes: (path suffix, body, who may on a listed space, status for the allowed).
def _join_expected(caller: str, space_key: str) -> int:
    if caller in {"anonymous", "deactivated"}:
        return 401
    if space_key == "secret" and caller not in KNOWS_SECRET:
        return 404
    # Only someone without a live membership may ask: non-members (an organisation admin who is
    # not a member included) and declined people.
    if caller in {"non_member", "declined", "org_admin"}:
        return 200
    return 403


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("space_key", ["listed", "secret"])
def test_api_join_matrix(world, caller, space_key):
    space = getattr(world, space_key)
    before = Membership.objects.filter(space=space).order_by("pk").values_list("state", flat=True)
    before = list(before)
    response = Client().post(
        f"/api/v1/spaces/{space.slug}/join",
        data=json.dumps({"answers": ["I want to learn"]}),
        content_type="application/json",
        **_api(world, caller),
    )
    expected = _join_expected(caller, space_key)
    assert response.status_code in {expected, 201}, (caller, space_key, response.content)
    if response.status_code >= 400:
        after = (
            Membership.objects.filter(space=space).order_by("pk").values_list("state", flat=True)
        )
        assert list(after) == before
        if caller not in KNOWS_SECRET:
            assert SECRET_CANARY not in response.content.decode()


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("space_key", ["listed", "secret"])
def test_api_approve_matrix(world, caller, space_key):
    space = getattr(world, space_key)
    pending = world.memberships[(space_key, "pending")]
    response = Client().post(
        f"/api/v1/spaces/{space.slug}/requests/approve",
        data=json.dumps({"ids": [pending.pk]}),
        content_type="application/json",
        **_api(world, caller),
    )
    expected = _expected_api_status(caller, space_key, MODERATORS)
    assert response.status_code == expected, (caller, space_key, response.content)
    pending.refresh_from_db()
    assert (pending.state == MembershipState.ACTIVE) == (expected == 200)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("space_key", ["listed", "secret"])
def test_api_ban_matrix(world, caller, space_key):
    space = getattr(world, space_key)
    target = world.memberships[(space_key, "member")]
    response = Client().post(
        f"/api/v1/spaces/{space.slug}/members/{target.pk}/ban",
        **_api(world, caller),
    )
    expected = _expected_api_status(caller, space_key, MODERATORS)
    if caller == "member" and expected == 200:
        expected = 403
    assert response.status_code == expected, (caller, space_key, response.content)
    target.refresh_from_db()
    assert (target.state == MembershipState.BANNED) == (expected == 200)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("space_key", ["listed", "secret"])
@pytest.mark.parametrize(
    ("url_name", "data", "allowed"),
    [
        ("space-settings", {"name": "Renamed by the matrix"}, OWNERS),
        ("space-requests", {"action": "approve", "requests": ["PENDING"]}, MODERATORS),
    ],
)
def test_page_posts_matrix(world, caller, space_key, url_name, data, allowed):
    space = getattr(world, space_key)
    pending = world.memberships[(space_key, "pending")]
    payload = {
        key: [str(pending.pk) if item == "PENDING" else item for item in value]
        if isinstance(value, list)
        else value
        for key, value in data.items()
    }
    response = _page_client(world, caller).post(reverse(url_name, args=[space.slug]), payload)
    expected = _expected_page_status(caller, space_key, allowed)
    if expected == 200:
        # Allowed callers get a redirect after success or the form back with its errors (this
        # partial settings form lacks required fields): never a refusal.
        assert response.status_code in {200, 302, 400}, (caller, space_key, url_name)
    else:
        assert response.status_code == expected, (caller, space_key, url_name)
        space.refresh_from_db()
        pending.refresh_from_db()
        assert space.name != "Renamed by the matrix"
        assert pending.state == MembershipState.PENDING
    if caller not in KNOWS_SECRET:
        assert SECRET_CANARY not in response.content.decode()
