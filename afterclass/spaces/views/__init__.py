"""The space pages: directory, create, home, settings, ground rules, joining, members, requests.

Each view loads the space with `access_space` (404 when unknown or invisible), checks the
permission with a `check_*` function (403), writes through an action, and renders. This module
holds the space header every space page shares (other apps' space pages too); the pages are in
`directory`, `space` and `membership`. Request types and page-or-fragment answers are in
afterclass.core.http.
"""

from __future__ import annotations

from typing import Any

from afterclass.core.errors import NotAllowed, NotFound
from afterclass.core.http import SignedInRequest
from afterclass.spaces.access import (
    can_manage,
    can_moderate,
    can_view_content,
    check_can_join,
    my_place,
    needs_rules_acceptance,
)
from afterclass.spaces.models import Space


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
