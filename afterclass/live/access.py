"""Who may follow which live topic: exactly who may see the page it belongs to.

- `space:<slug>`: the space's feed, for those who see its content (active members and
  organisation admins), through spaces.access, as the space's page decides.
- `post:<id>`: a post's comments, for those who see the post: said by posts
  (`posts/live_topics.py`, registered here with `register_topic`; `LiveConfig.ready()` imports
  it), which publishes live events and so imports live, never the other way.

A topic that does not exist and one the person may not see are refused alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

from afterclass.core.errors import NotFound
from afterclass.live.events import space_group
from afterclass.spaces.access import access_space, can_view_content

if TYPE_CHECKING:
    from afterclass.people.models import Person

TOPIC = re.compile(r"^(?P<kind>[a-z]{1,20}):(?P<key>[-a-zA-Z0-9_]{1,60})$")
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")
TOPIC_REFUSED = "There is no such page to follow, or you cannot see it."

# (person, the topic's key): the channel-layer group of the topic; raises NotFound unless the
# person may see the page the topic belongs to (and for a key that names nothing).
TopicCheck = Callable[["Person", str], str]

_checks: dict[str, TopicCheck] = {}


@dataclass(frozen=True)
class Subscription:
    topic: str
    group: str


def register_topic(kind: str, check: TopicCheck) -> None:
    """Called once per kind of topic, by the app whose page it follows."""
    if kind in _checks:
        raise ImproperlyConfigured(f"Who may follow a {kind!r} topic is registered already.")
    _checks[kind] = check


def _space_topic(person: Person, slug: str) -> str:
    if not SLUG.fullmatch(slug):
        raise NotFound(TOPIC_REFUSED)
    space = access_space(person, slug)
    if not can_view_content(person, space):
        raise NotFound(TOPIC_REFUSED)
    return space_group(space.pk)


register_topic("space", _space_topic)


def access_topic(person: Person, topic: str) -> Subscription:
    """The channel-layer group of a topic the person may follow; NotFound otherwise."""
    match = TOPIC.match(topic) if isinstance(topic, str) else None
    check = _checks.get(match["kind"]) if match else None
    if match is None or check is None:
        raise NotFound(TOPIC_REFUSED)
    try:
        return Subscription(topic, check(person, match["key"]))
    except NotFound:
        raise NotFound(TOPIC_REFUSED) from None
