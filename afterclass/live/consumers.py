"""The /ws/live/ websocket: one per open page of a signed-in person.

The page sends `{"subscribe": "space:<slug>"}` or `{"subscribe": "post:<id>"}` (and
`{"unsubscribe": …}`); each topic is checked with the same access functions as its page
(afterclass.live.access), and checked again before each event is passed on, so that someone who
left a space, or a post that was hidden, stops being followed. Every connection also hears its
own person's bell. Events carry types and ids only (afterclass.live.events).
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async  # type: ignore[import-untyped]
from channels.generic.websocket import (  # type: ignore[import-untyped]
    AsyncJsonWebsocketConsumer,
)

from afterclass.core.errors import NotFound
from afterclass.live.access import TOPIC_REFUSED, Subscription, access_topic
from afterclass.live.events import person_group
from afterclass.people.models import Person

# The close code of a socket whose person was deactivated (4000-4999: the application's own).
CLOSED_DEACTIVATED = 4403
# A page follows one or two topics; the cap keeps one connection from joining a group per post.
MAX_TOPICS = 10
UNKNOWN_MESSAGE = 'Send {"subscribe": "<topic>"} or {"unsubscribe": "<topic>"}.'


@database_sync_to_async  # type: ignore[untyped-decorator]
def _check_topic(person: Person, topic: str) -> Subscription | None:
    try:
        return access_topic(person, topic)
    except NotFound:
        return None


class LiveConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    person: Person
    topics: dict[str, Subscription]

    async def connect(self) -> None:
        person = self.scope.get("user")
        if person is None or not person.is_authenticated or not person.is_active:
            await self.close()  # refused before accepting: the handshake answers 403
            return
        self.person = person
        self.topics = {}
        await self.channel_layer.group_add(person_group(person.pk), self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        person = getattr(self, "person", None)
        if person is None:
            return
        await self.channel_layer.group_discard(person_group(person.pk), self.channel_name)
        for subscription in getattr(self, "topics", {}).values():
            await self.channel_layer.group_discard(subscription.group, self.channel_name)

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return None

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and isinstance(content.get("subscribe"), str):
            await self._subscribe(content["subscribe"])
        elif isinstance(content, dict) and isinstance(content.get("unsubscribe"), str):
            await self._unsubscribe(content["unsubscribe"])
        else:
            await self.send_json({"type": "error", "message": UNKNOWN_MESSAGE})

    async def _subscribe(self, topic: str) -> None:
        if topic in self.topics:
            await self.send_json({"type": "subscribed", "topic": topic})
            return
        if len(self.topics) >= MAX_TOPICS:
            await self.send_json(
                {
                    "type": "refused",
                    "topic": topic[:80],
                    "message": f"A page can follow at most {MAX_TOPICS} things at once.",
                }
            )
            return
        subscription = await _check_topic(self.person, topic)
        if subscription is None:
            await self.send_json({"type": "refused", "topic": topic[:80], "message": TOPIC_REFUSED})
            return
        self.topics[topic] = subscription
        await self.channel_layer.group_add(subscription.group, self.channel_name)
        await self.send_json({"type": "subscribed", "topic": topic})

    async def _unsubscribe(self, topic: str) -> None:
        subscription = self.topics.pop(topic, None)
        if subscription is not None:
            await self.channel_layer.group_discard(subscription.group, self.channel_name)
        await self.send_json({"type": "unsubscribed", "topic": topic[:80]})

    async def live_event(self, message: dict[str, Any]) -> None:
        """An event from afterclass.live.events. One that answers a topic is passed on only while
        the person may still see that topic's page; otherwise the topic is dropped."""
        topic = message.get("topic")
        if topic is not None:
            subscription = self.topics.get(topic)
            if subscription is None:
                return
            if await _check_topic(self.person, topic) is None:
                del self.topics[topic]
                await self.channel_layer.group_discard(subscription.group, self.channel_name)
                await self.send_json({"type": "refused", "topic": topic, "message": TOPIC_REFUSED})
                return
        await self.send_json(message["event"])

    async def live_close(self, message: dict[str, Any]) -> None:
        """The person was deactivated (afterclass.live.events.close_connections_of)."""
        await self.close(code=CLOSED_DEACTIVATED)
