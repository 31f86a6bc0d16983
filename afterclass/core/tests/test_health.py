"""GET /healthz: liveness only — it answers without touching the database and says nothing."""

import json

import pytest

from afterclass.core.tests.test_settings import clean_env, run_python


@pytest.mark.django_db
def test_healthz_answers_ok_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_refuses_other_methods(client):
    response = client.post("/healthz")

    assert response.status_code == 405


HEALTH_WITH_BROKEN_DATABASE = """
import json, django
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


def test_healthz_stays_ok_when_the_database_cannot_be_opened(tmp_path):
    # A real failure, no mocks: the SQLite file lives in a folder that does not exist. The
    # process is alive, so the liveness probe must not get it restarted; /readyz says why not.
    missing = tmp_path / "no-such-folder" / "afterclass.sqlite3"
    env = clean_env(AFTERCLASS_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{missing}")

    result = run_python(HEALTH_WITH_BROKEN_DATABASE, env, tmp_path)

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer == {"status": 200, "body": {"status": "ok"}}
