"""Error pages and API errors render with the database unreachable: the request is served on a
fresh connection pointed at a closed port (PostgreSQL) or a file in a missing folder (SQLite)."""

import copy
import html
import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, IntegrityError, OperationalError, connections
from django.db.utils import load_backend
from django.test import Client, RequestFactory
from django.urls import reverse

from afterclass.api.api import unexpected_error
from afterclass.core.errors import DATABASE_UNAVAILABLE, SERVER_ERROR
from afterclass.people.actions.tokens import TOKEN_PREFIX
from afterclass.people.models import Organisation
from afterclass.people.views.errors import server_error

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def unreachable_database(tmp_path: Path) -> Iterator[None]:
    """For the duration, this thread's default connection is one that cannot connect."""
    real = connections[DEFAULT_DB_ALIAS]
    settings_dict = copy.deepcopy(real.settings_dict)
    # Django keeps one pool per alias: this connection must not borrow the real one's.
    settings_dict["OPTIONS"].pop("pool", None)
    if real.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "missing-folder" / "afterclass.sqlite3")
    else:
        settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    backend = load_backend(settings_dict["ENGINE"])
    unreachable = backend.DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = unreachable
    try:
        yield
    finally:
        unreachable.close()
        connections[DEFAULT_DB_ALIAS] = real


@pytest.fixture
def signed_in_client(person) -> Client:
    # Signed in while the database answers; the session is read back from it on each request.
    client = Client(raise_request_exception=False)
    client.force_login(person)
    return client


def test_unreachable_database_really_fails(tmp_path):
    with unreachable_database(tmp_path), pytest.raises(OperationalError):
        Organisation.objects.first()


def test_page_without_the_database_shows_the_error_page(signed_in_client, tmp_path):
    with unreachable_database(tmp_path):
        response = signed_in_client.get(reverse("space-directory"))

    body = response.content.decode()
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "<h1>Afterclass is unavailable</h1>" in body
    assert html.escape(DATABASE_UNAVAILABLE) in body
    assert "afterclass/afterclass.css" in body


def test_not_found_page_without_the_database_shows_the_plain_page(signed_in_client, tmp_path):
    with unreachable_database(tmp_path):
        response = signed_in_client.get("/no-such-page/")

    body = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in body
    assert "There is nothing here, or you cannot see it." in body


def test_api_without_the_database_answers_json_503(tmp_path):
    client = Client(raise_request_exception=False)

    with unreachable_database(tmp_path):
        response = client.get(
            "/api/v1/people/me", HTTP_AUTHORIZATION=f"Bearer {TOKEN_PREFIX}some-token"
        )

    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": DATABASE_UNAVAILABLE, "field": None, "errors": []}


def test_api_session_request_without_the_database_answers_json_503(signed_in_client, tmp_path):
    with unreachable_database(tmp_path):
        response = signed_in_client.get("/api/v1/people/me")

    assert response.status_code == 503
    assert response.json() == {"detail": DATABASE_UNAVAILABLE, "field": None, "errors": []}


def test_server_error_page_names_the_organisation_when_the_database_answers(rf: RequestFactory):
    Organisation.objects.update_or_create(pk=1, defaults={"name": "Northwind"})
    try:
        raise ValueError("a bug")  # the page is rendered while handling an error
    except ValueError:
        response = server_error(rf.get("/spaces/"))

    body = response.content.decode()
    assert response.status_code == 500
    assert "<title>Something went wrong · Northwind</title>" in body
    assert html.escape(SERVER_ERROR) in body


def test_server_error_under_api_is_json(rf: RequestFactory):
    try:
        raise IntegrityError("a constraint")
    except IntegrityError:
        response = server_error(rf.get("/api/v1/spaces"))

    assert response.status_code == 500
    assert json.loads(response.content) == {"detail": SERVER_ERROR, "field": None, "errors": []}


def test_server_error_under_api_without_the_database_is_json_503(rf: RequestFactory):
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(rf.post("/api/v1/spaces"))

    assert response.status_code == 503
    assert json.loads(response.content) == {
        "detail": DATABASE_UNAVAILABLE,
        "field": None,
        "errors": [],
    }


def test_api_unexpected_error_is_json_500_and_logged(rf: RequestFactory, caplog):
    response = unexpected_error(rf.get("/api/v1/spaces"), RuntimeError("a bug"))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert b"tell an administrator" in response.content
    assert any(record.exc_info for record in caplog.records if record.name == "afterclass.api.api")
