"""The poll of a post of kind "poll", as the posts app reaches it without importing `polls`.

A poll belongs to its post, so `polls` imports `posts` and never the other way round. The
composer and the posts API still create a poll with its post and show it in the post's detail:
they call `poll_part()`, which the polls app fills in from its module `post_parts.py` (imported,
as Django imports every app's `admin.py`, by `PostsConfig.ready()`). One part, registered once;
a post of kind "poll" without it is a configuration error, not a silent post without a poll.

What both sides name sits here too: the choice of when results are shown (offered by the
composer's form, kept on `polls.Poll`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import models

if TYPE_CHECKING:
    from afterclass.people.models import Person
    from afterclass.posts.models import Post
    from afterclass.posts.schemas import PollOut
    from afterclass.spaces.models import Space


class ResultsShown(models.TextChoices):
    AFTER_VOTING = "after_voting", "After voting"
    AFTER_CLOSING = "after_closing", "After the poll closes"


class CreatePoll(Protocol):
    def __call__(
        self,
        space: Space,
        *,
        actor: Person,
        question: str,
        body: str = "",
        options: Sequence[str],
        multiple: bool = False,
        anonymous: bool = False,
        closes_at: datetime | None = None,
        results_shown: str = ResultsShown.AFTER_VOTING,
    ) -> Post: ...


@dataclass(frozen=True)
class PollPart:
    create: CreatePoll  # post a poll: the post and its poll in one transaction (an action)
    shown_to: Callable[[Post, Person], PollOut]  # the post's poll as the viewer is shown it


_registered: list[PollPart] = []


def register_poll_part(part: PollPart) -> None:
    """Called once, by `polls/post_parts.py`."""
    if _registered:
        raise ImproperlyConfigured("The poll part is registered already.")
    _registered.append(part)


def poll_part() -> PollPart:
    if not _registered:
        raise ImproperlyConfigured(
            "No poll part is registered: is afterclass.polls in INSTALLED_APPS?"
        )
    return _registered[0]
