"""Log lines that say which request or background task wrote them: LOG_FORMAT=json (one JSON
object per line, for a log collector) or text, with the request id the middleware gives each
request (core.middleware.RequestIdMiddleware) and the id of the task a worker runs."""

from __future__ import annotations

import contextvars
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
task_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("task_id", default=None)

# What every LogRecord has: anything else on a record was given as `extra=` and is shown.
_STANDARD = frozenset(
    set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__)
    | {"message", "asctime", "request_id", "task_id", "color_message"}  # uvicorn's, with ANSI codes
)


@contextmanager
def running_task(identifier: object) -> Iterator[None]:
    """Every line logged inside carries this task's id (the worker's task loop)."""
    token = task_id.set(str(identifier))
    try:
        yield
    finally:
        task_id.reset(token)


class ContextFilter(logging.Filter):
    """Puts the current request and task ids on every record (None outside them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.task_id = task_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, the request or task id,
    anything given as `extra=`, and the traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("request_id", "task_id"):
            value = getattr(record, key, None)
            if value is not None:
                line[key] = value
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The message as before, preceded by the request or task id when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        request = getattr(record, "request_id", None)
        task = getattr(record, "task_id", None)
        if request:
            return f"[request {request}] {text}"
        if task:
            return f"[task {task}] {text}"
        return text


def writes_json(logging_settings: dict[str, Any]) -> bool:
    """Whether settings.LOGGING writes JSON lines (LOG_FORMAT=json)."""
    handler = logging_settings.get("handlers", {}).get("console", {})
    return bool(handler.get("formatter") == "json")


def logging_config(*, log_format: str, level: str) -> dict[str, object]:
    """settings.LOGGING: everything to stderr, in the chosen format, with the ids."""
    if log_format not in {"json", "text"}:
        raise ValueError(f"LOG_FORMAT must be json or text, not {log_format!r}.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}},
        "formatters": {"json": {"()": JsonFormatter}, "text": {"()": TextFormatter}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["context"],
                "formatter": log_format,
            }
        },
        "root": {"handlers": ["console"], "level": level},
    }
