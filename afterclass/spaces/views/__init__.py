"""The space pages: directory, create, home, settings, ground rules, joining, members, requests.

Each view loads the space with `access_space` (404 when unknown or invisible), checks the
permission with a `check_*` function (403), writes through an action, and renders. This module
holds what every space page shares; the pages are in `directory`, `space` and `membership`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from afterclass.core.errors import NotAllowed, NotFound
from afterclass.people.models import Person
from afterclass.spaces.access import (
    can_manage,
    can_moderate,
    can_view_content,
    check_can_join,
    my_place,
    needs_rules_acceptance,
)
from afterclass.spaces.models import Space


class SignedInRequest(HttpRequest):
    """A request behind `login_required`, with django-htmx's details."""

    user: Person
    htmx: HtmxDetails


def next_url(request: HttpRequest, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params = request.GET.copy()
    params["cursor"] = cursor
    return f"?{params.urlencode()}"


def space_context(request: SignedInRequest, space: Space, current: str) -> dict[str, Any]:
    """What the space header and its navigation need: the viewer's place and permissions."""
    viewer = request.user
    join_refusal = None
    try:
        check_can_join(viewer, space)
    except (NotAllowed, NotFound) as error:
        join_refusal = error.message
    return {
        "space": space,
        "place": my_place(viewer, space),
        "current": current,
        "can_view_content": can_view_content(viewer, space),
        "can_moderate": can_moderate(viewer, space),
        "can_manage": can_manage(viewer, space),
        "can_join": join_refusal is None,
        "join_refusal": join_refusal,
        "needs_rules": needs_rules_acceptance(viewer, space),
    }
