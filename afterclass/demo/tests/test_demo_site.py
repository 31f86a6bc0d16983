"""`afterclass demo --serve` links e-mails to the address it serves, in its worker too."""

import os
import sys

import pytest

from afterclass.demo.management.commands.demo import served_site
from afterclass.worker.supervisor import supervised_worker


def test_served_site_follows_the_port_when_site_url_is_not_set(monkeypatch, settings):
    monkeypatch.delenv("SITE_URL", raising=False)
    site, env = served_site("127.0.0.1", 18801)
    assert site == "http://127.0.0.1:18801"
    assert site == settings.SITE_URL
    assert env["SITE_URL"] == site


@pytest.mark.parametrize(
    ("host", "expected"),
    [("0.0.0.0", "http://127.0.0.1:9000"), ("::1", "http://[::1]:9000")],  # noqa: S104
)
def test_served_site_names_an_address_a_browser_can_open(monkeypatch, settings, host, expected):
    monkeypatch.delenv("SITE_URL", raising=False)
    assert served_site(host, 9000)[0] == expected


def test_served_site_keeps_an_explicit_site_url(monkeypatch, settings):
    monkeypatch.setenv("SITE_URL", "https://learn.example.org")
    settings.SITE_URL = "https://learn.example.org"
    site, env = served_site("127.0.0.1", 18801)
    assert site == "https://learn.example.org"
    assert settings.SITE_URL == "https://learn.example.org"
    assert env["SITE_URL"] == "https://learn.example.org"


def test_supervised_worker_passes_its_environment_to_the_worker(tmp_path):
    out = tmp_path / "site.txt"
    script = f"import os, pathlib; pathlib.Path({str(out)!r}).write_text(os.environ['SITE_URL'])"
    env = {**os.environ, "SITE_URL": "http://127.0.0.1:18801"}
    with supervised_worker([sys.executable, "-c", script], env=env) as supervisor:
        assert supervisor.process is not None
        supervisor.process.wait(timeout=30)
    assert out.read_text() == "http://127.0.0.1:18801"


def test_supervised_worker_inherits_this_environment_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("AFTERCLASS_PROBE", "inherited")
    out = tmp_path / "probe.txt"
    script = (
        f"import os, pathlib; pathlib.Path({str(out)!r}).write_text(os.environ['AFTERCLASS_PROBE'])"
    )
    with supervised_worker([sys.executable, "-c", script]) as supervisor:
        assert supervisor.process is not None
        supervisor.process.wait(timeout=30)
    assert out.read_text() == "inherited"
