"""Manage → Provisioning (SCIM): the SCIM address and the tokens identity providers use."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from afterclass.core.errors import Conflict, InvalidInput
from afterclass.core.forms import show_action_error
from afterclass.core.http import SignedInRequest
from afterclass.people.access import check_org_admin
from afterclass.scim.access import access_provisioning_token
from afterclass.scim.actions import do_create_provisioning_token, do_revoke_provisioning_token
from afterclass.scim.forms import ProvisioningTokenForm
from afterclass.scim.models import ProvisioningToken

# A handful of tokens at most (one per identity provider, plus revoked ones): one short list.
SHOWN_TOKENS = 50


@login_required
@require_http_methods(["GET", "POST"])
def manage_provisioning(request: SignedInRequest) -> HttpResponse:
    me = request.user
    check_org_admin(me)
    new_token: str | None = None
    status = 200
    form = ProvisioningTokenForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        if form.is_valid():
            try:
                _, new_token = do_create_provisioning_token(form.cleaned_data["name"], actor=me)
            except InvalidInput as error:
                show_action_error(form, error)
            else:
                form = ProvisioningTokenForm()
        status = 200 if new_token else 400
    context = {
        "form": form,
        "new_token": new_token,
        "tokens": list(ProvisioningToken.objects.select_related("created_by")[:SHOWN_TOKENS]),
        "scim_url": request.build_absolute_uri("/scim/v2"),
    }
    response = render(request, "scim/manage.html", context, status=status)
    # The page may carry a token in clear text: never keep it in any cache.
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def manage_provisioning_token_revoke(request: SignedInRequest, token_id: int) -> HttpResponse:
    token = access_provisioning_token(request.user, token_id)
    try:
        do_revoke_provisioning_token(token, actor=request.user)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    return redirect("manage-provisioning")
