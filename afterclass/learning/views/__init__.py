"""Learning pages: a space's units for learners (`pages`), facilitators' building (`building`),
the progress grid, review queue and nudges (`review`), and sessions with calendars
(`sessions`). Each loads through `learning.access`, acts through an action, and renders."""

from __future__ import annotations

from typing import Any

from afterclass.core.http import SignedInRequest
from afterclass.learning.access import check_can_see_learning, is_facilitator
from afterclass.spaces.access import access_space
from afterclass.spaces.models import Space
from afterclass.spaces.views import space_context


def load_space(request: SignedInRequest, slug: str) -> Space:
    """The space, when the viewer is a member or a facilitator; 404 for everyone else."""
    space = access_space(request.user, slug)
    check_can_see_learning(request.user, space)
    return space


def learning_context(request: SignedInRequest, space: Space, current: str) -> dict[str, Any]:
    context = space_context(request, space, current)
    context["is_facilitator"] = is_facilitator(request.user, space)
    return context
