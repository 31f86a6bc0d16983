"""Every error the API answers has one shape — `{"detail", "field", "errors"}` — whatever
raised it: a domain rule, a schema error, a missing address, authentication; and the OpenAPI
document says so for every operation."""

import json

import pytest

from afterclass.api.api import api
from afterclass.people.actions import do_create_access_token

pytestmark = pytest.mark.django_db

SHAPE = {"detail", "field", "errors"}


def bearer(person):
    _, raw = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_unknown_api_address_is_a_json_404(client, person):
    response = client.get("/api/v1/no-such-thing", **bearer(person))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == SHAPE


def test_schema_error_has_the_shape_with_every_field(client, person):
    response = client.post(
        "/api/v1/spaces",
        json.dumps({"name": "x" * 81, "surprise": 1}),
        content_type="application/json",
        **bearer(person),
    )

    body = response.json()
    assert response.status_code == 422
    assert set(body) == SHAPE
    fields = [error["field"] for error in body["errors"]]
    assert "name" in fields
    assert "surprise" in fields
    assert body["field"] == fields[0]
    assert all(set(error) == {"field", "message", "type"} for error in body["errors"])


def test_bad_query_parameter_has_the_shape(client, person):
    response = client.get("/api/v1/people", {"limit": "many"}, **bearer(person))

    assert response.status_code == 422
    assert response.json()["field"] == "limit"


def test_a_rule_with_a_field_names_it_in_both_places(client, admin):
    survey = {
        "title": "T",
        "audience": "departments",
        "questions": [{"text": "Why?", "kind": "text"}],
    }
    response = client.post(
        "/api/v1/surveys", json.dumps(survey), content_type="application/json", **bearer(admin)
    )

    body = response.json()
    assert response.status_code == 400
    assert set(body) == SHAPE
    assert body["field"] == "departments"
    assert body["errors"] == [
        {"field": "departments", "message": body["detail"], "type": "invalid"}
    ]


def test_a_rule_without_a_field_has_none(client, person):
    response = client.get("/api/v1/spaces/nowhere", **bearer(person))

    assert response.status_code == 404
    assert response.json()["field"] is None
    assert response.json()["errors"] == []


def test_not_signed_in_has_the_shape(client):
    response = client.get("/api/v1/people/me")

    assert response.status_code == 401
    assert set(response.json()) == SHAPE


def test_openapi_documents_one_error_schema_for_every_error(client):
    document = client.get("/api/v1/openapi.json").json()
    schema = document["components"]["schemas"]["ErrorOut"]
    assert set(schema["properties"]) == SHAPE
    assert set(schema["required"]) == SHAPE
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/ErrorOut", f"{method} {path} {status}"


def test_openapi_document_is_built_once_per_process(client):
    first = client.get("/api/v1/openapi.json").json()
    built = api.get_openapi_schema(path_prefix="/api/v1/")

    assert api.get_openapi_schema(path_prefix="/api/v1/") is built
    assert client.get("/api/v1/openapi.json").json() == first


def test_a_method_an_address_does_not_take_has_the_shape(client, person):
    response = client.delete("/api/v1/people/me", **bearer(person))

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {
        "detail": "This address does not take DELETE; it takes GET.",
        "field": None,
        "errors": [],
    }
