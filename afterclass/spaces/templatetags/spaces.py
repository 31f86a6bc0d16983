"""Template filters for space pages: rendered ground rules, the join button, unread counts."""

import functools
from typing import Any

from django import template
from django.utils.safestring import SafeString

from afterclass.core.markdown import render_markdown
from afterclass.spaces.access import can_join
from afterclass.spaces.models import Space
from afterclass.spaces.queries import UNREAD_CAP

register = template.Library()


@functools.lru_cache(maxsize=256)
def _rendered(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def markdown(text: str | None) -> SafeString:
    """Markdown rendered to sanitised HTML (see afterclass.core.markdown), remembered per text:
    a space's ground rules are shown on its home page at every visit and rarely change."""
    return _rendered(text or "")


@register.filter
def joinable_by(space: Space, person: Any) -> bool:
    """Whether `person` is offered the join/request button for `space`."""
    return can_join(person, space)


@register.filter
def unread_label(count: int) -> str:
    """An unread count as shown: "99+" once it reaches the cap the count stops at."""
    return f"{UNREAD_CAP - 1}+" if count >= UNREAD_CAP else str(count)
