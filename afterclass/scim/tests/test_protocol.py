"""/scim/v2 as a whole: discovery, the bearer token, rate limits, and bad input never a 500."""

import json

import pytest
from django.core.cache import cache

from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Person
from afterclass.people.tests.factories import DepartmentFactory
from afterclass.scim.actions import do_create_provisioning_token, do_revoke_provisioning_token
from afterclass.scim.models import ProvisioningToken

pytestmark = pytest.mark.django_db

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def test_service_provider_config(scim):
    response = scim.get("ServiceProviderConfig")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    assert body["patch"] == {"supported": True}
    assert body["filter"]["supported"] is True
    assert body["bulk"]["supported"] is False
    assert body["authenticationSchemes"][0]["type"] == "oauthbearertoken"


def test_resource_types(scim):
    body = scim.get("ResourceTypes").json()
    assert [r["id"] for r in body["Resources"]] == ["User", "Group"]
    user = scim.get("ResourceTypes/User").json()
    assert user["endpoint"] == "/Users"
    assert user["schemaExtensions"][0]["schema"].endswith("enterprise:2.0:User")
    assert scim.get("ResourceTypes/Device").status_code == 404


def test_schemas_publish_only_what_is_kept(scim):
    body = scim.get("Schemas").json()
    ids = [s["id"] for s in body["Resources"]]
    assert ids == [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:core:2.0:Group",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
    ]
    user = scim.get("Schemas/urn:ietf:params:scim:schemas:core:2.0:User").json()
    names = {a["name"]: a for a in user["attributes"]}
    assert set(names) == {"userName", "name", "displayName", "title", "active", "emails", "groups"}
    assert names["displayName"]["required"] is True
    assert names["groups"]["mutability"] == "readOnly"
    enterprise = body["Resources"][2]
    assert [a["name"] for a in enterprise["attributes"]] == ["department"]
    assert scim.get("Schemas/urn:nothing").status_code == 404


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer wrong", "Bearer acscim_wrong", "Basic dXNlcjpwYXNz", "Token x"],
)
def test_without_a_valid_token_is_401_with_a_scim_error(client, scim_token, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/scim/v2/Users", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["schemas"] == [ERROR]
    assert body["status"] == "401"
    assert "not valid" in body["detail"]


def test_a_personal_api_token_is_not_a_provisioning_token(client, scim_token, person):
    _, raw = do_create_access_token(person, "Mine", actor=person)
    response = client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


def test_a_revoked_token_is_refused(scim, scim_token):
    assert scim.get("Users").status_code == 200
    do_revoke_provisioning_token(scim_token, actor=None)
    response = scim.get("Users")
    assert response.status_code == 401
    assert response.json()["schemas"] == [ERROR]


def test_a_token_records_its_last_use(scim, scim_token):
    assert scim_token.last_used_at is None
    scim.get("Users")
    scim_token.refresh_from_db()
    assert scim_token.last_used_at is not None


def test_the_token_is_stored_hashed(scim_token):
    stored = ProvisioningToken.objects.get(pk=scim_token.pk)
    assert scim_token.raw not in {stored.token_hash, stored.prefix}
    assert scim_token.raw.startswith(stored.prefix)


def test_requests_are_rate_limited_per_token(scim, settings, client):
    settings.SCIM_RATE_LIMIT = "3/m/key"
    cache.clear()
    assert [scim.get("Users").status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = scim.get("Users")
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["status"] == "429"
    assert limited.json()["schemas"] == [ERROR]
    _, other = do_create_provisioning_token("Okta", actor=None)
    assert client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200


def test_refused_tokens_are_rate_limited_per_address(client, settings):
    settings.SCIM_REFUSED_RATE_LIMIT = "2/m/ip"
    cache.clear()
    codes = [
        client.get("/scim/v2/Users", HTTP_AUTHORIZATION="Bearer acscim_guess").status_code
        for _ in range(3)
    ]
    assert codes == [401, 401, 429]


def test_unknown_addresses_and_methods(scim):
    response = scim.get("Devices")
    assert response.status_code == 404
    assert response.json()["schemas"] == [ERROR]
    assert scim.delete("Users").status_code == 405
    assert scim.post("ServiceProviderConfig", {}).status_code == 405
    assert scim.post(".search", {}).status_code == 501


MALFORMED_BODIES = [
    "",
    "not json",
    "{",
    "[]",
    "null",
    "42",
    '"a string"',
    "\xff\xfe",
    json.dumps({"userName": 5}),
    json.dumps({"userName": ["a"]}),
    json.dumps({"userName": "a@example.org", "emails": "a@example.org"}),
    json.dumps({"userName": "a@example.org", "emails": [{"value": {"x": 1}}]}),
    json.dumps({"userName": "a@example.org", "active": "perhaps"}),
    json.dumps({"userName": "a@example.org", "name": "Ada"}),
    json.dumps({"userName": "a@example.org", "displayName": "x" * 500}),
    json.dumps({"userName": "x" * 1000 + "@example.org"}),
    json.dumps({"schemas": "nope", "userName": "a@example.org"}),
    json.dumps(
        {
            "userName": "a@example.org",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": 7,
        }
    ),
    json.dumps({"displayName": None, "members": "all"}),
    json.dumps({"displayName": "G", "members": [{"value": None}]}),
    json.dumps({"displayName": "G", "members": [7]}),
]
MALFORMED_PATCHES = [
    "{}",
    json.dumps({"Operations": "replace"}),
    json.dumps({"Operations": []}),
    json.dumps({"Operations": [None]}),
    json.dumps({"Operations": [{"op": "replace"}]}),
    json.dumps({"Operations": [{"op": "replace", "path": 7, "value": 1}]}),
    json.dumps({"Operations": [{"op": "add", "path": "members[value eq", "value": []}]}),
    json.dumps({"Operations": [{"op": "add", "value": "not an object"}]}),
    json.dumps({"Operations": [{"op": "remove", "path": "members", "value": "x"}]}),
    json.dumps(
        {"Operations": [{"op": "replace", "path": 'emails[type eq "work"].value', "value": 3}]}
    ),
]


@pytest.mark.parametrize("body", MALFORMED_BODIES)
@pytest.mark.parametrize("target", ["Users", "Groups"])
def test_malformed_bodies_are_400_never_500(scim, body, target):
    response = scim.post(target, body)
    assert response.status_code in {400, 409}, response.content
    error = response.json()
    assert error["schemas"] == [ERROR]
    assert error["status"] == str(response.status_code)
    assert Person.objects.count() == 0


@pytest.mark.parametrize("body", MALFORMED_BODIES + MALFORMED_PATCHES)
def test_malformed_replacements_and_patches_are_400_never_500(scim, body, person, admin):
    department = DepartmentFactory()
    for path in (f"Users/{person.pk}", f"Groups/{department.pk}"):
        for method in ("put", "patch"):
            response = getattr(scim, method)(path, body)
            assert 400 <= response.status_code < 500, (method, path, response.content)
            assert response.json()["schemas"] == [ERROR]
    person.refresh_from_db()
    assert person.is_active


def test_a_group_needs_a_name(scim):
    department = DepartmentFactory(name="Finance")
    body = {"Operations": [{"op": "replace", "path": "displayName", "value": ""}]}
    response = scim.patch(f"Groups/{department.pk}", body)
    assert response.status_code == 400
    department.refresh_from_db()
    assert department.name == "Finance"
