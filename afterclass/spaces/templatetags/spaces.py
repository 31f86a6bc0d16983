"""Template filters for space pages: rendered ground rules and the join button."""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from afterclass.core.markdown import render_markdown
from afterclass.spaces.access import can_join
from afterclass.spaces.models import Space

register = template.Library()


@register.filter
def markdown(text: str | None) -> SafeString:
    """Markdown rendered to sanitised HTML (see afterclass.core.markdown)."""
    return render_markdown(text or "")


@register.filter
def joinable_by(space: Space, person: Any) -> bool:
    """Whether `person` is offered the join/request button for `space`."""
    return can_join(person, space)
