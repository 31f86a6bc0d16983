"""Spaces API: the directory, creating and changing spaces, ground rules and membership."""

import json

import pytest

from afterclass.core.errors import error_body
from afterclass.people.actions import do_create_access_token, do_update_organisation
from afterclass.people.models import Person
from afterclass.people.tests.factories import DepartmentFactory, PersonFactory
from afterclass.spaces.access import SPACE_NOT_FOUND
from afterclass.spaces.actions import do_join_space, do_publish_rules
from afterclass.spaces.models import (
    GroundRules,
    JoinPolicy,
    Membership,
    MembershipState,
    Role,
    RulesAcceptance,
    Space,
    Status,
    Visibility,
)
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

# Queries per request: the token (1), the space (1) where there is one, then the page (1).
DIRECTORY_QUERIES = 2
MEMBERS_QUERIES = 3
REQUESTS_QUERIES = 3

QUESTIONS = ["Which course did you attend?", "What do you hope to learn?"]


def bearer(person: Person) -> dict[str, str]:
    _, raw = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, url: str, person: Person, data: object = None):
    body = "" if data is None else json.dumps(data)
    return client.post(url, body, content_type="application/json", **bearer(person))


def patch(client, url: str, person: Person, data: object):
    return client.patch(url, json.dumps(data), content_type="application/json", **bearer(person))


def get(client, url: str, person: Person):
    return client.get(url, **bearer(person))


def snapshot(space: Space) -> dict:
    """Everything an API call might change about a space, to assert that nothing did."""
    space = Space.objects.get(pk=space.pk)
    return {
        "space": {
            field.name: getattr(space, field.attname)
            for field in Space._meta.concrete_fields
            if field.name != "cover"
        },
        "memberships": list(
            Membership.objects.filter(space=space)
            .order_by("pk")
            .values("person_id", "role", "state", "answers", "rules_version_accepted")
        ),
        "rules": list(GroundRules.objects.filter(space=space).values_list("version", "body")),
        "departments": list(space.audience_departments.values_list("pk", flat=True)),
    }


@pytest.fixture
def owner(db) -> Person:
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def space(owner) -> Space:
    return make_space(owner, name="Data skills", description="Learning data together.")


@pytest.fixture
def member(space) -> Person:
    return add_member(space, PersonFactory(display_name="Mo Member")).person


@pytest.fixture
def outsider(db) -> Person:
    return PersonFactory(display_name="Oscar Outsider")


@pytest.fixture
def request_space(owner) -> Space:
    return make_space(
        owner,
        name="Excel course follow-up",
        join_policy=JoinPolicy.REQUEST,
        membership_questions=QUESTIONS,
    )


@pytest.fixture
def secret_space(owner) -> Space:
    return make_space(owner, name="Leadership circle", visibility=Visibility.SECRET)


# --- The directory ------------------------------------------------------------------------


def test_directory_mine_lists_my_spaces_with_my_role(client, owner, space, secret_space):
    make_space(PersonFactory(), name="Someone else's")
    response = get(client, "/api/v1/spaces", owner)
    assert response.status_code == 200
    body = response.json()
    assert [item["slug"] for item in body["items"]] == ["data-skills", "leadership-circle"]
    assert body["items"][0]["my_membership"]["role"] == "owner"
    assert body["next"] is None


def test_directory_discover_lists_listed_spaces_i_am_not_in(client, outsider, space, secret_space):
    make_space(PersonFactory(), name="Planned", status=Status.PLANNING)
    response = get(client, "/api/v1/spaces?which=discover", outsider)
    assert [item["slug"] for item in response.json()["items"]] == ["data-skills"]
    assert response.json()["items"][0]["my_membership"] is None
    assert get(client, "/api/v1/spaces", outsider).json()["items"] == []


def test_directory_searches_name_and_purpose(client, owner, space):
    make_space(owner, name="Excel tips", purpose="Spreadsheet shortcuts.")
    response = get(client, "/api/v1/spaces?q=spreadsheet", owner)
    assert [item["name"] for item in response.json()["items"]] == ["Excel tips"]


def test_directory_pages_with_cursor(client, owner):
    for name in ["Alpha", "Bravo", "Charlie"]:
        make_space(owner, name=name)
    first = get(client, "/api/v1/spaces?limit=2", owner).json()
    assert [item["name"] for item in first["items"]] == ["Alpha", "Bravo"]
    second = get(client, f"/api/v1/spaces?limit=2&cursor={first['next']}", owner).json()
    assert [item["name"] for item in second["items"]] == ["Charlie"]
    assert second["next"] is None


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("which=everything", 422, "which"),
        ("q=" + "x" * 201, 422, "q"),
        ("limit=500", 422, "limit"),
        ("cursor=%%%", 400, "cursor"),
        ("cursor=WzFd", 400, "cursor"),
    ],
)
def test_directory_refuses_bad_parameters(client, owner, space, query, status, field):
    response = get(client, f"/api/v1/spaces?{query}", owner)
    assert response.status_code == status
    assert field in response.json()["detail"] or response.json().get("field") == field


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("which", ["mine", "discover"])
def test_directory_query_count_is_the_same_for_1_and_50_spaces(
    client, owner, outsider, django_assert_num_queries, rows, which
):
    for number in range(rows):
        make_space(owner, name=f"Space {number:02}")
    viewer = owner if which == "mine" else outsider
    auth = bearer(viewer)
    client.get("/api/v1/people/me", **auth)  # the token's first use is recorded once
    with django_assert_num_queries(DIRECTORY_QUERIES):
        response = client.get(f"/api/v1/spaces?which={which}&limit=100", **auth)
    assert len(response.json()["items"]) == rows


# --- Creating a space -----------------------------------------------------------------------


def test_create_space_makes_me_owner_with_rules_version_1(client, person):
    response = post(
        client,
        "/api/v1/spaces",
        person,
        {
            "name": "Excel tips",
            "purpose": "Share Excel tips.",
            "rules": "Be **kind**.",
            "template": "tips",
            "join_policy": "request",
            "membership_questions": ["Why?"],
            "target_weekly_active_pct": 40,
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["slug"] == "excel-tips"
    assert body["status"] == "planning"
    assert body["template"] == "tips"
    assert body["layout"] == "stream"
    assert body["membership_questions"] == ["Why?"]
    assert body["targets"]["weekly_active_pct"] == 40
    assert body["rules"]["version"] == 1
    assert body["rules"]["body_html"] == "<p>Be <strong>kind</strong>.</p>\n"
    assert body["my_membership"] == {
        "role": "owner",
        "state": "active",
        "rules_version_accepted": 1,
        "needs_rules_acceptance": False,
    }
    assert body["can"] == {"join": False, "view_members": True, "moderate": True, "manage": True}
    assert Membership.objects.get(space__slug="excel-tips").person == person


def test_create_space_with_slug_and_audience_departments(client, person):
    finance = DepartmentFactory(name="Finance")
    response = post(
        client,
        "/api/v1/spaces",
        person,
        {
            "name": "Finance forum",
            "slug": "money-talk",
            "purpose": "p",
            "rules": "r",
            "audience": "departments",
            "audience_departments": [finance.pk],
        },
    )
    assert response.status_code == 201
    assert response.json()["slug"] == "money-talk"
    assert response.json()["audience_departments"] == [finance.pk]


def test_create_space_taken_slug_is_409_naming_the_address(client, person, space):
    response = post(
        client,
        "/api/v1/spaces",
        person,
        {"name": "Other", "purpose": "p", "rules": "r", "slug": "data-skills"},
    )
    assert response.status_code == 409
    taken = "The address “data-skills” is already taken."
    assert response.json() == error_body(taken, field="slug")
    assert Space.objects.count() == 1


VALID_SPACE = {"name": "Excel tips", "purpose": "Share tips.", "rules": "Be kind."}
MISSING = object()


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"name": MISSING}, 422, "name"),
        ({"name": None}, 422, "name"),
        ({"name": ""}, 422, "name"),
        ({"name": "x" * 81}, 422, "name"),
        ({"rules": MISSING}, 422, "rules"),
        ({"name": 42}, 422, "name"),
        ({"name": "   "}, 400, "name"),
        ({"name": "Nul\x00byte"}, 422, "name"),
        ({"purpose": ""}, 422, "purpose"),
        ({"purpose": "p" * 2001}, 422, "purpose"),
        ({"rules": "r" * 10001}, 422, "rules"),
        ({"description": "d" * 281}, 422, "description"),
        ({"slug": "Not A Slug"}, 400, "slug"),
        ({"slug": "new"}, 400, "slug"),
        ({"slug": "s" * 61}, 422, "slug"),
        ({"mode": "chaotic"}, 422, "mode"),
        ({"template": "wiki"}, 422, "template"),
        ({"visibility": "public"}, 422, "visibility"),
        ({"join_policy": "anyone"}, 422, "join_policy"),
        ({"audience": "world"}, 422, "audience"),
        ({"membership_questions": ["q"] * 6}, 422, "membership_questions"),
        ({"membership_questions": ["q" * 201]}, 422, "membership_questions.0"),
        ({"membership_questions": "Why?"}, 422, "membership_questions"),
        ({"target_weekly_active_pct": 101}, 422, "target_weekly_active_pct"),
        ({"target_answer_rate_pct": -1}, 422, "target_answer_rate_pct"),
        ({"target_answer_hours": 0}, 422, "target_answer_hours"),
        ({"target_completion_pct": "lots"}, 422, "target_completion_pct"),
        ({"audience_departments": [999999]}, 400, "audience_departments"),
        ({"audience_departments": [0]}, 422, "audience_departments.0"),
        ({"colour": "blue"}, 422, "colour"),
    ],
)
def test_create_space_refuses_bad_input_naming_the_field(client, person, change, status, field):
    data = {key: value for key, value in {**VALID_SPACE, **change}.items() if value is not MISSING}
    response = post(client, "/api/v1/spaces", person, data)
    assert response.status_code == status, response.content
    body = response.json()
    if status == 422:
        assert field in [error["field"] for error in body["errors"]]
        assert f"{field}: " in body["detail"]
    else:
        assert body["field"] == field
        assert body["detail"]
    assert not Space.objects.exists()


@pytest.mark.parametrize(
    ("body", "status"),
    [("", 422), ("{not json", 400), ("[1, 2]", 422), ('"text"', 422), ("null", 422)],
)
def test_create_space_refuses_malformed_bodies(client, person, body, status):
    response = client.post(
        "/api/v1/spaces", body, content_type="application/json", **bearer(person)
    )
    assert response.status_code == status
    assert response.json()["detail"]
    assert not Space.objects.exists()


def test_create_space_refused_when_only_admins_may_create(client, person, admin):
    do_update_organisation(actor=admin, anyone_can_create_spaces=False)
    response = post(client, "/api/v1/spaces", person, VALID_SPACE)
    assert response.status_code == 403
    assert response.json()["detail"] == "Only organisation admins can create spaces here."
    assert not Space.objects.exists()
    assert post(client, "/api/v1/spaces", admin, VALID_SPACE).status_code == 201


# --- One space ----------------------------------------------------------------------------


def test_space_shows_member_their_membership_and_the_rules(client, space, member):
    response = get(client, f"/api/v1/spaces/{space.slug}", member)
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Data skills"
    assert body["purpose"] == "Learn data skills from each other."
    assert body["member_count"] == 2
    assert body["rules"]["body"] == "Be kind. Stay on topic."
    assert body["my_membership"]["role"] == "member"
    assert body["pending_count"] is None
    assert body["can"] == {"join": False, "view_members": True, "moderate": False, "manage": False}


def test_space_shows_moderators_the_pending_count(client, owner, request_space):
    do_join_space(request_space, actor=PersonFactory(), answers=["Excel 1", "Pivots"])
    response = get(client, f"/api/v1/spaces/{request_space.slug}", owner)
    assert response.json()["pending_count"] == 1


def test_space_listed_is_shown_to_non_members_who_may_join(client, space, outsider):
    body = get(client, f"/api/v1/spaces/{space.slug}", outsider).json()
    assert body["my_membership"] is None
    assert body["can"] == {"join": True, "view_members": False, "moderate": False, "manage": False}
    assert body["rules"]["version"] == 1


def test_space_member_sees_that_new_rules_need_accepting(client, owner, space, member):
    do_publish_rules(space, "Be kind. Cite sources.", actor=owner)
    mine = get(client, f"/api/v1/spaces/{space.slug}", member).json()["my_membership"]
    assert mine["needs_rules_acceptance"] is True
    assert mine["rules_version_accepted"] == 1


@pytest.mark.parametrize("slug", ["leadership-circle", "no-such-space", "UPPER", "a%00b"])
def test_space_secret_or_unknown_is_the_same_404(client, secret_space, outsider, slug):
    response = get(client, f"/api/v1/spaces/{slug}", outsider)
    assert response.status_code == 404
    assert response.json() == {"detail": SPACE_NOT_FOUND, "field": None, "errors": []}


def test_space_secret_is_shown_to_its_members(client, secret_space, owner):
    member = add_member(secret_space).person
    assert get(client, f"/api/v1/spaces/{secret_space.slug}", member).status_code == 200


def test_space_in_planning_is_hidden_from_non_members(client, owner, outsider):
    planned = make_space(owner, name="Planned", status=Status.PLANNING)
    assert get(client, f"/api/v1/spaces/{planned.slug}", outsider).status_code == 404
    assert get(client, f"/api/v1/spaces/{planned.slug}", owner).status_code == 200


# --- Changing a space ---------------------------------------------------------------------


def test_update_space_changes_only_the_fields_sent(client, owner, space):
    response = patch(
        client,
        f"/api/v1/spaces/{space.slug}",
        owner,
        {"description": "New words.", "target_answer_hours": 24},
    )
    assert response.status_code == 200
    space.refresh_from_db()
    assert space.description == "New words."
    assert space.target_answer_hours == 24
    assert space.name == "Data skills"
    assert space.purpose == "Learn data skills from each other."
    assert response.json()["targets"]["answer_hours"] == 24


def test_update_space_null_clears_a_target(client, owner, space):
    patch(client, f"/api/v1/spaces/{space.slug}", owner, {"target_completion_pct": 80})
    response = patch(client, f"/api/v1/spaces/{space.slug}", owner, {"target_completion_pct": None})
    assert response.status_code == 200
    space.refresh_from_db()
    assert space.target_completion_pct is None


def test_update_space_can_change_the_address(client, owner, space):
    response = patch(client, f"/api/v1/spaces/{space.slug}", owner, {"slug": "data-club"})
    assert response.json()["slug"] == "data-club"
    assert get(client, "/api/v1/spaces/data-club", owner).status_code == 200


def test_update_space_by_org_admin_who_is_not_a_member(client, admin, space):
    response = patch(client, f"/api/v1/spaces/{space.slug}", admin, {"name": "Data club"})
    assert response.status_code == 200
    assert Space.objects.get(pk=space.pk).name == "Data club"


def test_update_space_taken_slug_is_409_and_changes_nothing(client, owner, space):
    make_space(owner, name="Other", slug="other")
    before = snapshot(space)
    response = patch(
        client, f"/api/v1/spaces/{space.slug}", owner, {"slug": "other", "name": "Renamed"}
    )
    assert response.status_code == 409
    assert "“other”" in response.json()["detail"]
    assert snapshot(space) == before


@pytest.mark.parametrize(
    ("viewer", "status"), [("member", 403), ("outsider", 403), ("moderator", 403)]
)
def test_update_space_refused_for_non_owners(client, space, member, outsider, viewer, status):
    people = {
        "member": member,
        "outsider": outsider,
        "moderator": add_member(space, role=Role.MODERATOR).person,
    }
    before = snapshot(space)
    response = patch(client, f"/api/v1/spaces/{space.slug}", people[viewer], {"name": "Mine"})
    assert response.status_code == status
    assert response.json()["detail"] == "Only the space's owners can change it."
    assert snapshot(space) == before


def test_update_secret_space_is_404_for_non_members(client, secret_space, outsider):
    before = snapshot(secret_space)
    response = patch(client, f"/api/v1/spaces/{secret_space.slug}", outsider, {"name": "x"})
    assert response.status_code == 404
    assert snapshot(secret_space) == before


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"name": ""}, 422, "name"),
        ({"name": None}, 400, "name"),
        ({"purpose": None}, 400, "purpose"),
        ({"mode": None}, 400, "mode"),
        ({"mode": "chaotic"}, 422, "mode"),
        ({"slug": None}, 400, "slug"),
        ({"slug": "Bad slug"}, 400, "slug"),
        ({"target_weekly_active_pct": 101}, 422, "target_weekly_active_pct"),
        ({"rules": "New rules"}, 422, "rules"),
        ({"status": "launched"}, 422, "status"),
        ({"member_count": 1000}, 422, "member_count"),
        ({"audience_departments": [999999]}, 400, "audience_departments"),
    ],
)
def test_update_space_refuses_bad_input_and_changes_nothing(
    client, owner, space, data, status, field
):
    before = snapshot(space)
    response = patch(client, f"/api/v1/spaces/{space.slug}", owner, data)
    assert response.status_code == status, response.content
    body = response.json()
    if status == 422:
        assert field in [error["field"] for error in body["errors"]]
    else:
        assert body["field"] == field
    assert snapshot(space) == before


# --- Status and ground rules ----------------------------------------------------------------


def test_status_launches_then_archives(client, owner):
    planned = make_space(owner, name="Planned", status=Status.PLANNING)
    response = post(client, f"/api/v1/spaces/{planned.slug}/status", owner, {"status": "launched"})
    assert response.status_code == 200
    assert response.json()["status"] == "launched"
    assert response.json()["launched_at"]
    response = post(client, f"/api/v1/spaces/{planned.slug}/status", owner, {"status": "archived"})
    assert response.json()["status"] == "archived"


def test_status_same_again_is_409(client, owner, space):
    response = post(client, f"/api/v1/spaces/{space.slug}/status", owner, {"status": "launched"})
    assert response.status_code == 409
    assert response.json()["detail"] == "This space is already launched."


@pytest.mark.parametrize("data", [{"status": "planning"}, {"status": "gone"}, {}, {"x": 1}])
def test_status_refuses_bad_values(client, owner, space, data):
    response = post(client, f"/api/v1/spaces/{space.slug}/status", owner, data)
    assert response.status_code == 422
    assert Space.objects.get(pk=space.pk).status == Status.LAUNCHED


def test_status_refused_for_members(client, space, member):
    response = post(client, f"/api/v1/spaces/{space.slug}/status", member, {"status": "archived"})
    assert response.status_code == 403
    assert Space.objects.get(pk=space.pk).status == Status.LAUNCHED


def test_rules_publish_new_version(client, owner, space, member):
    response = post(client, f"/api/v1/spaces/{space.slug}/rules", owner, {"body": "Cite sources."})
    assert response.status_code == 201
    assert response.json()["version"] == 2
    assert response.json()["body"] == "Cite sources."
    assert Space.objects.get(pk=space.pk).rules_version == 2


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"body": "Be kind. Stay on topic."}, 400),  # the same as the current version
        ({"body": ""}, 422),
        ({"body": "r" * 10001}, 422),
        ({"body": ["list"]}, 422),
        ({}, 422),
    ],
)
def test_rules_publish_refuses_bad_input(client, owner, space, data, status):
    before = snapshot(space)
    response = post(client, f"/api/v1/spaces/{space.slug}/rules", owner, data)
    assert response.status_code == status
    assert snapshot(space) == before


def test_rules_publish_refused_for_members(client, space, member):
    before = snapshot(space)
    response = post(client, f"/api/v1/spaces/{space.slug}/rules", member, {"body": "Mine now."})
    assert response.status_code == 403
    assert snapshot(space) == before


# --- Joining, leaving, accepting the rules --------------------------------------------------


def test_join_open_space_makes_me_a_member(client, space, outsider):
    response = post(client, f"/api/v1/spaces/{space.slug}/join", outsider)
    assert response.status_code == 200
    assert response.json()["state"] == "active"
    assert response.json()["role"] == "member"
    assert Space.objects.get(pk=space.pk).member_count == 2


def test_join_request_space_with_answers_waits_for_a_moderator(client, request_space, outsider):
    response = post(
        client,
        f"/api/v1/spaces/{request_space.slug}/join",
        outsider,
        {"answers": ["Excel level 1", "Pivot tables"]},
    )
    assert response.status_code == 200
    assert response.json()["state"] == "pending"
    membership = Membership.objects.get(space=request_space, person=outsider)
    assert membership.answers == [
        {"question": QUESTIONS[0], "answer": "Excel level 1"},
        {"question": QUESTIONS[1], "answer": "Pivot tables"},
    ]


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (None, 400),
        ({"answers": ["Only one"]}, 400),
        ({"answers": ["One", ""]}, 400),
        ({"answers": ["One", "x" * 1001]}, 422),
        ({"answers": "One, two"}, 422),
        ({"answers": [1, 2]}, 422),
        ({"answers": ["a"] * 6}, 422),
    ],
)
def test_join_request_refuses_bad_answers_and_changes_nothing(
    client, request_space, outsider, data, status
):
    before = snapshot(request_space)
    response = post(client, f"/api/v1/spaces/{request_space.slug}/join", outsider, data)
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    assert snapshot(request_space) == before


def test_join_invitation_only_space_is_refused(client, owner, outsider):
    closed = make_space(owner, name="Closed", join_policy=JoinPolicy.INVITATION)
    response = post(client, f"/api/v1/spaces/{closed.slug}/join", outsider)
    assert response.status_code == 403
    assert "invitation only" in response.json()["detail"]
    assert not Membership.objects.filter(person=outsider).exists()


def test_join_secret_space_is_404(client, secret_space, outsider):
    response = post(client, f"/api/v1/spaces/{secret_space.slug}/join", outsider)
    assert response.status_code == 404
    assert not Membership.objects.filter(person=outsider).exists()


def test_join_archived_space_is_refused(client, owner, outsider):
    archived = make_space(owner, name="Old", status=Status.ARCHIVED)
    response = post(client, f"/api/v1/spaces/{archived.slug}/join", outsider)
    assert response.status_code == 403
    assert not Membership.objects.filter(person=outsider).exists()


def test_join_twice_is_refused(client, space, member):
    response = post(client, f"/api/v1/spaces/{space.slug}/join", member)
    assert response.status_code == 403
    assert response.json()["detail"] == "You are already a member of this space."


def test_join_after_ban_is_refused(client, space, outsider):
    add_member(space, outsider, state=MembershipState.BANNED)
    before = snapshot(space)
    response = post(client, f"/api/v1/spaces/{space.slug}/join", outsider)
    assert response.status_code == 403
    assert snapshot(space) == before


def test_leave_space(client, space, member):
    response = post(client, f"/api/v1/spaces/{space.slug}/leave", member)
    assert response.status_code == 200
    assert response.json()["state"] == "left"
    assert Space.objects.get(pk=space.pk).member_count == 1


def test_leave_refused_for_the_only_owner(client, owner, space):
    before = snapshot(space)
    response = post(client, f"/api/v1/spaces/{space.slug}/leave", owner)
    assert response.status_code == 409
    assert "only owner" in response.json()["detail"]
    assert snapshot(space) == before


def test_leave_refused_for_non_members(client, space, outsider):
    response = post(client, f"/api/v1/spaces/{space.slug}/leave", outsider)
    assert response.status_code == 409


def test_accept_rules_records_the_version(client, owner, space, member):
    do_publish_rules(space, "Be kind. Cite sources.", actor=owner)
    response = post(client, f"/api/v1/spaces/{space.slug}/rules/accept", member, {"version": 2})
    assert response.status_code == 200
    assert response.json()["rules_version_accepted"] == 2
    assert RulesAcceptance.objects.filter(space=space, person=member, version=2).exists()


def test_accept_rules_of_an_old_version_is_409(client, owner, space, member):
    do_publish_rules(space, "Be kind. Cite sources.", actor=owner)
    response = post(client, f"/api/v1/spaces/{space.slug}/rules/accept", member, {"version": 1})
    assert response.status_code == 409
    assert "version 2" in response.json()["detail"]
    assert Membership.objects.get(space=space, person=member).rules_version_accepted == 1


@pytest.mark.parametrize(
    "data", [None, {}, {"version": "latest"}, {"version": 0}, {"version": 2**40}]
)
def test_accept_rules_refuses_bad_versions(client, space, member, data):
    response = post(client, f"/api/v1/spaces/{space.slug}/rules/accept", member, data)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_accept_rules_refused_for_non_members(client, space, outsider):
    response = post(client, f"/api/v1/spaces/{space.slug}/rules/accept", outsider, {"version": 1})
    assert response.status_code == 403
    assert not RulesAcceptance.objects.filter(person=outsider).exists()


# --- Members and join requests --------------------------------------------------------------


def test_members_lists_active_members_without_answers(client, owner, space, member):
    add_member(space, state=MembershipState.PENDING)
    response = get(client, f"/api/v1/spaces/{space.slug}/members", member)
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["person"]["display_name"] for item in items] == ["Olive Owner", "Mo Member"]
    assert [item["role"] for item in items] == ["owner", "member"]
    assert "answers" not in response.content.decode()


def test_members_refused_for_non_members_of_a_listed_space(client, space, outsider):
    response = get(client, f"/api/v1/spaces/{space.slug}/members", outsider)
    assert response.status_code == 403
    assert response.json()["detail"] == "Only members of this space can see this."


def test_members_of_secret_space_is_404_for_non_members(client, secret_space, outsider):
    response = get(client, f"/api/v1/spaces/{secret_space.slug}/members", outsider)
    assert response.status_code == 404
    assert response.json() == {"detail": SPACE_NOT_FOUND, "field": None, "errors": []}


def test_members_pages_with_cursor(client, owner, space):
    for _ in range(3):
        add_member(space)
    first = get(client, f"/api/v1/spaces/{space.slug}/members?limit=3", owner).json()
    assert len(first["items"]) == 3
    second = get(
        client, f"/api/v1/spaces/{space.slug}/members?limit=3&cursor={first['next']}", owner
    ).json()
    assert len(second["items"]) == 1
    assert second["next"] is None


@pytest.mark.parametrize("rows", [1, 50])
def test_members_query_count_is_the_same_for_1_and_50(
    client, owner, space, django_assert_num_queries, rows
):
    team = DepartmentFactory(parent=DepartmentFactory())
    for _ in range(rows - 1):
        add_member(space, PersonFactory(department=team))
    auth = bearer(owner)
    client.get("/api/v1/people/me", **auth)
    with django_assert_num_queries(MEMBERS_QUERIES):
        response = client.get(f"/api/v1/spaces/{space.slug}/members?limit=100", **auth)
    assert len(response.json()["items"]) == rows


def test_requests_show_moderators_the_answers(client, owner, request_space, outsider):
    do_join_space(request_space, actor=outsider, answers=["Excel 1", "Pivots"])
    response = get(client, f"/api/v1/spaces/{request_space.slug}/requests", owner)
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["person"]["id"] == outsider.pk
    assert item["answers"] == [
        {"question": QUESTIONS[0], "answer": "Excel 1"},
        {"question": QUESTIONS[1], "answer": "Pivots"},
    ]


def test_requests_refused_for_members(client, request_space, outsider):
    member = add_member(request_space).person
    do_join_space(request_space, actor=outsider, answers=["Secret answer", "Pivots"])
    response = get(client, f"/api/v1/spaces/{request_space.slug}/requests", member)
    assert response.status_code == 403
    assert "Secret answer" not in response.content.decode()


def test_requests_refused_for_the_requester(client, request_space, outsider):
    do_join_space(request_space, actor=outsider, answers=["Mine", "Pivots"])
    response = get(client, f"/api/v1/spaces/{request_space.slug}/requests", outsider)
    assert response.status_code == 403


@pytest.mark.parametrize("rows", [1, 50])
def test_requests_query_count_is_the_same_for_1_and_50(
    client, owner, request_space, django_assert_num_queries, rows
):
    for _ in range(rows):
        do_join_space(request_space, actor=PersonFactory(), answers=["A", "B"])
    auth = bearer(owner)
    client.get("/api/v1/people/me", **auth)
    with django_assert_num_queries(REQUESTS_QUERIES):
        response = client.get(f"/api/v1/spaces/{request_space.slug}/requests?limit=100", **auth)
    assert len(response.json()["items"]) == rows


def pending(space: Space, count: int) -> list[Membership]:
    return [do_join_space(space, actor=PersonFactory(), answers=["A", "B"]) for _ in range(count)]


def test_approve_requests_in_bulk(client, owner, request_space):
    requests = pending(request_space, 2)
    response = post(
        client,
        f"/api/v1/spaces/{request_space.slug}/requests/approve",
        owner,
        {"ids": [m.pk for m in requests]},
    )
    assert response.status_code == 200
    assert [item["state"] for item in response.json()["items"]] == ["active", "active"]
    space = Space.objects.get(pk=request_space.pk)
    assert (space.member_count, space.pending_count) == (3, 0)


def test_decline_requests(client, owner, request_space):
    [request] = pending(request_space, 1)
    response = post(
        client,
        f"/api/v1/spaces/{request_space.slug}/requests/decline",
        owner,
        {"ids": [request.pk]},
    )
    assert response.status_code == 200
    assert Membership.objects.get(pk=request.pk).state == MembershipState.DECLINED


@pytest.mark.parametrize(
    ("ids", "status"),
    [
        ([], 422),
        (["one"], 422),
        ([0], 422),
        ("all", 422),
        ([999999], 404),
        ("already-decided", 409),
        ("mixed", 404),
    ],
)
def test_decide_requests_refuses_bad_ids_and_changes_nothing(
    client, owner, request_space, ids, status
):
    [request] = pending(request_space, 1)
    if ids == "already-decided":
        ids = [Membership.objects.get(space=request_space, person=owner).pk, request.pk]
    elif ids == "mixed":
        ids = [request.pk, 999999]
    before = snapshot(request_space)
    response = post(
        client, f"/api/v1/spaces/{request_space.slug}/requests/approve", owner, {"ids": ids}
    )
    assert response.status_code == status, response.content
    assert snapshot(request_space) == before


def test_decide_requests_refused_for_members(client, request_space):
    member = add_member(request_space).person
    [request] = pending(request_space, 1)
    response = post(
        client,
        f"/api/v1/spaces/{request_space.slug}/requests/approve",
        member,
        {"ids": [request.pk]},
    )
    assert response.status_code == 403
    assert Membership.objects.get(pk=request.pk).state == MembershipState.PENDING


def test_invite_people(client, owner, space):
    colleagues = PersonFactory.create_batch(2)
    response = post(
        client,
        f"/api/v1/spaces/{space.slug}/invite",
        owner,
        {"people": [person.pk for person in colleagues]},
    )
    assert response.status_code == 200
    assert {item["person"]["id"] for item in response.json()["items"]} == {
        person.pk for person in colleagues
    }
    assert Space.objects.get(pk=space.pk).member_count == 3


def test_invite_a_department_with_its_teams(client, owner, space):
    finance = DepartmentFactory(name="Finance")
    payroll = DepartmentFactory(name="Payroll", parent=finance)
    people = [PersonFactory(department=finance), PersonFactory(department=payroll)]
    PersonFactory(department=DepartmentFactory(name="Sales"))
    response = post(
        client, f"/api/v1/spaces/{space.slug}/invite", owner, {"department": finance.pk}
    )
    assert response.status_code == 200
    assert {item["person"]["id"] for item in response.json()["items"]} == {p.pk for p in people}


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({}, 422, "body"),
        ({"people": [1], "department": 1}, 422, "body"),
        ({"people": []}, 422, "people"),
        ({"people": ["amir"]}, 422, "people.0"),
        ({"people": [999999]}, 400, "people"),
        ({"department": 999999}, 400, "department"),
        ({"department": "Finance"}, 422, "department"),
    ],
)
def test_invite_refuses_bad_input_and_changes_nothing(client, owner, space, data, status, field):
    before = snapshot(space)
    response = post(client, f"/api/v1/spaces/{space.slug}/invite", owner, data)
    assert response.status_code == status, response.content
    body = response.json()
    if status == 422:
        assert field in [error["field"] for error in body["errors"]]
    else:
        assert body["field"] == field
    assert snapshot(space) == before


def test_invite_refused_for_members(client, space, member, outsider):
    before = snapshot(space)
    response = post(
        client, f"/api/v1/spaces/{space.slug}/invite", member, {"people": [outsider.pk]}
    )
    assert response.status_code == 403
    assert snapshot(space) == before


def test_remove_member(client, owner, space, member):
    membership = Membership.objects.get(space=space, person=member)
    response = post(client, f"/api/v1/spaces/{space.slug}/members/{membership.pk}/remove", owner)
    assert response.status_code == 200
    assert response.json()["state"] == "left"
    assert Space.objects.get(pk=space.pk).member_count == 1


def test_ban_member_who_then_cannot_join(client, owner, space, member):
    membership = Membership.objects.get(space=space, person=member)
    response = post(client, f"/api/v1/spaces/{space.slug}/members/{membership.pk}/ban", owner)
    assert response.status_code == 200
    assert response.json()["state"] == "banned"
    assert post(client, f"/api/v1/spaces/{space.slug}/join", member).status_code == 403
    assert get(client, f"/api/v1/spaces/{space.slug}/members", member).status_code == 403


def test_role_makes_a_member_moderator(client, owner, space, member):
    membership = Membership.objects.get(space=space, person=member)
    response = post(
        client,
        f"/api/v1/spaces/{space.slug}/members/{membership.pk}/role",
        owner,
        {"role": "moderator"},
    )
    assert response.status_code == 200
    assert response.json()["role"] == "moderator"
    assert Membership.objects.get(pk=membership.pk).role == Role.MODERATOR


@pytest.mark.parametrize("action", ["remove", "ban", "role"])
def test_member_actions_refused_for_members(client, space, member, action):
    other = add_member(space)
    before = snapshot(space)
    response = post(
        client,
        f"/api/v1/spaces/{space.slug}/members/{other.pk}/{action}",
        member,
        {"role": "owner"} if action == "role" else None,
    )
    assert response.status_code == 403
    assert snapshot(space) == before


@pytest.mark.parametrize("action", ["remove", "ban"])
def test_moderator_cannot_remove_or_ban_the_owner(client, owner, space, action):
    moderator = add_member(space, role=Role.MODERATOR).person
    ownership = Membership.objects.get(space=space, person=owner)
    before = snapshot(space)
    response = post(
        client, f"/api/v1/spaces/{space.slug}/members/{ownership.pk}/{action}", moderator
    )
    assert response.status_code == 403
    assert snapshot(space) == before


@pytest.mark.parametrize("membership_id", ["999999", "abc", "0", "99999999999999999999"])
@pytest.mark.parametrize("action", ["remove", "ban", "role"])
def test_member_actions_refuse_unknown_memberships(client, owner, space, action, membership_id):
    before = snapshot(space)
    response = post(
        client,
        f"/api/v1/spaces/{space.slug}/members/{membership_id}/{action}",
        owner,
        {"role": "member"} if action == "role" else None,
    )
    assert response.status_code == (404 if membership_id == "999999" else 422)
    assert snapshot(space) == before


def test_member_actions_cannot_reach_another_spaces_membership(client, owner, space):
    elsewhere = add_member(make_space(PersonFactory(), name="Elsewhere"))
    response = post(client, f"/api/v1/spaces/{space.slug}/members/{elsewhere.pk}/ban", owner)
    assert response.status_code == 404
    assert Membership.objects.get(pk=elsewhere.pk).state == MembershipState.ACTIVE


@pytest.mark.parametrize("data", [{"role": "admin"}, {"role": None}, {}, {"role": ["owner"]}])
def test_role_refuses_bad_roles(client, owner, space, member, data):
    membership = Membership.objects.get(space=space, person=member)
    response = post(
        client, f"/api/v1/spaces/{space.slug}/members/{membership.pk}/role", owner, data
    )
    assert response.status_code == 422
    assert Membership.objects.get(pk=membership.pk).role == Role.MEMBER


# --- A secret space is never revealed -----------------------------------------------------

SECRET_ENDPOINTS = [
    ("get", ""),
    ("patch", ""),
    ("post", "/status"),
    ("post", "/rules"),
    ("post", "/join"),
    ("post", "/leave"),
    ("post", "/rules/accept"),
    ("get", "/members"),
    ("get", "/requests"),
    ("post", "/requests/approve"),
    ("post", "/requests/decline"),
    ("post", "/invite"),
    ("post", "/members/1/remove"),
    ("post", "/members/1/ban"),
    ("post", "/members/1/role"),
]
VALID_BODIES = {
    "": {"name": "Taken over"},
    "/status": {"status": "archived"},
    "/rules": {"body": "New rules"},
    "/rules/accept": {"version": 1},
    "/requests/approve": {"ids": [1]},
    "/requests/decline": {"ids": [1]},
    "/invite": {"people": [1]},
    "/members/1/role": {"role": "owner"},
}


@pytest.mark.parametrize(("method", "suffix"), SECRET_ENDPOINTS)
def test_secret_space_is_404_on_every_endpoint_for_non_members(
    client, secret_space, outsider, method, suffix
):
    before = snapshot(secret_space)
    url = f"/api/v1/spaces/{secret_space.slug}{suffix}"
    body = json.dumps(VALID_BODIES.get(suffix, {})) if method != "get" else None
    call = getattr(client, method)
    if body is None:
        response = call(url, **bearer(outsider))
    else:
        response = call(url, body, content_type="application/json", **bearer(outsider))
    assert response.status_code == 404
    assert response.json() == {"detail": SPACE_NOT_FOUND, "field": None, "errors": []}
    assert "Leadership" not in response.content.decode()
    assert snapshot(secret_space) == before
