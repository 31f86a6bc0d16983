"""Who delivers the notifications of people who chose push: the installable web app
(`webapp/pushing.py`, through its `queue_pushes` task), which registers its queueing here from
`WebappConfig.ready()`. Notifications decides who is told on which channel; the web app, which
reads the notifications it pushes, imports notifications, never the other way."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

# Given a notice's key, queue the pushes of that notice's notifications.
QueuePushes = Callable[[str], object]

_queue: list[QueuePushes] = []


def register_push_delivery(queue: QueuePushes) -> None:
    """Called once, by the app that sends push messages."""
    if _queue:
        raise ImproperlyConfigured("Who delivers push notifications is registered already.")
    _queue.append(queue)


def push_delivery() -> QueuePushes | None:
    """The registered queueing, or None without an app that pushes (nothing is pushed)."""
    return _queue[0] if _queue else None
