"""GET /healthz: ok when the database answers, 503 with the reason when it does not."""

import json

import pytest
from django.db import OperationalError, connection

from afterclass.core.tests.test_settings import clean_env, run_python


@pytest.mark.django_db
def test_healthz_reports_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_needs_no_sign_in_and_runs_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")

    assert response.status_code == 200


@pytest.mark.django_db
def test_healthz_refuses_other_methods(client):
    response = client.post("/healthz")

    assert response.status_code == 405


@pytest.mark.django_db
def test_healthz_answers_503_with_the_reason_when_the_query_fails(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", refuse)
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert "OperationalError" in body["database"]
    assert "Connection refused" in body["database"]


HEALTH_WITH_BROKEN_DATABASE = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


def test_healthz_answers_503_when_the_database_cannot_be_opened(tmp_path):
    # A real failure, no mocks: the SQLite file lives in a folder that does not exist.
    missing = tmp_path / "no-such-folder" / "afterclass.sqlite3"
    env = clean_env(AFTERCLASS_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{missing}")

    result = run_python(HEALTH_WITH_BROKEN_DATABASE, env, tmp_path)

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["body"]["status"] == "error"
    assert "unable to open database file" in answer["body"]["database"]
