"""Template context: the organisation's name and logo on every page."""

from typing import Any

from django.http import HttpRequest

from afterclass.people.models import Organisation


def organisation(request: HttpRequest) -> dict[str, Any]:
    # Cached on the request so a page asks the database once, whatever its templates do.
    cached = getattr(request, "_afterclass_organisation", None)
    if cached is None:
        cached = Organisation.current()
        request._afterclass_organisation = cached  # type: ignore[attr-defined]
    return {"organisation": cached}
