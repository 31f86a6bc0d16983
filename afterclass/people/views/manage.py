"""The organisation admin's pages: people, invitations, departments and the organisation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from afterclass.core.errors import Conflict, InvalidInput
from afterclass.core.forms import show_action_error
from afterclass.core.http import SignedInRequest, page_or_partial
from afterclass.people.access import (
    access_department,
    access_invitation,
    access_person,
    check_org_admin,
)
from afterclass.people.actions import (
    do_create_department,
    do_end_all_sessions,
    do_invite_people,
    do_rename_department,
    do_revoke_invitation,
    do_set_active,
    do_set_levels,
    do_set_org_admin,
    do_update_organisation,
    do_update_profile,
)
from afterclass.people.context import organisation as organisation_context
from afterclass.people.forms import (
    DepartmentForm,
    InvitationForm,
    LevelsForm,
    ManagePeopleFilterForm,
    OrganisationForm,
    PersonAdminForm,
    RenameDepartmentForm,
)
from afterclass.people.models import Organisation
from afterclass.people.queries import all_levels, department_tree, pending_invitations
from afterclass.people.views import _search

# --- Organisation admin: people -----------------------------------------------------------


@login_required
@require_GET
def manage_people(request: SignedInRequest) -> HttpResponse:
    check_org_admin(request.user)
    form = ManagePeopleFilterForm(
        request.GET,
        departments=department_tree(),
        levels=all_levels(),
        search_url=reverse("manage-people"),
    )
    page = _search(request, form, manage=True)
    return page_or_partial(
        request,
        "people/manage/people.html",
        "results",
        {"form": form, "page": page},
        status=400 if page is None else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_person(request: SignedInRequest, person_id: int) -> HttpResponse:
    me = request.user
    check_org_admin(me)
    target = access_person(me, person_id)
    departments, levels = department_tree(), all_levels()
    if request.method != "POST":
        initial = {
            "display_name": target.display_name,
            "job_title": target.job_title,
            "department": target.department_id,
            "level": target.level_id,
        }
        form = PersonAdminForm(initial=initial, departments=departments, levels=levels)
        return render(request, "people/manage/person.html", {"target": target, "form": form})
    form = PersonAdminForm(request.POST, departments=departments, levels=levels)
    if form.is_valid():
        try:
            do_update_profile(target, actor=me, **form.changes())
        except InvalidInput as error:
            show_action_error(form, error)
            target = access_person(me, person_id)
        else:
            messages.success(request, f"The details of {target.display_name} are saved.")
            return redirect("manage-person", person_id=target.pk)
    context = {"target": target, "form": form}
    return render(request, "people/manage/person.html", context, status=400)


@login_required
@require_POST
def manage_person_active(request: SignedInRequest, person_id: int) -> HttpResponse:
    check_org_admin(request.user)
    target = access_person(request.user, person_id)
    active = request.POST.get("active") == "1"
    try:
        do_set_active(target, active, actor=request.user)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        done = "reactivated" if active else "deactivated: they can no longer sign in"
        messages.success(request, f"{target.display_name} is {done}.")
    return redirect("manage-person", person_id=target.pk)


@login_required
@require_POST
def manage_person_admin(request: SignedInRequest, person_id: int) -> HttpResponse:
    check_org_admin(request.user)
    target = access_person(request.user, person_id)
    make_admin = request.POST.get("admin") == "1"
    do_set_org_admin(target, make_admin, actor=request.user)
    done = "now an organisation admin" if make_admin else "no longer an organisation admin"
    messages.success(request, f"{target.display_name} is {done}.")
    return redirect("manage-person", person_id=target.pk)


@login_required
@require_POST
def manage_person_sessions_end(request: SignedInRequest, person_id: int) -> HttpResponse:
    check_org_admin(request.user)
    target = access_person(request.user, person_id)
    ended = do_end_all_sessions(target, actor=request.user)
    plural = "session" if ended == 1 else "sessions"
    messages.success(
        request, f"{target.display_name} is signed out everywhere: {ended} {plural} ended."
    )
    return redirect("manage-person", person_id=target.pk)


# --- Organisation admin: invitations ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def manage_invitations(request: SignedInRequest) -> HttpResponse:
    me = request.user
    check_org_admin(me)
    if request.method == "POST":
        form = InvitationForm(request.POST, request.FILES)
    else:
        form = InvitationForm()
    if form.is_bound and form.is_valid():
        rows = form.cleaned_data["rows"]
        try:
            sent = do_invite_people(rows, actor=me)
        except InvalidInput as error:
            form.add_error(form.source_field, error.message)
        else:
            asked = len({row.email.strip().lower() for row in rows})
            message = f"Invitations sent: {len(sent)}."
            if asked > len(sent):
                message += f" {asked - len(sent)} already had an account and were skipped."
            messages.success(request, message)
            return redirect("manage-invitations")
    page = pending_invitations(me, cursor=request.GET.get("cursor") or None)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "page": page}
    return render(request, "people/manage/invitations.html", context, status=status)


@login_required
@require_POST
def manage_invitation_revoke(request: SignedInRequest, invitation_id: int) -> HttpResponse:
    invitation = access_invitation(request.user, invitation_id)
    try:
        do_revoke_invitation(invitation, actor=request.user)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The invitation for {invitation.email} is revoked.")
    return redirect("manage-invitations")


# --- Organisation admin: departments ------------------------------------------------------


def _render_departments(
    request: SignedInRequest,
    form: DepartmentForm | None = None,
    rename: tuple[int, RenameDepartmentForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    tree = department_tree()
    context = {
        "tree": tree,
        "form": form or DepartmentForm(departments=tree),
        "rename_id": rename[0] if rename else None,
        "rename_form": rename[1] if rename else None,
    }
    return render(request, "people/manage/departments.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def manage_departments(request: SignedInRequest) -> HttpResponse:
    check_org_admin(request.user)
    if request.method != "POST":
        return _render_departments(request)
    tree = department_tree()
    form = DepartmentForm(request.POST, departments=tree)
    if form.is_valid():
        parent = {department.pk: department for department in tree}.get(
            form.cleaned_data["parent"] or 0
        )
        try:
            created = do_create_department(
                form.cleaned_data["name"], actor=request.user, parent=parent
            )
        except (InvalidInput, Conflict) as error:
            show_action_error(form, error)
        else:
            kind = f"team in {parent.name}" if parent else "department"
            messages.success(request, f"Added the {kind} “{created.name}”.")
            return redirect("manage-departments")
    return _render_departments(request, form=form, status=400)


@login_required
@require_POST
def manage_department_rename(request: SignedInRequest, department_id: int) -> HttpResponse:
    department = access_department(request.user, department_id)
    form = RenameDepartmentForm(request.POST)
    if form.is_valid():
        try:
            do_rename_department(department, form.cleaned_data["name"], actor=request.user)
        except (InvalidInput, Conflict) as error:
            show_action_error(form, error, fallback="name")
        else:
            messages.success(request, f"Renamed to “{department.name}”.")
            return redirect("manage-departments")
    return _render_departments(request, rename=(department_id, form), status=400)


# --- Organisation admin: the organisation -------------------------------------------------


def _organisation_initial(organisation: Organisation) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "allowed_domains": "\n".join(organisation.allowed_domains),
        "anyone_can_create_spaces": organisation.anyone_can_create_spaces,
        "two_factor_required_for": organisation.two_factor_required_for,
        "erased_content": organisation.erased_content,
    }


def _render_organisation(
    request: SignedInRequest,
    form: OrganisationForm | None = None,
    levels_form: LevelsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    organisation: Organisation = organisation_context(request)["organisation"]
    if levels_form is None:
        levels_form = LevelsForm(
            initial={"levels": "\n".join(level.name for level in all_levels())}
        )
    context = {
        "form": form or OrganisationForm(initial=_organisation_initial(organisation)),
        "levels_form": levels_form,
    }
    return render(request, "people/manage/organisation.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def manage_organisation(request: SignedInRequest) -> HttpResponse:
    check_org_admin(request.user)
    if request.method != "POST":
        return _render_organisation(request)
    form = OrganisationForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            do_update_organisation(
                actor=request.user,
                name=data["name"],
                allowed_domains=data["allowed_domains"],
                anyone_can_create_spaces=data["anyone_can_create_spaces"],
                two_factor_required_for=data["two_factor_required_for"] or None,
                logo=data["logo"] or None,
                erased_content=data["erased_content"] or None,
            )
        except InvalidInput as error:
            show_action_error(form, error, fallback="logo" if error.field == "image" else None)
        else:
            messages.success(request, "The organisation settings are saved.")
            return redirect("manage-organisation")
    return _render_organisation(request, form=form, status=400)


@login_required
@require_POST
def manage_levels(request: SignedInRequest) -> HttpResponse:
    check_org_admin(request.user)
    form = LevelsForm(request.POST)
    if form.is_valid():
        try:
            do_set_levels(form.cleaned_data["levels"], actor=request.user)
        except (InvalidInput, Conflict) as error:
            show_action_error(form, error, fallback="levels")
        else:
            messages.success(request, "The management levels are saved.")
            return redirect("manage-organisation")
    return _render_organisation(request, levels_form=form, status=400)
