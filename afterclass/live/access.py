"""Who may follow which live topic: exactly who may see the page it belongs to.

- `space:<slug>`: the space's feed, for those who see its content (active members and
  organisation admins), through spaces.access, as the space's page decides.
- `post:<id>`: a post's comments, for those who see the post, through posts.access.

A topic that does not exist and one the person may not see are refused alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from afterclass.core.errors import NotFound
from afterclass.live.events import post_group, space_group
from afterclass.posts.access import access_post
from afterclass.spaces.access import access_space, can_view_content

if TYPE_CHECKING:
    from afterclass.people.models import Person

TOPIC = re.compile(r"^(?:space:(?P<slug>[-a-zA-Z0-9_]{1,60})|post:(?P<post>[1-9][0-9]{0,17}))$")
TOPIC_REFUSED = "There is no such page to follow, or you cannot see it."


@dataclass(frozen=True)
class Subscription:
    topic: str
    group: str


def access_topic(person: Person, topic: str) -> Subscription:
    """The channel-layer group of a topic the person may follow; NotFound otherwise."""
    match = TOPIC.match(topic) if isinstance(topic, str) else None
    if match is None:
        raise NotFound(TOPIC_REFUSED)
    if match["slug"]:
        try:
            space = access_space(person, match["slug"])
        except NotFound:
            raise NotFound(TOPIC_REFUSED) from None
        if not can_view_content(person, space):
            raise NotFound(TOPIC_REFUSED)
        return Subscription(topic, space_group(space.pk))
    try:
        post = access_post(person, int(match["post"]))
    except NotFound:
        raise NotFound(TOPIC_REFUSED) from None
    return Subscription(topic, post_group(post.pk))
