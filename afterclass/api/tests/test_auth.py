"""API authentication: personal access tokens, the browser session with CSRF, and refusals."""

import pytest
from django.test import Client
from django.utils import timezone

from afterclass.api.api import NOT_SIGNED_IN
from afterclass.api.auth import CSRF_FAILED, UNKNOWN_BEARER
from afterclass.people.actions import (
    do_create_access_token,
    do_revoke_access_token,
    do_set_active,
)
from afterclass.people.models import AccessToken, Person
from afterclass.spaces.models import Space

pytestmark = pytest.mark.django_db

NEW_SPACE = {"name": "Excel tips", "purpose": "Share Excel tips.", "rules": "Be kind."}


def token_for(person: Person) -> str:
    _, raw = do_create_access_token(person, "tests", actor=person)
    return raw


def csrf_client(person: Person) -> tuple[Client, str]:
    """A browser-like client that enforces CSRF, signed in, holding the csrftoken cookie."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    client.get("/api/v1/docs")  # renders {{ csrf_token }}, so the cookie is set
    return client, client.cookies["csrftoken"].value


def test_api_refuses_anonymous_with_401_json(client):
    response = client.get("/api/v1/people/me")
    assert response.status_code == 401
    assert response.json() == {"detail": NOT_SIGNED_IN, "field": None, "errors": []}


def test_api_refuses_anonymous_post_with_401_not_csrf_403(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/spaces", NEW_SPACE, content_type="application/json")
    assert response.status_code == 401
    assert not Space.objects.exists()


def test_api_accepts_bearer_token(client, person):
    response = client.get("/api/v1/people/me", HTTP_AUTHORIZATION=f"Bearer {token_for(person)}")
    assert response.status_code == 200
    assert response.json()["email"] == person.email


def test_api_bearer_token_marks_token_used(client, person):
    raw = token_for(person)
    client.get("/api/v1/people/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert AccessToken.objects.get(person=person).last_used_at is not None


def test_api_bearer_post_needs_no_csrf(person):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/spaces",
        NEW_SPACE,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(person)}",
    )
    assert response.status_code == 201
    assert Space.objects.filter(slug="excel-tips").exists()


def test_api_refuses_revoked_token(client, person):
    raw = token_for(person)
    do_revoke_access_token(AccessToken.objects.get(person=person), actor=person)
    response = client.get("/api/v1/people/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert response.json() == {"detail": UNKNOWN_BEARER, "field": None, "errors": []}


def test_api_refuses_token_of_deactivated_person(client, person, admin):
    raw = token_for(person)
    do_set_active(person, False, actor=admin)
    response = client.get("/api/v1/people/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


def test_api_refuses_unrevoked_token_once_person_is_inactive(client, person):
    raw = token_for(person)
    Person.objects.filter(pk=person.pk).update(is_active=False)
    response = client.get("/api/v1/people/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer ", "Bearer not-a-token", "Bearer ac_guessed", "Basic dXNlcjpwYXNz", "ac_no_scheme"],
)
def test_api_refuses_malformed_authorization(client, person, header):
    response = client.get("/api/v1/people/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert "detail" in response.json()


def test_api_bad_bearer_is_refused_even_with_a_session(client, person):
    client.force_login(person)
    response = client.get("/api/v1/people/me", HTTP_AUTHORIZATION="Bearer ac_wrong")
    assert response.status_code == 401


def test_api_accepts_session_for_reads_without_csrf(person):
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    response = client.get("/api/v1/people/me")
    assert response.status_code == 200
    assert response.json()["id"] == person.pk


def test_api_session_post_without_csrf_is_refused_and_changes_nothing(person):
    client, _ = csrf_client(person)
    response = client.post("/api/v1/spaces", NEW_SPACE, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": CSRF_FAILED, "field": None, "errors": []}
    assert not Space.objects.exists()


def test_api_session_post_with_wrong_csrf_is_refused(person):
    client, _ = csrf_client(person)
    response = client.post(
        "/api/v1/spaces",
        NEW_SPACE,
        content_type="application/json",
        HTTP_X_CSRFTOKEN="x" * 32,
    )
    assert response.status_code == 403
    assert not Space.objects.exists()


def test_api_session_post_with_csrf_is_accepted(person):
    client, csrf = csrf_client(person)
    response = client.post(
        "/api/v1/spaces", NEW_SPACE, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 201
    assert Space.objects.filter(slug="excel-tips", created_by=person).exists()


def test_api_session_patch_without_csrf_is_refused(person):
    client, csrf = csrf_client(person)
    client.post("/api/v1/spaces", NEW_SPACE, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    response = client.patch(
        "/api/v1/spaces/excel-tips", {"name": "Changed"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Space.objects.get(slug="excel-tips").name == "Excel tips"


def test_api_refuses_session_of_deactivated_person(client, person):
    client.force_login(person)
    Person.objects.filter(pk=person.pk).update(is_active=False, deactivated_at=timezone.now())
    response = client.get("/api/v1/people/me")
    assert response.status_code == 401
    assert response.json() == {"detail": NOT_SIGNED_IN, "field": None, "errors": []}
