"""The space directory (my spaces, discover) and creating a space."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from afterclass.core.errors import Conflict, InvalidInput
from afterclass.core.http import SignedInRequest, next_url, page_or_partial
from afterclass.spaces.access import can_create_space, check_can_create_space
from afterclass.spaces.actions import do_create_space
from afterclass.spaces.forms import CreateSpaceForm, show_action_error
from afterclass.spaces.models import Audience, JoinPolicy, Mode, Template, Visibility
from afterclass.spaces.queries import JOINABLE, MY_SPACES, space_directory


@login_required
@require_GET
def directory(request: SignedInRequest) -> HttpResponse:
    which = JOINABLE if request.GET.get("tab") == JOINABLE else MY_SPACES
    q = request.GET.get("q", "").strip()
    page = space_directory(request.user, which=which, q=q, cursor=request.GET.get("cursor"))
    context = {
        "page": page,
        "next_url": next_url(request, page.next),
        "tab": which,
        "q": q,
        "can_create": can_create_space(request.user),
    }
    return page_or_partial(request, "spaces/directory.html", "space-list", context)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: SignedInRequest) -> HttpResponse:
    check_can_create_space(request.user)
    initial = {
        "mode": Mode.INFORMAL,
        "audience": Audience.ORGANISATION,
        "template": Template.DISCUSSION,
        "visibility": Visibility.LISTED,
        "join_policy": JoinPolicy.OPEN,
    }
    posted = request.method == "POST"
    form = CreateSpaceForm(
        request.POST if posted else None, request.FILES if posted else None, initial=initial
    )
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                space = do_create_space(
                    actor=request.user,
                    name=data["name"],
                    purpose=data["purpose"],
                    rules=data["rules"],
                    slug=data["slug"] or None,
                    audience_departments=data["audience_departments"],
                    cover=data["cover"],
                    **form.space_fields(),
                )
            except (InvalidInput, Conflict) as error:
                show_action_error(form, error)
                status = error.status
            else:
                messages.success(
                    request,
                    f"“{space.name}” is created and in planning: only its members can see it "
                    "until you launch it.",
                )
                return redirect("space-home", space.slug)
    return render(request, "spaces/create.html", {"form": form}, status=status)
