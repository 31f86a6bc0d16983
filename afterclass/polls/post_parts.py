"""What the polls app adds to posts: creating a poll with its post, and the poll in the post's
detail (posts.poll_part). Imported once by `PostsConfig.ready()`, as Django imports `admin.py`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from afterclass.polls.actions import do_create_poll
from afterclass.polls.queries import poll_of, poll_view
from afterclass.polls.schemas import poll_out
from afterclass.posts.poll_part import PollPart, register_poll_part

if TYPE_CHECKING:
    from afterclass.people.models import Person
    from afterclass.posts.models import Post
    from afterclass.posts.schemas import PollOut


def shown_to(post: Post, viewer: Person) -> PollOut:
    return poll_out(poll_view(poll_of(post), viewer))


register_poll_part(PollPart(create=do_create_poll, shown_to=shown_to))
