"""My own pages: my profile, my picture and my access tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from afterclass.core.errors import Conflict, InvalidInput
from afterclass.core.forms import show_action_error
from afterclass.core.http import SignedInRequest
from afterclass.people.access import access_own_token
from afterclass.people.actions import (
    do_create_access_token,
    do_revoke_access_token,
    do_set_avatar,
    do_update_profile,
)
from afterclass.people.forms import AccessTokenForm, AvatarForm, ProfileForm
from afterclass.people.models import Person
from afterclass.people.queries import access_tokens_of


def profile_initial(person: Person) -> dict[str, Any]:
    return {
        "display_name": person.display_name,
        "job_title": person.job_title,
        "bio": person.bio,
        "interests": ", ".join(person.interests),
    }


def _render_my_profile(
    request: SignedInRequest, profile_form: ProfileForm, avatar_form: AvatarForm, status: int = 200
) -> HttpResponse:
    context = {"profile_form": profile_form, "avatar_form": avatar_form}
    return render(request, "people/my_profile.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def my_profile(request: SignedInRequest) -> HttpResponse:
    me = request.user
    if request.method != "POST":
        return _render_my_profile(request, ProfileForm(initial=profile_initial(me)), AvatarForm())
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            do_update_profile(me, actor=me, **form.cleaned_data)
        except InvalidInput as error:
            me.refresh_from_db()  # the action may have changed the object before refusing
            show_action_error(form, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("my-profile")
    return _render_my_profile(request, form, AvatarForm(), status=400)


@login_required
@require_POST
def my_avatar(request: SignedInRequest) -> HttpResponse:
    me = request.user
    form = AvatarForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            do_set_avatar(me, form.cleaned_data["avatar"], actor=me)
        except InvalidInput as error:
            form.add_error("avatar", error.message)
        else:
            messages.success(request, "Your picture is changed.")
            return redirect("my-profile")
    profile_form = ProfileForm(initial=profile_initial(me))
    return _render_my_profile(request, profile_form, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def my_tokens(request: SignedInRequest) -> HttpResponse:
    me = request.user
    new_token: str | None = None
    status = 200
    form = AccessTokenForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        if form.is_valid():
            try:
                _, new_token = do_create_access_token(
                    me,
                    form.cleaned_data["name"],
                    actor=me,
                    scope=form.cleaned_data["scope"],
                    expires_at=form.expires_at(),
                )
            except InvalidInput as error:
                show_action_error(form, error, renamed={"expires_at": "expires_on"})
            else:
                form = AccessTokenForm()
        status = 200 if new_token else 400
    page = access_tokens_of(me, cursor=request.GET.get("cursor") or None)
    context = {"form": form, "page": page, "new_token": new_token}
    response = render(request, "people/my_tokens.html", context, status=status)
    # The page may carry a token in clear text: never keep it in any cache.
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def my_token_revoke(request: SignedInRequest, token_id: int) -> HttpResponse:
    token = access_own_token(request.user, token_id)
    try:
        do_revoke_access_token(token, actor=request.user)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    # Revoked from the Sessions and tokens page or from the tokens page: back where it was.
    return redirect("my-sessions" if request.POST.get("back") == "sessions" else "my-tokens")
