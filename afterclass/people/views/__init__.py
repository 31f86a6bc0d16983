"""People pages: the directory and profiles, my profile and tokens, accepting an invitation,
and the organisation admin's pages for people, invitations, departments and settings.

This module holds what the people pages share; the pages are in `directory`, `me`,
`invitations` and `manage`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails

from afterclass.core.errors import AfterclassError, InvalidInput
from afterclass.core.pagination import Page
from afterclass.people.forms import PeopleFilterForm
from afterclass.people.models import Person
from afterclass.people.queries import DirectoryFilters, search_people


class PersonRequest(HttpRequest):
    """A request from a signed-in person (the views below require it), with htmx details."""

    user: Person
    htmx: HtmxDetails


def _form_error(form: forms.Form, error: AfterclassError, fallback: str | None = None) -> None:
    field = error.field if error.field in form.fields else fallback
    form.add_error(field, error.message)


def _page_or_partial(
    request: PersonRequest,
    template: str,
    partial: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    """The full page, or for an htmx request just the named partial of it."""
    wants_partial = bool(request.htmx) and not request.htmx.history_restore_request
    name = f"{template}#{partial}" if wants_partial else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _search(request: PersonRequest, form: PeopleFilterForm, *, manage: bool) -> Page[Person] | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    filters = DirectoryFilters(
        q=data["q"],
        department=data["department"],
        level=data["level"],
        include_deactivated=manage and data.get("status") != "active",
        ranked=not manage,
    )
    try:
        return search_people(request.user, filters, cursor=request.GET.get("cursor") or None)
    except InvalidInput as error:
        _form_error(form, error)
        return None
