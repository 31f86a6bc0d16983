"""Template tags of notifications: the per-space level control, for the space page."""

from typing import Any

from django import template

from afterclass.notifications.queries import space_row
from afterclass.spaces.access import can_view_content, is_signed_in
from afterclass.spaces.models import Space

register = template.Library()


@register.inclusion_tag("notifications/_space_level.html", takes_context=True)
def space_notification_level(context: template.Context, space: Space) -> dict[str, Any]:
    """`{% space_notification_level space %}`: how much the viewer hears from this space, as a
    tiny form saved on change (one query). Nothing for people who cannot see its content."""
    request = context.get("request")
    person = getattr(request, "user", None)
    if not is_signed_in(person) or not can_view_content(person, space):
        return {"row": None}
    return {
        "row": space_row(person, space),
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
