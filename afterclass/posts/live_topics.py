"""Who may follow a post's live topic (`post:<id>`, its new comments): who may see the post.
Registered in live/access.py (imported by `LiveConfig.ready()`): posts publishes live events and
imports live; live imports nothing of posts."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from afterclass.core.errors import NotFound
from afterclass.live.access import TOPIC_REFUSED, register_topic
from afterclass.live.events import post_group
from afterclass.posts.access import access_post

if TYPE_CHECKING:
    from afterclass.people.models import Person

POST_ID = re.compile(r"[1-9][0-9]{0,17}")


def _post_topic(person: Person, key: str) -> str:
    if not POST_ID.fullmatch(key):
        raise NotFound(TOPIC_REFUSED)
    return post_group(access_post(person, int(key)).pk)


register_topic("post", _post_topic)
