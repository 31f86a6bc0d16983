"""People API for organisation admins: inviting people, deactivating and reactivating them,
through the same actions as Manage — allowed and refused callers, every bad input."""

import json

import pytest

from afterclass.people.actions import do_create_access_token
from afterclass.people.models import AccessToken, Invitation, Person
from afterclass.people.tests.factories import DepartmentFactory, LevelFactory, PersonFactory

pytestmark = pytest.mark.django_db


def bearer(person: Person) -> dict[str, str]:
    _, raw = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post_json(client, url, person, data=None):
    body = json.dumps(data if data is not None else {})
    return client.post(url, body, content_type="application/json", **bearer(person))


def assert_error(response, status, *, says=""):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "field", "errors"}
    assert says in body["detail"]
    return body


# --- invitations -----------------------------------------------------------------------------


def test_admin_invites_people_and_they_are_mailed(
    client, admin, mailoutbox, django_capture_on_commit_callbacks
):
    department = DepartmentFactory(name="Finance")
    level = LevelFactory(name="Manager")
    PersonFactory(email="has@example.org")
    people = [
        {"email": "New.One@Example.org", "name": "New One", "department": "finance"},
        {"email": "two@example.org", "level": "Manager"},
        {"email": "has@example.org"},
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(client, "/api/v1/invitations", admin, {"people": people})

    assert response.status_code == 201
    body = response.json()
    assert [item["email"] for item in body["sent"]] == ["new.one@example.org", "two@example.org"]
    assert body["sent"][0]["display_name"] == "New One"
    assert body["skipped"] == ["has@example.org"]
    first = Invitation.objects.get(email="new.one@example.org")
    assert (first.department, first.invited_by) == (department, admin)
    assert Invitation.objects.get(email="two@example.org").level == level
    assert sorted(message.to[0] for message in mailoutbox) == [
        "new.one@example.org",
        "two@example.org",
    ]


def test_inviting_again_replaces_the_unused_invitation(client, admin):
    post_json(client, "/api/v1/invitations", admin, {"people": [{"email": "a@example.org"}]})
    post_json(client, "/api/v1/invitations", admin, {"people": [{"email": "a@example.org"}]})

    invitations = Invitation.objects.filter(email="a@example.org")
    assert invitations.count() == 2
    assert invitations.filter(revoked_at__isnull=True).count() == 1


def test_invitations_are_refused_to_everyone_but_admins(client, person):
    response = post_json(client, "/api/v1/invitations", person, {"people": [{"email": "x@y.org"}]})

    assert_error(response, 403, says="Only organisation admins")
    assert not Invitation.objects.exists()
    anonymous = client.post(
        "/api/v1/invitations", json.dumps({"people": [{"email": "x@y.org"}]}), "application/json"
    )
    assert_error(anonymous, 401)


@pytest.mark.parametrize(
    ("people", "status", "field", "says"),
    [
        ([], 422, "people", ""),
        ([{"email": "not-an-address"}], 400, "emails", "“not-an-address” is not a valid e-mail"),
        ([{"email": "a@example.org"}, {"email": "b@"}], 400, "emails", "row 2"),
        ([{"email": "a@example.org", "department": "Nowhere"}], 400, "emails", "no department"),
        ([{"email": "a@example.org", "level": "Emperor"}], 400, "emails", "no level"),
        ([{"email": "a@example.org", "name": "x" * 121}], 422, "people.0.name", ""),
        ([{"email": "a\x00@example.org"}], 422, "people.0.email", "NUL"),
        ([{"email": "x" * 255}], 422, "people.0.email", ""),
        ([{"address": "a@example.org"}], 422, "people.0.email", ""),
        ([{"email": f"p{n}@example.org"} for n in range(501)], 422, "people", ""),
    ],
)
def test_invitations_refuse_bad_input_and_send_nothing(
    client, admin, mailoutbox, people, status, field, says
):
    response = post_json(client, "/api/v1/invitations", admin, {"people": people})

    body = assert_error(response, status, says=says)
    assert field in {body["field"]} | {error["field"] for error in body["errors"]}
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_invitations_refuse_a_missing_list(client, admin):
    body = assert_error(post_json(client, "/api/v1/invitations", admin, {}), 422)
    assert body["field"] == "people"


# --- deactivating and reactivating -----------------------------------------------------------


def test_admin_deactivates_and_reactivates_a_person(client, admin, person):
    do_create_access_token(person, "laptop", actor=person)

    gone = post_json(client, f"/api/v1/people/{person.pk}/deactivate", admin)

    assert gone.status_code == 200
    assert (gone.json()["id"], gone.json()["is_active"]) == (person.pk, False)
    person.refresh_from_db()
    assert not person.is_active
    assert not AccessToken.objects.filter(person=person, revoked_at__isnull=True).exists()
    back = post_json(client, f"/api/v1/people/{person.pk}/reactivate", admin)
    assert back.status_code == 200
    assert back.json()["is_active"] is True
    person.refresh_from_db()
    assert person.is_active


def test_deactivating_twice_or_reactivating_an_active_person_is_a_conflict(client, admin, person):
    post_json(client, f"/api/v1/people/{person.pk}/deactivate", admin)

    assert_error(post_json(client, f"/api/v1/people/{person.pk}/deactivate", admin), 409)
    post_json(client, f"/api/v1/people/{person.pk}/reactivate", admin)
    assert_error(post_json(client, f"/api/v1/people/{person.pk}/reactivate", admin), 409)


def test_an_admin_cannot_deactivate_themselves(client, admin):
    response = post_json(client, f"/api/v1/people/{admin.pk}/deactivate", admin)

    assert_error(response, 403, says="cannot deactivate yourself")
    admin.refresh_from_db()
    assert admin.is_active


@pytest.mark.parametrize("what", ["deactivate", "reactivate"])
def test_person_admin_is_refused_to_others_and_checks_the_id(client, admin, person, what):
    target = PersonFactory(is_active=what == "deactivate")
    url = f"/api/v1/people/{target.pk}/{what}"

    assert_error(post_json(client, url, person), 403, says="Only organisation admins")
    assert_error(client.post(url), 401)
    assert_error(post_json(client, f"/api/v1/people/999999/{what}", admin), 404)
    assert_error(post_json(client, f"/api/v1/people/0/{what}", admin), 422)
    target.refresh_from_db()
    assert target.is_active is (what == "deactivate")


def test_a_deactivated_person_token_no_longer_works(client, admin, person):
    headers = bearer(person)
    post_json(client, f"/api/v1/people/{person.pk}/deactivate", admin)

    assert client.get("/api/v1/people/me", **headers).status_code == 401
