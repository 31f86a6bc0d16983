"""What every HTML view shares: the signed-in request's type, "more" links of keyset pages, and
one URL answering both the full page and its htmx fragment."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from afterclass.people.models import Person


class SignedInRequest(HttpRequest):
    """A request behind `login_required`, with django-htmx's details."""

    user: Person
    htmx: HtmxDetails


def next_url(request: HttpRequest, cursor: str | None) -> str | None:
    """The link to the page after this one: the same query with the next page's cursor."""
    if cursor is None:
        return None
    params = request.GET.copy()
    params["cursor"] = cursor
    return f"?{params.urlencode()}"


def wants_fragment(request: SignedInRequest) -> bool:
    """An htmx request for part of a page. Not a history restore: when the browser goes back
    to a URL htmx pushed and has no copy of the page, htmx asks for the URL again and needs the
    whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def page_or_partial(
    request: SignedInRequest,
    template: str,
    partial: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    """The full page, or for an htmx request only the named partial of it (`template#partial`).
    The answer varies with HX-Request, so that no cache hands the fragment to a page load."""
    name = f"{template}#{partial}" if wants_fragment(request) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
