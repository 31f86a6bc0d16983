"""Accepting an invitation: creating the account from the link in the e-mail."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from afterclass.core.errors import AfterclassError, Conflict, InvalidInput, NotFound
from afterclass.core.forms import show_action_error
from afterclass.people.actions import do_register_invited_person, find_invitation
from afterclass.people.forms import AcceptInvitationForm


@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = find_invitation(token)
    except NotFound as error:
        return _invitation_unusable(request, error, status=404)
    except Conflict as error:
        return _invitation_unusable(request, error, status=410)
    context: dict[str, Any] = {"invitation": invitation}
    if request.user.is_authenticated:
        return render(request, "people/accept_invitation.html", context)
    form = AcceptInvitationForm(
        request.POST if request.method == "POST" else None,
        email=invitation.email,
        initial={"display_name": invitation.display_name},
    )
    if form.is_bound and form.is_valid():
        try:
            person = do_register_invited_person(
                invitation,
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password1"],
            )
        except InvalidInput as error:
            show_action_error(
                form, error, fallback="password1" if error.field == "password" else None
            )
        except Conflict as error:
            return _invitation_unusable(request, error, status=409)
        else:
            login(request, person, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {person.display_name}. Your account is ready.")
            return redirect("onboarding")
    context["form"] = form
    status = 400 if form.is_bound else 200
    return render(request, "people/accept_invitation.html", context, status=status)


def _invitation_unusable(request: HttpRequest, error: AfterclassError, status: int) -> HttpResponse:
    context = {"message": error.message}
    return render(request, "people/invitation_unusable.html", context, status=status)
