"""`afterclass serve`: production mode refuses a missing or weak SECRET_KEY, then runs uvicorn."""

import contextlib
import http.client
import json
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.core.management import CommandError, call_command

from afterclass.core.tests.test_settings import clean_env, production_env

GOOD_KEY = "k3y-" + "Zq8vN2xR7tLm4pW9sB6cY1dF5hJ0gK3e" * 2


@pytest.fixture
def uvicorn_calls(monkeypatch):
    """Record what would be handed to uvicorn instead of starting a server."""
    calls = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: calls.append({"app": app, **kwargs}))
    # No server runs, so no worker beside it either (test_worker's suites start real ones).
    monkeypatch.setattr(
        "afterclass.worker.management.commands.serve.supervised_worker", contextlib.nullcontext
    )
    return calls


@pytest.fixture
def production(monkeypatch, settings, tmp_path):
    """The environment of a production start: a real key and a real mail relay."""
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}
    settings.STATIC_ROOT = tmp_path / "static"


def test_serve_refuses_to_start_without_a_secret_key(monkeypatch, uvicorn_calls):
    monkeypatch.delenv("SECRET_KEY", raising=False)

    with pytest.raises(CommandError, match="SECRET_KEY is not set"):
        call_command("serve")

    assert uvicorn_calls == []


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("", "is not set"),
        ("short-but-random-Zq8vN2xR7t", "too short"),
        ("a" * 64, "looks insecure"),
        ("django-insecure-" + "Zq8vN2xR7tLm4pW9sB6cY1dF5hJ0gK3e4b", "looks insecure"),
    ],
)
def test_serve_refuses_a_weak_secret_key(monkeypatch, uvicorn_calls, key, reason):
    monkeypatch.setenv("SECRET_KEY", key)

    with pytest.raises(CommandError, match=reason):
        call_command("serve")

    assert uvicorn_calls == []


def test_serve_exits_with_an_error_and_no_traceback_without_a_secret_key(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "afterclass.cli", "serve"],
        env=clean_env(AFTERCLASS_DATA_DIR=str(tmp_path)),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
@pytest.mark.usefixtures("production")
def test_serve_hands_the_application_to_uvicorn(uvicorn_calls, capsys):
    call_command(
        "serve", "--host", "10.0.0.5", "--port", "8123", "--workers", "3", "--no-collectstatic"
    )

    assert len(uvicorn_calls) == 1
    call = uvicorn_calls[0]
    assert call["app"] == "afterclass.asgi:application"
    assert (call["host"], call["port"], call["workers"]) == ("10.0.0.5", 8123, 3)
    assert call["lifespan"] == "off"
    assert "http://10.0.0.5:8123/ with 3 workers" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.usefixtures("production")
def test_serve_takes_port_and_workers_from_the_environment(monkeypatch, uvicorn_calls):
    monkeypatch.setenv("PORT", "9321")
    monkeypatch.setenv("WEB_CONCURRENCY", "2")

    call_command("serve", "--no-collectstatic")

    call = uvicorn_calls[0]
    assert (call["host"], call["port"], call["workers"]) == ("127.0.0.1", 9321, 2)


@pytest.mark.django_db
@pytest.mark.usefixtures("production")
def test_serve_uses_a_worker_per_usable_core_by_default(monkeypatch, uvicorn_calls):
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)

    call_command("serve", "--no-collectstatic")

    assert uvicorn_calls[0]["workers"] == 3


@pytest.mark.django_db
@pytest.mark.usefixtures("production")
@pytest.mark.parametrize(
    ("arguments", "environment", "message"),
    [
        (["--port", "70000"], {}, "port number"),
        (["--port", "http"], {}, "port number"),
        (["--workers", "0"], {}, "number of 1 or more"),
        ([], {"PORT": "eighty"}, "PORT"),
        ([], {"WEB_CONCURRENCY": "many"}, "WEB_CONCURRENCY"),
    ],
)
def test_serve_refuses_bad_addresses_and_worker_counts(
    monkeypatch, uvicorn_calls, arguments, environment, message
):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(CommandError, match=message):
        call_command("serve", "--no-collectstatic", *arguments)

    assert uvicorn_calls == []


@pytest.mark.django_db
@pytest.mark.usefixtures("production")
def test_serve_collects_static_files_first(settings, uvicorn_calls):
    call_command("serve")

    assert (settings.STATIC_ROOT / "afterclass" / "afterclass.css").exists()
    assert len(uvicorn_calls) == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("production")
def test_serve_believes_forwarded_addresses_only_from_loopback_by_default(
    monkeypatch, uvicorn_calls
):
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)

    call_command("serve", "--no-collectstatic")

    call = uvicorn_calls[0]
    assert call["proxy_headers"] is True
    assert call["forwarded_allow_ips"] == "127.0.0.1,::1"


@pytest.mark.django_db
@pytest.mark.usefixtures("production")
def test_serve_takes_the_trusted_proxies_from_the_environment_or_the_option(
    monkeypatch, uvicorn_calls, capsys
):
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", " 10.0.0.5, 10.1.0.0/16 ")

    call_command("serve", "--no-collectstatic")
    call_command("serve", "--no-collectstatic", "--forwarded-allow-ips", "192.168.1.9")

    assert [call["forwarded_allow_ips"] for call in uvicorn_calls] == [
        "10.0.0.5,10.1.0.0/16",
        "192.168.1.9",
    ]
    assert "forwarded addresses believed from 10.0.0.5,10.1.0.0/16" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.usefixtures("production")
@pytest.mark.parametrize(
    ("arguments", "environment", "message"),
    [
        (["--forwarded-allow-ips", "proxy.example.org"], {}, "not an IP address or network"),
        (["--forwarded-allow-ips", " , "], {}, "at least one"),
        ([], {"FORWARDED_ALLOW_IPS": "10.0.0.300"}, "FORWARDED_ALLOW_IPS"),
    ],
)
def test_serve_refuses_trusted_proxies_that_are_not_addresses(
    monkeypatch, uvicorn_calls, arguments, environment, message
):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(CommandError, match=message):
        call_command("serve", "--no-collectstatic", *arguments)

    assert uvicorn_calls == []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": "example.org"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_serve_really_serves_and_stops_cleanly_on_ctrl_c(tmp_path):
    port = free_port()
    env = production_env(tmp_path, AFTERCLASS_SSL_REDIRECT="0")
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "afterclass.cli", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        status, body = 0, b""
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, body = get(port, "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200, server.stderr.read() if server.poll() is not None else status
        assert json.loads(body) == {"status": "ok"}
        # Static files come from WhiteNoise, collected by the command before it started.
        status, body = get(port, "/static/afterclass/afterclass.css")
        assert status == 200
        assert body

        server.send_signal(signal.SIGINT)
        stdout, stderr = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()

    assert server.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert f"http://127.0.0.1:{port}/" in stdout


def test_background_worker_stops_with_the_server_on_sigterm():
    """`make demo` stopped with SIGTERM (not Ctrl-C) must not leave its worker running."""
    import os

    from afterclass.worker.supervisor import supervised_worker

    # A process that waits stands in for `afterclass worker`.
    stand_in = [sys.executable, "-c", "import time; time.sleep(30)"]
    before = signal.getsignal(signal.SIGTERM)
    with supervised_worker(stand_in) as supervisor:
        # Checked first: without a handler of its own, the signal would stop this test run.
        assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, before)
        with pytest.raises(SystemExit) as stopped:
            os.kill(os.getpid(), signal.SIGTERM)
    assert stopped.value.code == 128 + signal.SIGTERM
    assert supervisor.process is not None
    assert supervisor.process.poll() is not None  # the worker was stopped, not left behind
    assert supervisor.restarts == 0
    assert signal.getsignal(signal.SIGTERM) == before
