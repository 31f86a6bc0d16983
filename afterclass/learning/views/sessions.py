"""Sessions: a page each, a .ics file each, and the space's calendar feed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from afterclass.core.errors import AfterclassError
from afterclass.core.http import SignedInRequest
from afterclass.learning.access import (
    access_session,
    check_is_facilitator,
    units_visible_filter,
)
from afterclass.learning.actions import do_create_session, do_delete_session, do_update_session
from afterclass.learning.calendar import calendar
from afterclass.learning.forms import (
    SessionForm,
    add_file_fields,
    show_action_error,
    without_files,
)
from afterclass.learning.models import Session
from afterclass.learning.views import learning_context, load_space
from afterclass.learning.views.files import discard, send_files
from afterclass.spaces.models import Space


def _ics(request: SignedInRequest, sessions: list[Session], name: str, file: str) -> HttpResponse:
    urls = {s.pk: request.build_absolute_uri(reverse("learning-session", args=[s.pk]))
            for s in sessions}  # fmt: skip
    body = calendar(sessions, host=request.get_host(), name=name, urls=urls)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file}"'
    return response


@login_required
@require_GET
def session_page(request: SignedInRequest, session_id: int) -> HttpResponse:
    session = access_session(request.user, session_id)
    context = learning_context(request, session.space, "learning")
    units = session.units.filter(units_visible_filter(request.user, session.space))
    context.update(session=session, facilitators=list(session.facilitators.all()),
                   units=list(units.order_by("position")),
                   files=list(session.attachments.order_by("position", "id")))  # fmt: skip
    return render(request, "learning/session.html", context)


@login_required
@require_GET
def session_ics(request: SignedInRequest, session_id: int) -> HttpResponse:
    session = access_session(request.user, session_id)
    return _ics(request, [session], session.title, f"session-{session.pk}.ics")


@login_required
@require_GET
def space_calendar(request: SignedInRequest, slug: str) -> HttpResponse:
    space = load_space(request, slug)
    sessions = list(Session.objects.filter(space=space).order_by("starts_at", "id"))
    return _ics(request, sessions, space.name, f"{space.slug}.ics")


def _form_page(
    request: SignedInRequest, space: Space, form: SessionForm, session: Session | None
) -> HttpResponse:
    """The session form, new or to edit; after a refused POST, with its errors (400)."""
    context = learning_context(request, space, "learning")
    context.update(form=form, session=session)
    status = 400 if request.method == "POST" else 200
    return render(request, "learning/session_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: SignedInRequest, slug: str) -> HttpResponse:
    space = load_space(request, slug)
    check_is_facilitator(request.user, space)
    form = SessionForm(request.POST or None, request.FILES or None)
    add_file_fields(form, [], label="Materials", actor=request.user)
    if request.method == "POST" and form.is_valid():
        sent: list[int] = []
        try:
            files = send_files(form, request.user, sent)
            session = do_create_session(space, actor=request.user,
                                        facilitator_ids=[request.user.pk]
                                        if not request.user.is_org_admin else [],
                                        attachment_ids=files,
                                        **without_files(form.cleaned_data))  # fmt: skip
        except AfterclassError as error:
            discard(sent, request.user)
            show_action_error(form, error)
        else:
            return redirect("learning-session", session.pk)
    return _form_page(request, space, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: SignedInRequest, session_id: int) -> HttpResponse:
    session = access_session(request.user, session_id)
    check_is_facilitator(request.user, session.space)
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(session.time_zone)
    initial = {
        "title": session.title,
        "description": session.description,
        "starts_at": session.starts_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": session.ends_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        "time_zone": session.time_zone,
        "place": session.place,
        "link": session.link,
    }
    form = SessionForm(request.POST or None, request.FILES or None, initial=initial)
    add_file_fields(form, list(session.attachments.order_by("position", "id")),
                    label="Add materials", actor=request.user)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        sent: list[int] = []
        try:
            files = send_files(form, request.user, sent)
            do_update_session(session, actor=request.user, attachment_ids=files,
                              **without_files(form.cleaned_data))  # fmt: skip
        except AfterclassError as error:
            discard(sent, request.user)
            show_action_error(form, error)
        else:
            return redirect("learning-session", session.pk)
    return _form_page(request, session.space, form, session)


@login_required
@require_POST
def session_delete(request: SignedInRequest, session_id: int) -> HttpResponse:
    session = access_session(request.user, session_id)
    do_delete_session(session, actor=request.user)
    return redirect("learning-space", session.space.slug)
