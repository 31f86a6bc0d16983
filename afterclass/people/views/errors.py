"""The 500 page named after the organisation: core's page that needs no database
(`core.views.server_error_page`), with the name read here, where the organisation is."""

from __future__ import annotations

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from afterclass.core.views import server_error_page
from afterclass.people.models import Organisation


def _organisation_name(request: HttpRequest) -> str | None:
    # Loaded already by the page that failed (people.context), else read if the database answers.
    loaded = getattr(request, "_afterclass_organisation", None)
    if not isinstance(loaded, Organisation):
        try:
            loaded = Organisation.objects.filter(pk=1).first()
        except DatabaseError:
            return None
    return loaded.name if loaded is not None else None


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500."""
    return server_error_page(request, site_name=lambda: _organisation_name(request))
