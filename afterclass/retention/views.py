"""Manage → Retention (the organisation's default) and a space's retention page: each rule is
previewed (counts per space) before it is switched on; organisation admins change them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from afterclass.core.errors import InvalidInput
from afterclass.core.forms import show_action_error
from afterclass.core.http import SignedInRequest
from afterclass.people.access import check_org_admin, is_org_admin
from afterclass.retention.actions import (
    do_set_legal_hold,
    do_set_organisation_retention,
    do_set_space_retention,
)
from afterclass.retention.forms import LegalHoldForm, RuleForm, SpaceRuleForm
from afterclass.retention.models import SpaceRule
from afterclass.retention.queries import (
    Rule,
    effective_rule,
    held_spaces,
    latest_runs,
    organisation_rule,
    preview_organisation_rule,
    preview_space_rule,
    space_retention,
    spaces_with_own_rules,
)
from afterclass.spaces.access import access_space, check_can_manage
from afterclass.spaces.models import Space
from afterclass.spaces.views import space_context


def _organisation_page(
    request: SignedInRequest, form: RuleForm, *, preview: Any = None, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "rule": organisation_rule(),
        "preview": preview,
        "own_rules": spaces_with_own_rules(),
        "holds": held_spaces(),
        "runs": latest_runs(),
    }
    return render(request, "retention/organisation.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_retention(request: SignedInRequest) -> HttpResponse:
    """GET: the rule in force. POST "preview": what a rule would take, per space, with the
    button that switches it on; POST "switch_on": save it."""
    check_org_admin(request.user)
    if request.method != "POST":
        current = organisation_rule()
        return _organisation_page(
            request, RuleForm(initial={"action": current.action, "months": current.months})
        )
    form = RuleForm(request.POST)
    if not form.is_valid():
        return _organisation_page(request, form, status=400)
    rule = Rule(form.cleaned_data["action"], form.cleaned_data["months"])
    if "switch_on" not in request.POST:
        preview = preview_organisation_rule(rule, now=timezone.now())
        return _organisation_page(request, form, preview={"rule": rule, "spaces": preview})
    try:
        do_set_organisation_retention(rule.action, rule.months, actor=request.user)
    except InvalidInput as error:
        show_action_error(form, error)
        return _organisation_page(request, form, status=error.status)
    messages.success(request, "The organisation's retention rule is switched on.")
    return redirect("manage-retention")


def _space_page(
    request: SignedInRequest,
    space: Space,
    *,
    form: SpaceRuleForm | None = None,
    hold_form: LegalHoldForm | None = None,
    preview: Any = None,
    status: int = 200,
) -> HttpResponse:
    row = space_retention(space)
    default = organisation_rule()
    context: dict[str, Any] = {
        **space_context(request, space, "settings"),
        "row": row,
        "default": default,
        "rule": effective_rule(row, default),
        "may_change": is_org_admin(request.user),
        "form": form or SpaceRuleForm(initial={"action": row.action, "months": row.months}),
        "hold_form": hold_form or LegalHoldForm(),
        "preview": preview,
        "previews": [preview] if preview is not None else [],
    }
    return render(request, "retention/space.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def space_retention_page(request: SignedInRequest, slug: str) -> HttpResponse:
    """The space's owners see its rule and hold; organisation admins preview and change them."""
    space = access_space(request.user, slug)
    check_can_manage(request.user, space)
    if request.method != "POST":
        return _space_page(request, space)
    check_org_admin(request.user)
    form = SpaceRuleForm(request.POST)
    if not form.is_valid():
        return _space_page(request, space, form=form, status=400)
    action, months = form.cleaned_data["action"], form.cleaned_data["months"]
    if "switch_on" not in request.POST:
        rule = organisation_rule() if action == SpaceRule.DEFAULT else Rule(action, months)
        preview = preview_space_rule(space, rule, now=timezone.now())
        return _space_page(request, space, form=form, preview=preview)
    try:
        do_set_space_retention(space, action, months, actor=request.user)
    except InvalidInput as error:
        show_action_error(form, error)
        return _space_page(request, space, form=form, status=error.status)
    messages.success(request, "This space's retention rule is switched on.")
    return redirect("space-retention", space.slug)


@login_required
@require_POST
def space_legal_hold(request: SignedInRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    check_org_admin(request.user)
    on = request.POST.get("hold") == "on"
    hold_form = LegalHoldForm(request.POST if on else None)
    if on and not hold_form.is_valid():
        return _space_page(request, space, hold_form=hold_form, status=400)
    reason = hold_form.cleaned_data["reason"] if on else ""
    try:
        do_set_legal_hold(space, on, reason=reason, actor=request.user)
    except InvalidInput as error:
        show_action_error(hold_form, error)
        return _space_page(request, space, hold_form=hold_form, status=error.status)
    messages.success(
        request, "The legal hold is on: nothing here will be deleted by retention."
        if on else "The legal hold is lifted."
    )  # fmt: skip
    return redirect("space-retention", space.slug)
