"""The people directory and a person's profile."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from afterclass.core.http import SignedInRequest, page_or_partial
from afterclass.people.access import access_person
from afterclass.people.forms import PeopleFilterForm
from afterclass.people.queries import all_levels, department_tree
from afterclass.people.views import _search
from afterclass.posts.activity import contributions
from afterclass.posts.experts import go_to_for


@login_required
@require_GET
def people_directory(request: SignedInRequest) -> HttpResponse:
    form = PeopleFilterForm(
        request.GET,
        departments=department_tree(),
        levels=all_levels(),
        search_url=reverse("people-directory"),
    )
    page = _search(request, form, manage=False)
    return page_or_partial(
        request,
        "people/directory.html",
        "results",
        {"form": form, "page": page},
        status=400 if page is None else 200,
    )


@login_required
@require_GET
def person_profile(request: SignedInRequest, person_id: int) -> HttpResponse:
    profile = access_person(request.user, person_id)
    context = {
        "profile": profile,
        "activity": contributions(profile, request.user),
        "go_to_for": go_to_for(profile, request.user),
    }
    return render(request, "people/profile.html", context)
