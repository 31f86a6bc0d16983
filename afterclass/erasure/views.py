"""Manage → People → a person → Erase: the confirmation page and its answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from afterclass.core.errors import InvalidInput, NotAllowed
from afterclass.core.forms import show_action_error
from afterclass.core.http import SignedInRequest
from afterclass.erasure.access import erasure_refusal
from afterclass.erasure.forms import ErasureForm
from afterclass.erasure.models import Erasure
from afterclass.erasure.request import do_continue_erasure, do_request_erasure
from afterclass.people.access import access_person, check_org_admin
from afterclass.people.models import Organisation


@login_required
@require_http_methods(["GET", "POST"])
def erase_person(request: SignedInRequest, person_id: int) -> HttpResponse:
    check_org_admin(request.user)
    target = access_person(request.user, person_id)
    erasure = Erasure.objects.filter(person=target).first()
    refusal = None if erasure else erasure_refusal(request.user, target)
    if request.method == "POST" and erasure is not None and not erasure.is_done:
        do_continue_erasure(erasure, actor=request.user)
        messages.success(request, "The erasure continues from where it stopped.")
        return redirect("manage-person-erase", person_id=target.pk)
    status = 200
    if request.method == "POST" and erasure is None and refusal is None:
        form = ErasureForm(request.POST)
        if form.is_valid():
            try:
                erasure = do_request_erasure(
                    target,
                    actor=request.user,
                    content=form.cleaned_data["content"],
                    confirm=form.cleaned_data["confirm"],
                )
            except (InvalidInput, NotAllowed) as error:
                show_action_error(form, error)
            else:
                messages.success(
                    request,
                    f"The erasure has started (reference {erasure.reference}). They can no "
                    "longer sign in; the rest finishes in the background.",
                )
                return redirect("manage-person-erase", person_id=target.pk)
        status = 400
    else:
        form = ErasureForm(initial={"content": Organisation.current().erased_content})
        status = 403 if request.method == "POST" and refusal else 200
    context = {"target": target, "form": form, "erasure": erasure, "refusal": refusal}
    return render(request, "erasure/erase.html", context, status=status)
