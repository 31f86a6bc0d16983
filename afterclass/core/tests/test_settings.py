"""Settings from the environment: the embedded default and production mode, each in a fresh
process, since settings are read once at start-up."""

import json
import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest

# Variables that change what settings.py does; each test states the ones it wants.
SETTINGS_VARIABLES = (
    "SECRET_KEY", "DATABASE_URL", "TEST_DATABASE_NAME", "REDIS_URL", "ALLOWED_HOSTS", "DEBUG",
    "CSRF_TRUSTED_ORIGINS", "SITE_URL", "AFTERCLASS_DATA_DIR", "AFTERCLASS_MEDIA_DIR",
    "AFTERCLASS_HTTPS", "AFTERCLASS_SSL_REDIRECT", "EMAIL_HOST", "EMAIL_PORT",
    "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS", "PORT", "WEB_CONCURRENCY",
    "AFTERCLASS_BENCH", "AFTERCLASS_DB_POOL", "AFTERCLASS_DB_POOL_SIZE",
)  # fmt: skip


def clean_env(**variables: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env["DJANGO_SETTINGS_MODULE"] = "afterclass.settings"
    env.update(variables)
    return env


def production_env(data_dir: Path, **variables: str) -> dict[str, str]:
    return clean_env(
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="example.org",
        AFTERCLASS_DATA_DIR=str(data_dir),
        **variables,
    )


def run_python(code: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter running our own code
        [sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


def settings_of(env: dict[str, str], cwd: Path, *names: str) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    result = run_python(code, env, cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_settings_embedded_secret_key_is_generated_once_and_reused(tmp_path):
    env = clean_env(AFTERCLASS_DATA_DIR=str(tmp_path))

    first = settings_of(env, tmp_path, "SECRET_KEY")["SECRET_KEY"]
    second = settings_of(env, tmp_path, "SECRET_KEY")["SECRET_KEY"]

    key_file = tmp_path / "secret_key"
    assert first == second == key_file.read_text().strip()
    assert len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert sorted(path.name for path in tmp_path.iterdir() if "secret" in path.name) == [
        "secret_key"
    ]


def test_settings_embedded_default_keeps_everything_in_var(tmp_path):
    found = settings_of(clean_env(), tmp_path, "DATABASES", "MEDIA_ROOT", "PRODUCTION", "DEBUG")

    var = tmp_path / "var"
    database = found["DATABASES"]["default"]
    # Django's SQLite backend with a pool of connections (afterclass.core.sqlite_pool).
    assert database["ENGINE"] == "afterclass.core.sqlite_pool"
    assert database["NAME"] == str(var / "afterclass.sqlite3")
    assert found["MEDIA_ROOT"] == str(var / "media")
    assert (var / "secret_key").exists()
    assert found["PRODUCTION"] is False
    assert found["DEBUG"] is False


def test_settings_db_pool_can_be_turned_off(tmp_path):
    found = settings_of(clean_env(AFTERCLASS_DB_POOL="0"), tmp_path, "DATABASES")

    database = found["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


WAL_CHECK = """
import sqlite3, django
django.setup()
from django.db import connection, transaction
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    print(cursor.fetchone()[0])
    cursor.execute("PRAGMA foreign_keys")
    print(cursor.fetchone()[0])
print(connection.transaction_mode)
with transaction.atomic():
    # BEGIN IMMEDIATE takes the write lock at once: a second writer cannot start, even
    # though this transaction has not written anything yet.
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        print("second writer started")
    except sqlite3.OperationalError as error:
        print(error)
"""


def test_settings_embedded_sqlite_uses_wal_and_immediate_transactions(tmp_path):
    result = run_python(WAL_CHECK, clean_env(AFTERCLASS_DATA_DIR=str(tmp_path)), tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:4] == ["wal", "1", "IMMEDIATE", "database is locked"]
    # WAL is a property of the database file (header bytes 18-19 are 2), not just of one
    # connection: every later connection uses it too.
    header = (tmp_path / "afterclass.sqlite3").read_bytes()[:100]
    assert header[18:20] == bytes([2, 2])


def test_settings_database_url_selects_postgresql(tmp_path):
    url = "postgres://afterclass:pw@db.internal:5432/afterclass"
    found = settings_of(clean_env(DATABASE_URL=url, AFTERCLASS_DATA_DIR=str(tmp_path)), tmp_path,
                        "DATABASES")  # fmt: skip

    database = found["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["NAME"]) == ("db.internal", "afterclass")
    assert "transaction_mode" not in database.get("OPTIONS", {})
    # Django's connection pool, connections checked before use, no persistent connections.
    assert database["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 10, "timeout": 5}
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["CONN_MAX_AGE"] == 0


def test_settings_postgresql_pool_size_and_switch(tmp_path):
    url = "postgres://afterclass:pw@db.internal:5432/afterclass"
    sized = settings_of(clean_env(DATABASE_URL=url, AFTERCLASS_DB_POOL_SIZE="4"), tmp_path,
                        "DATABASES")  # fmt: skip
    assert sized["DATABASES"]["default"]["OPTIONS"]["pool"]["max_size"] == 4

    off = settings_of(clean_env(DATABASE_URL=url, AFTERCLASS_DB_POOL="0"), tmp_path, "DATABASES")
    assert "pool" not in off["DATABASES"]["default"]["OPTIONS"]


def test_settings_production_mode_is_secure_and_generates_no_key(tmp_path):
    found = settings_of(
        production_env(tmp_path),
        tmp_path,
        "PRODUCTION",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "ALLOWED_HOSTS",
        "MAILERS",
    )

    assert found["PRODUCTION"] is True
    assert found["SESSION_COOKIE_SECURE"]
    assert found["CSRF_COOKIE_SECURE"]
    assert found["SECURE_SSL_REDIRECT"]
    assert found["SECURE_HSTS_SECONDS"] >= 31536000
    assert found["ALLOWED_HOSTS"] == ["example.org"]
    mailer = found["MAILERS"]["default"]
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (mailer["OPTIONS"]["host"], mailer["OPTIONS"]["port"]) == ("localhost", 25)
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, ("afterclass.outbox.backends.MessageFileBackend", None, None)),
        (
            {"EMAIL_HOST": "smtp.example.org"},
            ("django.core.mail.backends.smtp.EmailBackend", "smtp.example.org", 587),
        ),
        (
            {"EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "2525"},
            ("django.core.mail.backends.smtp.EmailBackend", "smtp.example.org", 2525),
        ),
    ],
)
def test_settings_mail_backend_follows_environment(tmp_path, variables, expected):
    env = clean_env(AFTERCLASS_DATA_DIR=str(tmp_path), **variables)

    mailer = settings_of(env, tmp_path, "MAILERS")["MAILERS"]["default"]

    options = mailer["OPTIONS"]
    assert (mailer["BACKEND"], options.get("host"), options.get("port")) == expected


def test_settings_production_passes_check_deploy_without_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "afterclass.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
