"""`{% learning_units space %}`: a structured space's units on its home page."""

from __future__ import annotations

from typing import Any

from django import template

from afterclass.learning.access import can_see_learning, is_facilitator
from afterclass.learning.models import ProgressState
from afterclass.learning.queries import space_learning
from afterclass.spaces.models import Mode, Space

register = template.Library()


@register.inclusion_tag("learning/_units_block.html", takes_context=True)
def learning_units(context: template.Context, space: Space) -> dict[str, Any]:
    """Nothing (and no query) for informal spaces or people who cannot see the units."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    if viewer is None or space.mode != Mode.STRUCTURED or not can_see_learning(viewer, space):
        return {"show": False}
    return {
        "show": True,
        "space": space,
        "page": space_learning(space, viewer),
        "is_facilitator": is_facilitator(viewer, space),
    }


@register.filter
def progress_label(state: str | None) -> str:
    """A progress state as people read it: "Not started", "Needs another look"…"""
    try:
        return str(ProgressState(state or ProgressState.NOT_STARTED).label)
    except ValueError:
        return str(state)
