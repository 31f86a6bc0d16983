"""The bench-only bare view: it exists only with AFTERCLASS_BENCH set, and then answers with
the bytes the benchmark saved."""

import pytest

from afterclass.core.bare_view import FOLDER
from afterclass.core.tests.test_settings import clean_env, run_python

SAVED = b"<!doctype html><title>Saved page</title>"


@pytest.mark.django_db
def test_bare_view_does_not_exist_without_bench_mode(client, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    (tmp_path / FOLDER).mkdir()
    (tmp_path / FOLDER / "feed.html").write_bytes(SAVED)

    response = client.get("/bench/bare/feed.html")

    assert not settings.AFTERCLASS_BENCH
    assert response.status_code == 404
    assert SAVED not in response.content


BARE_REQUESTS = """
import django
django.setup()
from django.test import Client
client = Client()
saved = client.get("/bench/bare/feed.html")
print(saved.status_code, saved["Content-Type"], saved.content.decode())
api = client.get("/bench/bare/api-feed.json")
print(api.status_code, api["Content-Type"])
"""


def test_bare_view_in_bench_mode_answers_with_the_saved_bytes(tmp_path):
    (tmp_path / FOLDER).mkdir()
    (tmp_path / FOLDER / "feed.html").write_bytes(SAVED)
    (tmp_path / FOLDER / "api-feed.json").write_bytes(b'{"items": []}')

    result = run_python(
        BARE_REQUESTS, clean_env(AFTERCLASS_BENCH="1", AFTERCLASS_DATA_DIR=str(tmp_path)), tmp_path
    )

    assert result.returncode == 0, result.stderr
    page, api = result.stdout.strip().splitlines()[-2:]
    assert page == f"200 text/html; charset=utf-8 {SAVED.decode()}"
    assert api == "200 application/json; charset=utf-8"
