"""People pages: the directory and profiles, my profile and tokens, accepting an invitation,
and the organisation admin's pages for people, invitations, departments and settings.

This module holds what the people pages share; the pages are in `directory`, `me`,
`invitations` and `manage`.
"""

from __future__ import annotations

from afterclass.core.errors import InvalidInput
from afterclass.core.forms import show_action_error
from afterclass.core.http import SignedInRequest
from afterclass.core.pagination import Page
from afterclass.people.forms import PeopleFilterForm
from afterclass.people.models import Person
from afterclass.people.queries import DirectoryFilters, search_people


def _search(
    request: SignedInRequest, form: PeopleFilterForm, *, manage: bool
) -> Page[Person] | None:
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
        show_action_error(form, error)
        return None
