"""The first visit's welcome, step one (my profile) and its end (finished or skipped).

The steps after it, spaces to join and a first post, are spaces' (spaces/views/onboarding.py):
they read spaces, which people does not import. Each step goes on to the next by its URL name.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from afterclass.core.errors import InvalidInput
from afterclass.core.forms import show_action_error
from afterclass.core.http import SignedInRequest
from afterclass.people.actions import do_finish_onboarding, do_set_avatar, do_update_profile
from afterclass.people.forms import AvatarForm, FillInDepartmentForm, ProfileForm
from afterclass.people.queries import department_tree
from afterclass.people.views.me import profile_initial


def _department_form(request: SignedInRequest) -> FillInDepartmentForm | None:
    if request.user.department_id is not None:
        return None
    data = request.POST if request.method == "POST" else None
    return FillInDepartmentForm(data, departments=department_tree())


def _save(
    request: SignedInRequest,
    profile_form: ProfileForm,
    avatar_form: AvatarForm,
    department_form: FillInDepartmentForm | None,
) -> bool:
    me = request.user
    picture = "avatar" in request.FILES
    valid = profile_form.is_valid()
    valid = (department_form is None or department_form.is_valid()) and valid
    valid = (not picture or avatar_form.is_valid()) and valid
    if not valid:
        return False
    fields: dict[str, Any] = dict(profile_form.cleaned_data)
    if department_form is not None and department_form.chosen() is not None:
        fields["department"] = department_form.chosen()
    try:
        do_update_profile(me, actor=me, **fields)
        if picture:
            do_set_avatar(me, avatar_form.cleaned_data["avatar"], actor=me)
    except InvalidInput as error:
        me.refresh_from_db()  # the action may have changed the object before refusing
        if error.field == "avatar":
            avatar_form.add_error("avatar", error.message)
        elif error.field == "department" and department_form is not None:
            show_action_error(department_form, error)
        else:
            show_action_error(profile_form, error)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def welcome_profile(request: SignedInRequest) -> HttpResponse:
    """Step 1: a picture, department, job title and what to ask me about, with the profile's
    own forms and action. "Later" goes on without saving."""
    me = request.user
    department_form = _department_form(request)
    if request.method == "POST":
        profile_form = ProfileForm(request.POST)
        avatar_form = AvatarForm(request.POST, request.FILES)
        if _save(request, profile_form, avatar_form, department_form):
            return redirect("onboarding-spaces")
        status = 400
    else:
        profile_form = ProfileForm(initial=profile_initial(me))
        avatar_form = AvatarForm()
        status = 200
    avatar_form.fields["avatar"].required = False
    context = {
        "profile_form": profile_form,
        "avatar_form": avatar_form,
        "department_form": department_form,
        "step": 1,
    }
    return render(request, "people/onboarding/profile.html", context, status=status)


@login_required
@require_POST
def welcome_done(request: SignedInRequest) -> HttpResponse:
    """Finish (or skip) the welcome, then go where the pressed button said: the composer in a
    space just joined, or the feed."""
    do_finish_onboarding(request.user, actor=request.user)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("home-feed")
