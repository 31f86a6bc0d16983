"""`{% poll_for post as view %}`: a poll as the signed-in viewer is shown it (polls.queries)."""

from __future__ import annotations

from typing import Any

from django import template

from afterclass.polls.queries import PollView, poll_of, poll_view
from afterclass.posts.models import Post

register = template.Library()


@register.simple_tag(takes_context=True)
def poll_for(context: dict[str, Any], post: Post) -> PollView:
    return poll_view(poll_of(post), context["request"].user)
