"""Provisioning and single sign-on together: a person the identity provider provisions by SCIM
signs in through its SAML sign-in (their account found by address, nothing made twice), and
when SCIM deactivates them their signed-in session ends at once, their API token is refused and
the next assertion too."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Person
from afterclass.scim.actions import do_create_provisioning_token
from afterclass.scim.tests.conftest import ScimClient
from afterclass.sso.tests.test_saml import refused, sign_in

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def client():
    return Client(HTTP_HOST="localhost")  # as in test_saml: python3-saml reads the Host header


def test_a_scim_person_signs_in_by_sso_and_scim_deactivation_ends_their_session(client, saml):
    _, raw = do_create_provisioning_token("Entra ID", actor=None)
    scim = ScimClient(Client(), raw)
    created = scim.post(
        "Users",
        {
            "schemas": [USER], "userName": "grace@northwind.example", "active": True,
            "displayName": "Grace Hopper", "emails": [{"value": "grace@northwind.example"}],
        },
    )  # fmt: skip
    assert created.status_code == 201, created.content
    person = Person.objects.get(pk=created.json()["id"])

    assert sign_in(client, saml, email="grace@northwind.example").status_code == 302
    assert int(client.session["_auth_user_id"]) == person.pk
    assert Person.objects.count() == 1
    assert client.get(reverse("my-sessions")).status_code == 200
    _, api_token = do_create_access_token(person, "Script", actor=person)
    api = Client()
    assert api.get("/api/v1/people/me", HTTP_AUTHORIZATION=f"Bearer {api_token}").status_code == 200

    answer = scim.patch(
        f"Users/{person.pk}",
        {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": "False"}]},
    )
    assert answer.status_code == 200, answer.content
    assert not Session.objects.exists()  # their session is gone from the store
    page = client.get(reverse("my-sessions"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_login"))

    assert api.get("/api/v1/people/me", HTTP_AUTHORIZATION=f"Bearer {api_token}").status_code == 401
    refused(sign_in(client, saml, email="grace@northwind.example"), "deactivated")
