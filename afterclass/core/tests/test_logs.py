"""Log lines with request and task ids (core.logs), the request-id middleware, LOG_FORMAT."""

import json
import logging
import re
import sys

import pytest
from asgiref.sync import async_to_sync
from django.core.management import call_command
from django.test import AsyncClient

from afterclass.core import logs
from afterclass.core.middleware import from_trusted_proxy
from afterclass.core.tests.test_settings import clean_env, run_python
from afterclass.worker import shutdown
from afterclass.worker.management.commands import serve
from afterclass.worker.tests import jobs
from afterclass.worker.tests.test_queue import DATABASE_QUEUE


class Captured(logging.Handler):
    """A handler as settings.LOGGING makes it: the ids filter, JSON lines."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.addFilter(logs.ContextFilter())
        self.setFormatter(logs.JsonFormatter())
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def captured():
    def capture(name: str) -> Captured:
        handler = Captured()
        logger = logging.getLogger(name)
        previous = logger.level
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        added.append((logger, handler, previous))
        return handler

    added: list = []
    yield capture
    for logger, handler, previous in added:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def test_json_formatter_writes_one_object_per_line_with_ids_extras_and_traceback():
    handler = Captured()
    try:
        raise ValueError("boom")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "afterclass.x", logging.ERROR, __file__, 1, "failed %s", ("it",), exc_info
    )
    record.status = 500  # as `extra={"status": 500}` sets it
    token = logs.request_id.set("req-1")
    with logs.running_task(7):
        handler.handle(record)
    logs.request_id.reset(token)

    [line] = handler.lines
    assert line["message"] == "failed it"
    assert line["level"] == "ERROR"
    assert line["logger"] == "afterclass.x"
    assert line["request_id"] == "req-1"
    assert line["task_id"] == "7"
    assert line["status"] == 500
    assert "ValueError: boom" in line["exception"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])
    assert "\n" not in handler.format(record)


def test_text_formatter_prefixes_the_request_or_task_id():
    formatter = logs.TextFormatter()
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "hello", None, None)
    assert formatter.format(record) == "hello"
    record.request_id, record.task_id = "abc", None
    assert formatter.format(record) == "[request abc] hello"
    record.request_id, record.task_id = None, "42"
    assert formatter.format(record) == "[task 42] hello"


def test_logging_config_refuses_an_unknown_format():
    with pytest.raises(ValueError, match="LOG_FORMAT must be json or text"):
        logs.logging_config(log_format="xml", level="INFO")


def test_request_id_is_new_for_each_request_and_returned(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_request_id_from_a_trusted_proxy_is_kept(client):
    # The test client connects from 127.0.0.1, one of FORWARDED_ALLOW_IPS' defaults.
    response = client.get("/healthz", HTTP_X_REQUEST_ID="4f2c9e1a-nginx")
    assert response["X-Request-ID"] == "4f2c9e1a-nginx"


def test_request_id_from_anyone_else_is_replaced(client):
    response = client.get(
        "/healthz", HTTP_X_REQUEST_ID="chosen-by-client", REMOTE_ADDR="203.0.113.9"
    )
    assert response["X-Request-ID"] != "chosen-by-client"


def test_request_id_that_does_not_look_like_one_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID='x" injected=1 ' + "a" * 200)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.parametrize(
    ("meta", "trusted"),
    [
        ({"REMOTE_ADDR": "10.0.0.5"}, True),  # the proxy itself, no X-Forwarded-For
        ({"REMOTE_ADDR": "203.0.113.9"}, False),  # a client straight to the app server
        # uvicorn believed the proxy's X-Forwarded-For: the address is the client's
        ({"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, True),
        ({"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.9"}, True),
        # a client that connected itself with a made-up X-Forwarded-For: uvicorn ignored it
        ({"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, False),
    ],
)
def test_from_trusted_proxy_follows_forwarded_allow_ips(meta, trusted):
    assert from_trusted_proxy(meta, ["10.0.0.0/24"]) is trusted


def test_from_trusted_proxy_with_star_trusts_everyone():
    assert from_trusted_proxy({"REMOTE_ADDR": "203.0.113.9"}, ["*"])


def test_every_line_of_a_request_carries_its_id(client, captured):
    lines = captured("afterclass.request")
    response = client.get("/healthz", HTTP_X_REQUEST_ID="req-42")

    [line] = lines.lines
    assert line["request_id"] == response["X-Request-ID"] == "req-42"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert logs.request_id.get() is None  # nothing left behind after the request


@pytest.mark.django_db(transaction=True)
def test_worker_lines_carry_the_task_id(settings, captured):
    settings.TASKS = DATABASE_QUEUE
    shutdown.reset()
    lines = captured("afterclass.worker")
    result = jobs.always_fails.enqueue("on purpose")

    call_command("worker", batch=True, no_periodic=True, max_tasks=1, verbosity=0)

    failed = [line for line in lines.lines if "failed" in line["message"]]
    assert failed
    assert failed[0]["task_id"] == str(result.id)
    assert "on purpose" in failed[0]["exception"]
    assert logs.task_id.get() is None


def test_settings_log_format_json_writes_json_lines(tmp_path):
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('afterclass.check').warning('hello %s', 'there')"
    )
    result = run_python(
        code, clean_env(LOG_FORMAT="json", AFTERCLASS_DATA_DIR=str(tmp_path)), tmp_path
    )
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello there"
    assert line["logger"] == "afterclass.check"

    text = run_python(code, clean_env(AFTERCLASS_DATA_DIR=str(tmp_path)), tmp_path)
    assert text.stderr.strip().splitlines()[-1] == "hello there"


def test_request_id_reaches_log_lines_under_asgi_too(captured):
    # Under ASGI (uvicorn) sync middleware and views run in threads: the id must follow them.
    lines = captured("afterclass.request")
    response = async_to_sync(AsyncClient().get)("/healthz", headers={"X-Request-ID": "asgi-1"})

    [line] = lines.lines
    assert response["X-Request-ID"] == line["request_id"] == "asgi-1"


@pytest.mark.parametrize(("log_format", "expected"), [("json", True), ("text", False)])
def test_serve_hands_uvicorns_lines_to_django_logging_when_json(
    settings, monkeypatch, log_format, expected
):
    settings.LOGGING = logs.logging_config(log_format=log_format, level="INFO")
    given = {}
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: given.update(kwargs))

    serve.run_server(host="127.0.0.1", port=8999)

    assert ("log_config" in given and given["log_config"] is None) is expected
    assert given.get("access_log", True) is not expected
