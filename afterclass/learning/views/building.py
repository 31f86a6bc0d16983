"""Facilitators build the programme: units, activities with their questions, order, copies."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from afterclass.core.errors import AfterclassError, InvalidInput, NotAllowed
from afterclass.core.http import SignedInRequest
from afterclass.learning.access import (
    access_activity,
    access_unit,
    check_is_facilitator,
    facilitated_space_ids,
)
from afterclass.learning.actions import (
    do_copy_units,
    do_create_activity,
    do_create_unit,
    do_delete_activity,
    do_delete_unit,
    do_move_activity,
    do_move_unit,
    do_reorder_activities,
    do_reorder_units,
    do_update_activity,
    do_update_unit,
)
from afterclass.learning.forms import (
    ActivityForm,
    CopyForm,
    MoveForm,
    UnitForm,
    add_file_fields,
    questions_text,
    show_action_error,
    without_files,
)
from afterclass.learning.models import Unit
from afterclass.learning.views import learning_context, load_space
from afterclass.learning.views.files import discard, send_files
from afterclass.spaces.models import Space


def _back(space: Space, anchor: str = "") -> HttpResponse:
    from django.urls import reverse

    url = reverse("learning-space", args=[space.slug])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _form_page(request: SignedInRequest, space: Space, template: str, status: int = 200,
               **extra: Any) -> HttpResponse:  # fmt: skip
    context = learning_context(request, space, "learning")
    context.update(extra)
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: SignedInRequest, slug: str) -> HttpResponse:
    space = load_space(request, slug)
    check_is_facilitator(request.user, space)
    form = UnitForm(
        request.POST or None,
        space_id=space.pk,
        initial={"release_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            unit = do_create_unit(space, actor=request.user, **form.cleaned_data)
        except AfterclassError as error:
            show_action_error(form, error)
        else:
            messages.success(request, f"Unit “{unit.title}” added.")
            return _back(space, f"unit-{unit.pk}")
    status = 400 if request.method == "POST" else 200
    return _form_page(request, space, "learning/unit_form.html", status, form=form, unit=None)


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: SignedInRequest, unit_id: int) -> HttpResponse:
    unit = access_unit(request.user, unit_id)
    space = unit.space
    check_is_facilitator(request.user, space)
    initial = {"title": unit.title, "description": unit.description, "session": unit.session,
               "release_at": timezone.localtime(unit.release_at),
               "due_at": timezone.localtime(unit.due_at) if unit.due_at else None}  # fmt: skip
    form = UnitForm(request.POST or None, space_id=space.pk, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            do_update_unit(unit, actor=request.user, **form.cleaned_data)
        except AfterclassError as error:
            show_action_error(form, error)
        else:
            return _back(space, f"unit-{unit.pk}")
    status = 400 if request.method == "POST" else 200
    return _form_page(request, space, "learning/unit_form.html", status, form=form, unit=unit)


@login_required
@require_POST
def unit_move(request: SignedInRequest, unit_id: int) -> HttpResponse:
    unit = access_unit(request.user, unit_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        do_move_unit(unit, actor=request.user, direction=form.cleaned_data["direction"] or None,
                     to=form.cleaned_data["position"])  # fmt: skip
    return _back(unit.space, f"unit-{unit.pk}")


@login_required
@require_POST
def unit_delete(request: SignedInRequest, unit_id: int) -> HttpResponse:
    unit = access_unit(request.user, unit_id)
    do_delete_unit(unit, actor=request.user)
    messages.success(request, f"Unit “{unit.title}” deleted.")
    return _back(unit.space)


def _order(request: SignedInRequest) -> list[int]:
    raw = request.POST.getlist("order")
    if not all(value.isdigit() for value in raw):
        raise InvalidInput("The new order must be a list of ids.", field="order")
    return [int(value) for value in raw]


@login_required
@require_POST
def units_order(request: SignedInRequest, slug: str) -> JsonResponse:
    """Drag and drop: `order` is every unit id of the space, once each, in the new order. The
    script gets the order kept, or why it was refused (400)."""
    space = load_space(request, slug)
    check_is_facilitator(request.user, space)
    try:
        order = do_reorder_units(space, _order(request), actor=request.user)
    except InvalidInput as error:
        return JsonResponse({"error": error.message}, status=400)
    return JsonResponse({"order": order})


@login_required
@require_POST
def activities_order(request: SignedInRequest, unit_id: int) -> JsonResponse:
    """Drag and drop: `order` is every activity id of the unit, once each, in the new order."""
    unit = access_unit(request.user, unit_id)
    check_is_facilitator(request.user, unit.space)
    try:
        order = do_reorder_activities(unit, _order(request), actor=request.user)
    except InvalidInput as error:
        return JsonResponse({"error": error.message}, status=400)
    return JsonResponse({"order": order})


def _activity_fields(form: ActivityForm) -> dict[str, Any]:
    data = without_files(form.cleaned_data)
    questions = data.pop("questions_text")
    data["questions"] = questions if data["kind"] == "quick_check" else None
    return data


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: SignedInRequest, unit_id: int) -> HttpResponse:
    unit = access_unit(request.user, unit_id)
    check_is_facilitator(request.user, unit.space)
    form = ActivityForm(request.POST or None, request.FILES or None,
                        initial={"kind": request.GET.get("kind", "reading")})  # fmt: skip
    add_file_fields(form, [], label="Files (optional)", actor=request.user)
    if request.method == "POST" and form.is_valid():
        fields = _activity_fields(form)
        fields.pop("is_closed")
        sent: list[int] = []
        try:
            files = send_files(form, request.user, sent)
            activity = do_create_activity(unit, actor=request.user, attachment_ids=files, **fields)
        except AfterclassError as error:
            discard(sent, request.user)
            show_action_error(form, error)
        else:
            messages.success(request, f"Activity “{activity.title}” added.")
            return _back(unit.space, f"unit-{unit.pk}")
    status = 400 if request.method == "POST" else 200
    return _form_page(request, unit.space, "learning/activity_form.html", status, form=form,
                      unit=unit, activity=None)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: SignedInRequest, activity_id: int) -> HttpResponse:
    activity = access_activity(request.user, activity_id)
    space = activity.unit.space
    check_is_facilitator(request.user, space)
    initial = {"kind": activity.kind, "title": activity.title,
               "instructions": activity.instructions,
               "shared_with_group": activity.shared_with_group, "is_closed": activity.is_closed,
               "questions_text": questions_text(list(activity.questions.all()))}  # fmt: skip
    form = ActivityForm(request.POST or None, request.FILES or None, initial=initial)
    form.fields["kind"].disabled = True
    add_file_fields(form, list(activity.attachments.order_by("position", "id")),
                    label="Add files", actor=request.user)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        fields = _activity_fields(form)
        fields.pop("kind")
        sent: list[int] = []
        try:
            files = send_files(form, request.user, sent)
            do_update_activity(activity, actor=request.user, attachment_ids=files, **fields)
        except AfterclassError as error:
            discard(sent, request.user)
            show_action_error(form, error)
        else:
            return _back(space, f"unit-{activity.unit_id}")
    status = 400 if request.method == "POST" else 200
    return _form_page(request, space, "learning/activity_form.html", status, form=form,
                      unit=activity.unit, activity=activity)  # fmt: skip


@login_required
@require_POST
def activity_move(request: SignedInRequest, activity_id: int) -> HttpResponse:
    activity = access_activity(request.user, activity_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        do_move_activity(activity, actor=request.user,
                         direction=form.cleaned_data["direction"] or None,
                         to=form.cleaned_data["position"])  # fmt: skip
    return _back(activity.unit.space, f"unit-{activity.unit_id}")


@login_required
@require_POST
def activity_delete(request: SignedInRequest, activity_id: int) -> HttpResponse:
    activity = access_activity(request.user, activity_id)
    do_delete_activity(activity, actor=request.user)
    messages.success(request, f"Activity “{activity.title}” deleted.")
    return _back(activity.unit.space, f"unit-{activity.unit_id}")


@login_required
@require_http_methods(["GET", "POST"])
def copy_units(request: SignedInRequest, slug: str) -> HttpResponse:
    space = load_space(request, slug)
    check_is_facilitator(request.user, space)
    sources = list(
        Space.objects.filter(pk__in=facilitated_space_ids(request.user)).exclude(pk=space.pk)
        .filter(pk__in=Unit.objects.values("space_id")).order_by("name")
    )  # fmt: skip
    form = CopyForm(request.POST or None)
    form.fields["source"].choices = [(s.slug, s.name) for s in sources]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        source = next(s for s in sources if s.slug == form.cleaned_data["source"])
        try:
            copies = do_copy_units(
                space,
                source,
                actor=request.user,
                first_release_at=form.cleaned_data["first_release_at"],
            )
        except (AfterclassError, NotAllowed) as error:
            show_action_error(form, error)
        else:
            messages.success(request, f"Copied {len(copies)} unit(s) from {source.name}.")
            return _back(space)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, space, "learning/copy.html", status, form=form, sources=sources)
