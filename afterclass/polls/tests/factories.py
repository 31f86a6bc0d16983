"""Factories for polls: made through the action, as the app makes them."""

from typing import Any

from afterclass.people.models import Person
from afterclass.polls.actions import do_create_poll
from afterclass.polls.models import Poll
from afterclass.spaces.models import Space

OPTIONS = ["Pivot tables", "Power Query", "XLOOKUP"]


def make_poll(space: Space, author: Person, **fields: Any) -> Poll:
    fields.setdefault("question", "Which Excel topic next?")
    fields.setdefault("options", OPTIONS)
    post = do_create_poll(space, actor=author, **fields)
    return Poll.objects.select_related("post", "post__space").get(post=post)


def option_ids(poll: Poll) -> list[int]:
    return list(poll.options.order_by("position").values_list("pk", flat=True))
