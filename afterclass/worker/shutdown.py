"""Cooperative stopping: a long task checks `stop_requested()` between its chunks and, when the
worker is asked to stop, raises `Interrupted`; the worker puts the task back without counting an
attempt, and the next worker resumes it (every task is idempotent, so resuming is safe)."""

from __future__ import annotations

import threading

_stop = threading.Event()


class Interrupted(Exception):
    """The worker is stopping: the task gave up between two chunks and will be resumed."""


def request_stop() -> None:
    _stop.set()


def reset() -> None:
    _stop.clear()


def stop_requested() -> bool:
    return _stop.is_set()


def check_stop() -> None:
    """Call between chunks of a long task: raises Interrupted once the worker must stop."""
    if _stop.is_set():
        raise Interrupted


def wait(seconds: float) -> bool:
    """Sleep up to `seconds`, waking early when a stop is requested; True if it was."""
    return _stop.wait(seconds)
