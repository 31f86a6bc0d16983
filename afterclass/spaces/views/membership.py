"""Joining and leaving a space; its members and join requests (moderators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from afterclass.core.confirm import confirm_first
from afterclass.core.errors import Conflict, InvalidInput
from afterclass.core.http import SignedInRequest, next_url
from afterclass.spaces.access import (
    access_space,
    check_can_manage,
    check_can_moderate,
    check_can_view_content,
    my_place,
)
from afterclass.spaces.actions import (
    do_ban_member,
    do_decide_requests,
    do_invite_department_to_space,
    do_invite_to_space,
    do_join_space,
    do_leave_space,
    do_remove_member,
    do_set_member_role,
)
from afterclass.spaces.forms import (
    DecideRequestsForm,
    InviteDepartmentForm,
    InvitePeopleForm,
    JoinForm,
    MemberActionForm,
    show_action_error,
)
from afterclass.spaces.models import JoinPolicy, MembershipState, Role, Space
from afterclass.spaces.queries import members_of
from afterclass.spaces.views import space_context


@login_required
@require_http_methods(["GET", "POST"])
def join(request: SignedInRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    context = space_context(request, space, "join")
    refusal = context["join_refusal"]
    questions = (
        list(space.membership_questions or []) if space.join_policy == JoinPolicy.REQUEST else []
    )
    posted = request.method == "POST"
    form = JoinForm(request.POST if posted else None, questions=questions)
    status = 200
    if posted and refusal:
        status = 403
    elif posted:
        status = 400
        if form.is_valid():
            try:
                membership = do_join_space(space, actor=request.user, answers=form.answers())
            except (InvalidInput, Conflict) as error:
                show_action_error(form, error)
                status = error.status
            else:
                if membership.state == MembershipState.PENDING:
                    messages.success(
                        request,
                        f"Your request to join “{space.name}” is sent. A moderator will "
                        "look at it soon.",
                    )
                else:
                    messages.success(
                        request,
                        f"Welcome to “{space.name}”. Please read and accept its ground rules "
                        "before you take part.",
                    )
                return redirect("space-home", space.slug)
    context.update({"form": form, "refusal": refusal, "questions": questions})
    return render(request, "spaces/join.html", context, status=status)


@login_required
@require_POST
def leave(request: SignedInRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    asked = confirm_first(
        request,
        question=f"Leave “{space.name}”?",
        consequence="You stop hearing from it; your posts stay. You may join again.",
        button="Leave",
        back=reverse("space-home", args=[space.slug]),
    )
    if asked is not None:
        return asked
    was_pending = my_place(request.user, space).state == MembershipState.PENDING
    try:
        do_leave_space(space, actor=request.user)
    except Conflict as error:
        messages.error(request, error.message)
        return redirect("space-home", space.slug)
    if was_pending:
        messages.success(request, f"Your request to join “{space.name}” is withdrawn.")
    else:
        messages.success(request, f"You have left “{space.name}”.")
    return redirect("space-directory")


# --- Members and requests (moderators) -------------------------------------------------------


def _members_page(
    request: SignedInRequest,
    space: Space,
    *,
    invite_form: InvitePeopleForm | None = None,
    department_form: InviteDepartmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    page = members_of(space, cursor=request.GET.get("cursor"))
    context = space_context(request, space, "members")
    context.update({"page": page, "next_url": next_url(request, page.next), "roles": Role.choices})
    if context["can_moderate"]:
        context["invite_form"] = invite_form or InvitePeopleForm(viewer=request.user)
        context["department_form"] = department_form or InviteDepartmentForm()
    return render(request, "spaces/members.html", context, status=status)


@login_required
@require_GET
def members(request: SignedInRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    check_can_view_content(request.user, space)
    return _members_page(request, space)


def _added_message(count: int) -> str:
    if count == 0:
        return "Nobody was added: they are already members, or were banned from this space."
    return f"Added {count} {'person' if count == 1 else 'people'} as members."


@login_required
@require_POST
def invite_people(request: SignedInRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    check_can_moderate(request.user, space)
    form = InvitePeopleForm(request.POST, viewer=request.user)
    if form.is_valid():
        try:
            added = do_invite_to_space(space, form.cleaned_data["emails"], actor=request.user)
        except (InvalidInput, Conflict) as error:
            show_action_error(form, error)
        else:
            messages.success(request, _added_message(len(added)))
            return redirect("space-members", space.slug)
    return _members_page(request, space, invite_form=form, status=400)


@login_required
@require_POST
def invite_department(request: SignedInRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    check_can_moderate(request.user, space)
    form = InviteDepartmentForm(request.POST)
    if form.is_valid():
        department = form.cleaned_data["department"]
        try:
            added = do_invite_department_to_space(space, department, actor=request.user)
        except (InvalidInput, Conflict) as error:
            show_action_error(form, error)
        else:
            messages.success(request, f"{department.path}: {_added_message(len(added))}")
            return redirect("space-members", space.slug)
    return _members_page(request, space, department_form=form, status=400)


@login_required
@require_POST
def member(request: SignedInRequest, slug: str, membership_id: int) -> HttpResponse:
    space = access_space(request.user, slug)
    check_can_moderate(request.user, space)
    form = MemberActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to do: remove, ban, or change the role.")
        return redirect("space-members", space.slug)
    action = form.cleaned_data["action"]
    if action == "ban":
        asked = confirm_first(
            request,
            question="Ban this member?",
            consequence="They leave the space and cannot join again until the ban is lifted.",
            button="Ban",
            back=reverse("space-members", args=[space.slug]),
        )
        if asked is not None:
            return asked
    try:
        if action == "remove":
            membership = do_remove_member(space, membership_id, actor=request.user)
            done = f"{membership.person} is no longer a member. They may join again."
        elif action == "ban":
            membership = do_ban_member(space, membership_id, actor=request.user)
            done = f"{membership.person} is banned from this space."
        else:
            check_can_manage(request.user, space)
            role = form.cleaned_data["role"]
            membership = do_set_member_role(space, membership_id, role, actor=request.user)
            done = f"{membership.person} is now {membership.get_role_display().lower()}."
    except (InvalidInput, Conflict) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("space-members", space.slug)


@login_required
@require_http_methods(["GET", "POST"])
def requests(request: SignedInRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    check_can_moderate(request.user, space)
    if request.method == "POST":
        return _decide(request, space)
    page = members_of(space, state=MembershipState.PENDING, cursor=request.GET.get("cursor"))
    context = space_context(request, space, "requests")
    context.update({"page": page, "next_url": next_url(request, page.next)})
    return render(request, "spaces/requests.html", context)


def _decide(request: SignedInRequest, space: Space) -> HttpResponse:
    """Approve or decline; an htmx click on one row gets that row back, already decided."""
    form = DecideRequestsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose at least one request, then approve or decline.")
        return _after_decision(request, space)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        decided = do_decide_requests(
            space, form.cleaned_data["ids"], approve=approve, actor=request.user
        )
    except (InvalidInput, Conflict) as error:
        messages.error(request, f"{error.message} Nothing was changed.")
        return _after_decision(request, space)
    if request.htmx and len(decided) == 1:
        # The row comes back decided, and the two waiting counts are swapped in beside it.
        space.refresh_from_db(fields=["pending_count", "member_count"])
        return render(
            request,
            "spaces/requests.html#request-row",
            {"space": space, "membership": decided[0], "oob": True},
        )
    count = len(decided)
    noun = "request" if count == 1 else "requests"
    messages.success(request, f"{'Approved' if approve else 'Declined'} {count} {noun}.")
    return _after_decision(request, space)


def _after_decision(request: SignedInRequest, space: Space) -> HttpResponse:
    if request.htmx:
        # The page shows the message and the list as it now is.
        return HttpResponseClientRefresh()
    return redirect("space-requests", space.slug)
