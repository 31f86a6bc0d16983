"""Publishing live events. An event names what changed by type and ids only, never content: the
page that hears it fetches what is new through an ordinary view, with the viewer's own
permissions (posts/views/live.py). Callers publish after commit (`transaction.on_commit`).

Groups: `person.<id>` (every connection of one person: their bell), `space.<id>` (the open feeds
of a space), `post.<id>` (the open pages of a post).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer  # type: ignore[import-untyped]

if TYPE_CHECKING:
    from afterclass.posts.models import Comment, Post

logger = logging.getLogger(__name__)

# The consumer method that receives a published event (`live_event`).
MESSAGE_TYPE = "live.event"


CLOSE_TYPE = "live.close"


def person_group(person_id: int) -> str:
    return f"person.{person_id}"


def space_group(space_id: int) -> str:
    return f"space.{space_id}"


def post_group(post_id: int) -> str:
    return f"post.{post_id}"


def _message(event: dict[str, Any], topic: str | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"type": MESSAGE_TYPE, "event": event}
    if topic is not None:
        # The subscription it answers: the consumer checks it again before passing it on.
        message["topic"] = topic
    return message


async def _send_all(sends: list[tuple[str, dict[str, Any]]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for group, message in sends:
        await layer.group_send(group, message)


def _loop_running_here() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _publish(sends: list[tuple[str, dict[str, Any]]]) -> None:
    """Send to the groups in one trip through the event loop. A live update is a courtesy: if
    the channel layer is down, the write that was committed stands and the page catches up at
    its next load, so a failure is logged, never raised into the action."""
    if not sends:
        return
    try:
        if _loop_running_here():
            # Synchronous code called from inside an event loop (a script or test driving
            # an async library): async_to_sync cannot run here, a thread of its own can.
            with ThreadPoolExecutor(max_workers=1) as executor:
                executor.submit(async_to_sync(_send_all), sends).result()
        else:
            async_to_sync(_send_all)(sends)
    except Exception:
        logger.exception("Live update not sent to %s (%d groups)", sends[0][0], len(sends))


def publish_post_created(post: Post) -> None:
    """A post was published in a space: its open feeds fetch what is new for them."""
    topic = f"space:{post.space.slug}"
    event = {"type": "post.created", "space": post.space.slug, "post": post.pk}
    _publish([(space_group(post.space_id), _message(event, topic))])


def publish_comment_created(comment: Comment) -> None:
    """A comment or reply was written: the post's open pages fetch what is new for them."""
    topic = f"post:{comment.post_id}"
    event = {"type": "comment.created", "post": comment.post_id, "comment": comment.pk}
    _publish([(post_group(comment.post_id), _message(event, topic))])


def ring_bells(person_ids: Iterable[int]) -> None:
    """These people have new notifications: their open pages refresh the bell. One group send
    per person (a person's group holds only their own connections); nobody learns anything
    about anyone else."""
    message = _message({"type": "bell"})
    _publish([(person_group(pk), message) for pk in sorted(set(person_ids))])


def close_connections_of(person_id: int) -> None:
    """A person was deactivated: their open pages' sockets are closed now rather than at their
    next event (a reconnect is refused anyway, their sessions being gone)."""
    _publish([(person_group(person_id), {"type": CLOSE_TYPE})])
