"""/scim/v2/Users: create, read, filter, page, replace, patch (with Entra ID's and Okta's
quirks), delete; and what deactivating does to a person."""

import pytest
from allauth.account.models import EmailAddress
from allauth.account.utils import filter_users_by_email
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from afterclass.audit.models import AuditEntry
from afterclass.people.actions import do_create_access_token, person_for_token
from afterclass.people.models import Department, Person
from afterclass.people.tests.factories import DepartmentFactory, PersonFactory
from afterclass.posts.models import Post
from afterclass.posts.tests.factories import make_post
from afterclass.scim.models import ProvisionedPerson
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def entra_user(**overrides):
    """A POST /Users as Entra ID sends it (its default attribute mappings)."""
    body = {
        "schemas": [USER, ENTERPRISE],
        "externalId": "0a21f0f2-8d2a-4f8e-bf98-7e2b3f4b1d11",
        "userName": "Ada.Lovelace@example.org",
        "active": True,
        "displayName": "Ada Lovelace",
        "title": "Analyst",
        "emails": [{"primary": True, "type": "work", "value": "Ada.Lovelace@example.org"}],
        "name": {"formatted": "Ada Lovelace", "familyName": "Lovelace", "givenName": "Ada"},
        ENTERPRISE: {"department": "Research", "manager": "123"},
    }
    body.update(overrides)
    return body


def patch(*operations):
    return {"schemas": [PATCH], "Operations": list(operations)}


def create(scim, **overrides):
    response = scim.post("Users", entra_user(**overrides))
    assert response.status_code == 201, response.content
    return response.json()


def test_create_user_makes_a_person_without_a_password(scim, scim_token):
    body = create(scim)
    person = Person.objects.get(pk=body["id"])
    assert person.email == "ada.lovelace@example.org"
    assert person.display_name == "Ada Lovelace"
    assert person.job_title == "Analyst"
    assert person.department.name == "Research"
    assert person.is_active
    assert not person.has_usable_password()
    assert body["userName"] == "Ada.Lovelace@example.org"
    assert body["externalId"] == "0a21f0f2-8d2a-4f8e-bf98-7e2b3f4b1d11"
    assert body["name"] == {"givenName": "Ada", "familyName": "Lovelace"}
    assert body[ENTERPRISE] == {"department": "Research"}  # manager is ignored
    assert body["groups"][0]["display"] == "Research"
    assert body["meta"]["location"].endswith(f"/scim/v2/Users/{person.pk}")
    entries = AuditEntry.objects.filter(target_id=person.pk, target_type="people.person")
    assert {"person.create", "scim.person.create"} <= set(entries.values_list("action", flat=True))
    assert entries.get(action="scim.person.create").data == {"scim_token": scim_token.pk}
    assert entries.get(action="scim.person.create").actor_id is None


def test_create_user_matches_an_existing_department_by_name(scim):
    department = DepartmentFactory(name="Research")
    create(scim)
    assert Person.objects.get(email="ada.lovelace@example.org").department == department
    assert Department.objects.filter(name__iexact="research").count() == 1


def test_create_user_inactive_is_deactivated(scim):
    body = create(scim, active="False")
    assert body["active"] is False
    assert not Person.objects.get(pk=body["id"]).is_active


def test_create_user_without_emails_uses_a_username_that_is_an_address(scim):
    body = create(scim, emails=None, userName="grace@example.org", displayName=None)
    person = Person.objects.get(pk=body["id"])
    assert person.email == "grace@example.org"
    assert person.display_name == "Ada Lovelace"  # from name.formatted


def test_create_user_without_any_address_is_refused(scim):
    response = scim.post("Users", entra_user(emails=None, userName="ada"))
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidValue"
    assert "e-mail address" in response.json()["detail"]
    assert not Person.objects.filter(display_name="Ada Lovelace").exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"userName": "ada.lovelace@example.org"},  # the same userName in another case
        {"userName": "other", "emails": [{"value": "ADA.LOVELACE@example.org"}]},
        {"userName": "other", "externalId": "0a21f0f2-8d2a-4f8e-bf98-7e2b3f4b1d11"},
    ],
)
def test_create_user_twice_is_a_uniqueness_conflict(scim, overrides):
    create(scim)
    response = scim.post("Users", entra_user(**overrides))
    assert response.status_code == 409
    assert response.json()["scimType"] == "uniqueness"
    assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


def test_create_user_with_the_address_of_someone_not_provisioned_conflicts(scim):
    PersonFactory(email="ada.lovelace@example.org")
    response = scim.post("Users", entra_user())
    assert response.status_code == 409


def test_existing_people_are_listed_with_their_address_as_username(scim, person):
    response = scim.get(f'Users?filter=userName eq "{person.email.upper()}"')
    assert response.status_code == 200
    body = response.json()
    assert body["totalResults"] == 1
    found = body["Resources"][0]
    assert found["id"] == str(person.pk)
    assert found["userName"] == person.email
    assert "externalId" not in found


def test_a_patch_links_an_existing_person(scim, person):
    response = scim.patch(
        f"Users/{person.pk}",
        patch({"op": "add", "path": "externalId", "value": "ext-1"}),
    )
    assert response.status_code == 200, response.content
    assert response.json()["externalId"] == "ext-1"
    assert ProvisionedPerson.objects.get(person=person).user_name == person.email


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('userName eq "ada.lovelace@example.org"', ["Ada Lovelace"]),
        ('externalId eq "ext-grace"', ["Grace Hopper"]),
        ('externalId eq "EXT-GRACE"', []),  # externalId is case-exact
        ('displayName eq "grace hopper"', ["Grace Hopper"]),
        ('emails.value eq "grace@example.org"', ["Grace Hopper"]),
        ('emails[value eq "grace@example.org"]', ["Grace Hopper"]),
        ('userName sw "ada"', ["Ada Lovelace"]),
        ("active eq false", ["Grace Hopper"]),
        (
            'displayName eq "Ada Lovelace" or displayName eq "Grace Hopper"',
            ["Ada Lovelace", "Grace Hopper"],
        ),
        ('displayName eq "Ada Lovelace" and active eq false', []),
        ('not (displayName eq "Ada Lovelace")', ["Grace Hopper"]),
        (f'{ENTERPRISE}:department eq "Research"', ["Ada Lovelace"]),
        ("externalId pr", ["Ada Lovelace", "Grace Hopper"]),
        ('userName eq "nobody"', []),
    ],
)
def test_users_filter(scim, query, expected):
    create(scim)
    create(
        scim,
        userName="grace",
        externalId="ext-grace",
        displayName="Grace Hopper",
        emails=[{"value": "grace@example.org"}],
        active=False,
        **{ENTERPRISE: {"department": "Navy"}},
    )
    response = scim.client.get("/scim/v2/Users", {"filter": query}, **scim.headers)
    assert response.status_code == 200, response.content
    names = sorted(user["displayName"] for user in response.json()["Resources"])
    assert names == expected


@pytest.mark.parametrize(
    "query",
    ["userName eq", 'nickName eq "x"', 'userName gt "a"', "((", 'urn:x:y:z:Foo eq "1"'],
)
def test_users_bad_filter_is_invalid_filter(scim, query):
    response = scim.client.get("/scim/v2/Users", {"filter": query}, **scim.headers)
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidFilter"


def test_users_pagination(scim):
    PersonFactory.create_batch(5)
    first = scim.client.get("/scim/v2/Users", {"startIndex": 1, "count": 2}, **scim.headers)
    second = scim.client.get("/scim/v2/Users", {"startIndex": 3, "count": 2}, **scim.headers)
    last = scim.client.get("/scim/v2/Users", {"startIndex": 5, "count": 2}, **scim.headers)
    ids = [user["id"] for page in (first, second, last) for user in page.json()["Resources"]]
    assert first.json()["totalResults"] == 5
    assert first.json()["itemsPerPage"] == 2
    assert first.json()["startIndex"] == 1
    assert len(ids) == 5
    assert len(set(ids)) == 5
    assert last.json()["itemsPerPage"] == 1
    counted = scim.client.get("/scim/v2/Users", {"count": 0}, **scim.headers).json()
    assert counted["totalResults"] == 5
    assert counted["Resources"] == []


@pytest.mark.parametrize("bad", [{"startIndex": "x"}, {"count": "many"}])
def test_users_pagination_refuses_words(scim, bad):
    response = scim.client.get("/scim/v2/Users", bad, **scim.headers)
    assert response.status_code == 400


def test_users_list_query_count_stays_flat(scim):
    PersonFactory()
    scim.get("Users")  # the token's first use of the minute is written once
    with CaptureQueriesContext(connection) as one:
        scim.get("Users")
    PersonFactory.create_batch(30)
    with CaptureQueriesContext(connection) as many:
        scim.get("Users")
    assert len(many) == len(one)


def test_users_attributes_and_excluded_attributes(scim):
    body = create(scim)
    only = scim.client.get(
        f"/scim/v2/Users/{body['id']}", {"attributes": "userName"}, **scim.headers
    ).json()
    assert set(only) == {"schemas", "id", "meta", "userName"}
    without = scim.client.get(
        f"/scim/v2/Users/{body['id']}", {"excludedAttributes": "emails,groups"}, **scim.headers
    ).json()
    assert "emails" not in without
    assert "groups" not in without
    assert without["userName"] == "Ada.Lovelace@example.org"


def test_put_replaces_the_person(scim):
    body = create(scim)
    replaced = entra_user(
        userName="ada@example.org",
        displayName="Ada King",
        title="Countess",
        emails=[{"value": "ada@example.org", "type": "work", "primary": True}],
        **{ENTERPRISE: {"department": "Mathematics"}},
    )
    response = scim.put(f"Users/{body['id']}", replaced)
    assert response.status_code == 200, response.content
    person = Person.objects.get(pk=body["id"])
    assert (person.email, person.display_name, person.job_title, person.department.name) == (
        "ada@example.org",
        "Ada King",
        "Countess",
        "Mathematics",
    )
    assert response.json()["userName"] == "ada@example.org"


def test_patch_entra_string_boolean_deactivates_and_reactivates(scim):
    body = create(scim)
    response = scim.patch(
        f"Users/{body['id']}", patch({"op": "Replace", "path": "active", "value": "False"})
    )
    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    assert not Person.objects.get(pk=body["id"]).is_active
    response = scim.patch(
        f"Users/{body['id']}", patch({"op": "Replace", "path": "active", "value": "True"})
    )
    assert response.json()["active"] is True
    assert Person.objects.get(pk=body["id"]).is_active


def test_patch_okta_value_object_without_path(scim):
    body = create(scim)
    response = scim.patch(
        f"Users/{body['id']}",
        patch({"op": "replace", "value": {"id": body["id"], "active": False, "title": "Lead"}}),
    )
    assert response.status_code == 200, response.content
    person = Person.objects.get(pk=body["id"])
    assert not person.is_active
    assert person.job_title == "Lead"


def test_patch_entra_paths(scim):
    body = create(scim)
    response = scim.patch(
        f"Users/{body['id']}",
        patch(
            {"op": "Replace", "path": "displayName", "value": "Ada K."},
            {"op": "Replace", "path": "name.givenName", "value": "Augusta"},
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ak@example.org"},
            {"op": "Add", "path": f"{ENTERPRISE}:department", "value": "Engines"},
            {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": "42"},
            {"op": "Remove", "path": "title"},
        ),
    )
    assert response.status_code == 200, response.content
    person = Person.objects.get(pk=body["id"])
    assert person.display_name == "Ada K."
    assert person.email == "ak@example.org"
    assert person.department.name == "Engines"
    assert person.job_title == ""
    assert response.json()["name"]["givenName"] == "Augusta"
    assert "manager" not in response.json()[ENTERPRISE]


def test_patch_value_object_with_flattened_enterprise_keys(scim):
    body = create(scim)
    response = scim.patch(
        f"Users/{body['id']}",
        patch({"op": "add", "value": {f"{ENTERPRISE}:department": "Looms"}}),
    )
    assert response.status_code == 200, response.content
    assert Person.objects.get(pk=body["id"]).department.name == "Looms"


def test_patch_remove_active_is_refused(scim):
    body = create(scim)
    response = scim.patch(f"Users/{body['id']}", patch({"op": "remove", "path": "active"}))
    assert response.status_code == 400
    assert response.json()["scimType"] == "mutability"
    assert Person.objects.get(pk=body["id"]).is_active


@pytest.mark.parametrize(
    ("operation", "scim_type"),
    [
        ({"op": "replace", "path": "nonexistent", "value": "x"}, "invalidPath"),
        ({"op": "bogus", "path": "title", "value": "x"}, "invalidValue"),
        ({"op": "replace", "path": "userName", "value": None}, "mutability"),
        ({"op": "replace", "path": "title[[", "value": "x"}, "invalidPath"),
        ({"op": "replace", "path": "active", "value": "maybe"}, "invalidValue"),
        (
            {"op": "replace", "path": "emails", "value": [{"value": "not-an-address"}]},
            "invalidValue",
        ),
    ],
)
def test_patch_bad_operations_are_scim_errors(scim, operation, scim_type):
    body = create(scim)
    response = scim.patch(f"Users/{body['id']}", patch(operation))
    assert response.status_code == 400, response.content
    assert response.json()["scimType"] == scim_type


def test_delete_deactivates_at_once_and_keeps_the_content(scim, client):
    body = create(scim)
    person = Person.objects.get(pk=body["id"])
    person.set_password("a-password-for-the-test")
    person.save(update_fields=["password"])
    space = make_space(name="Retrospectives")
    add_member(space, person)
    post = make_post(space, person)
    _, api_token = do_create_access_token(person, "Script", actor=person)
    client.force_login(person)
    assert Session.objects.filter(session_key=client.session.session_key).exists()
    other = PersonFactory()
    other_client = type(client)()
    other_client.force_login(other)

    response = scim.delete(f"Users/{person.pk}")

    assert response.status_code == 204
    person.refresh_from_db()
    assert not person.is_active
    assert person.deactivated_at is not None
    sessions = [s.get_decoded().get(SESSION_KEY) for s in Session.objects.all()]
    assert str(person.pk) not in sessions
    assert str(other.pk) in sessions  # others stay signed in
    assert person_for_token(api_token) is None
    assert (
        client.get("/api/v1/people/me", HTTP_AUTHORIZATION=f"Bearer {api_token}").status_code == 401
    )
    assert client.get("/people/")["Location"].startswith("/accounts/login/")  # signed out
    assert Post.objects.filter(pk=post.pk, author=person).exists()
    assert scim.get(f"Users/{person.pk}").status_code == 404
    assert (
        scim.client.get(
            "/scim/v2/Users", {"filter": 'userName eq "Ada.Lovelace@example.org"'}, **scim.headers
        ).json()["totalResults"]
        == 0
    )
    assert AuditEntry.objects.filter(action="person.deactivate", target_id=person.pk).exists()


def test_deleted_user_sent_again_comes_back_with_their_content(scim):
    body = create(scim)
    scim.delete(f"Users/{body['id']}")
    again = create(scim, displayName="Ada Lovelace-King")
    assert again["id"] == body["id"]
    person = Person.objects.get(pk=body["id"])
    assert person.is_active
    assert person.display_name == "Ada Lovelace-King"


def test_deactivation_by_active_false_ends_sessions_and_tokens(scim, client):
    body = create(scim)
    person = Person.objects.get(pk=body["id"])
    _, api_token = do_create_access_token(person, "Script", actor=person)
    client.force_login(person)
    scim.patch(f"Users/{person.pk}", patch({"op": "replace", "value": {"active": "False"}}))
    assert client.get("/people/")["Location"].startswith("/accounts/login/")
    assert person_for_token(api_token) is None
    assert scim.get(f"Users/{person.pk}").json()["active"] is False  # still a SCIM User
    scim.patch(f"Users/{person.pk}", patch({"op": "replace", "value": {"active": True}}))
    person.refresh_from_db()
    assert person.is_active
    client.force_login(person)
    assert client.get("/people/").status_code == 200


def test_unknown_user_is_404(scim):
    for path in ("Users/999999", "Users/abc", "Users/99999999999999999999999"):
        response = scim.get(path)
        assert response.status_code == 404
        assert response.json()["status"] == "404"


def test_a_provisioned_person_can_choose_a_password_until_single_sign_on(scim, client):
    create(scim)
    response = client.post("/accounts/password/reset/", {"email": "ada.lovelace@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada.lovelace@example.org"]


def test_an_address_change_leaves_no_old_allauth_address_behind(scim):
    body = create(scim)
    person = Person.objects.get(pk=body["id"])
    # What allauth kept when they signed in (by their provider, or a password set by an admin).
    EmailAddress.objects.create(user=person, email=person.email, primary=True, verified=True)
    response = scim.patch(
        f"Users/{body['id']}",
        patch(
            {"op": "replace", "path": 'emails[type eq "work"].value', "value": "ada@example.org"}
        ),
    )
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert person.email == "ada@example.org"
    assert list(
        EmailAddress.objects.filter(user=person).values_list("email", "primary", "verified")
    ) == [("ada@example.org", True, True)]
    # allauth finds people by these for password sign-in and resets: the old one is nobody's.
    assert filter_users_by_email("ada.lovelace@example.org") == []
    assert filter_users_by_email("ada@example.org") == [person]


def test_an_address_change_of_someone_allauth_keeps_nothing_for_adds_nothing(scim):
    body = create(scim)
    scim.put(
        f"Users/{body['id']}",
        entra_user(
            userName="ada@example.org", emails=[{"value": "ada@example.org", "primary": True}]
        ),
    )
    assert Person.objects.get(pk=body["id"]).email == "ada@example.org"
    assert not EmailAddress.objects.exists()
