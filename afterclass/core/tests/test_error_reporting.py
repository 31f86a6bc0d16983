"""Optional error reporting: settings start sentry-sdk only when SENTRY_DSN is set (each case in
a fresh process, as settings are read once)."""

import json

import pytest

from afterclass.core import error_reporting
from afterclass.core.tests.test_settings import clean_env, run_python

pytest.importorskip("sentry_sdk", reason="sentry-sdk is the `sentry` extra (in `dev` too)")

REPORT = (
    "import json, django; django.setup(); import sentry_sdk; "
    "client = sentry_sdk.get_client(); options = client.options if client.is_active() else {}; "
    "print(json.dumps({'active': client.is_active(), "
    "'pii': options.get('send_default_pii'), 'release': options.get('release'), "
    "'environment': options.get('environment'), "
    "'django': 'django' in str(options.get('integrations', ''))"
    " or any(type(i).__name__ == 'DjangoIntegration' for i in options.get('integrations', []))}))"
)
# A DSN on the discard port of this machine: nothing is sent anywhere.
DSN = "http://public@127.0.0.1:9/1"


def report(tmp_path, **variables) -> dict:
    env = {
        key: value
        for key, value in clean_env(AFTERCLASS_DATA_DIR=str(tmp_path)).items()
        if not key.startswith("SENTRY_")
    }
    env.update(variables)
    result = run_python(REPORT, env, tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_settings_without_sentry_dsn_start_no_error_reporting(tmp_path):
    assert report(tmp_path) == {
        "active": False,
        "pii": None,
        "release": None,
        "environment": None,
        "django": False,
    }


def test_settings_with_sentry_dsn_start_it_without_personal_data(tmp_path):
    found = report(tmp_path, SENTRY_DSN=DSN, SENTRY_ENVIRONMENT="staging")
    assert found["active"] is True
    assert found["pii"] is False
    assert found["release"] == error_reporting.release()
    assert found["release"].startswith("afterclass@")
    assert found["environment"] == "staging"
    assert found["django"] is True


def test_environment_defaults_to_the_mode(tmp_path):
    assert report(tmp_path, SENTRY_DSN=DSN)["environment"] == "development"


def test_without_sentry_sdk_a_dsn_only_warns(monkeypatch):
    monkeypatch.setattr(error_reporting.importlib.util, "find_spec", lambda name: None)
    with pytest.warns(RuntimeWarning, match="sentry-sdk is not installed"):
        assert not error_reporting.start_error_reporting(DSN, environment="x", traces_sample_rate=0)
