"""Notification pages: the centre (a list by day, mark read, open), the bell's count, the
settings (one small form per row) and the one-click unsubscribe of e-mails.

Every page answers without JavaScript; with htmx, the same URL returns just the part that
changed, and "bell-changed" (HX-Trigger) tells the bell in the header to count again."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from afterclass.core.errors import InvalidInput
from afterclass.core.http import SignedInRequest, page_or_partial
from afterclass.core.pagecache import remembered_page
from afterclass.notifications.access import access_notification
from afterclass.notifications.actions import (
    do_mark_all_read,
    do_mark_read,
    do_set_email_settings,
    do_set_preference,
    do_set_space_level,
)
from afterclass.notifications.email import person_for_unsubscribe
from afterclass.notifications.forms import (
    DigestForm,
    KindChannelForm,
    NoEmailForm,
    SpaceLevelForm,
)
from afterclass.notifications.models import NotificationKind
from afterclass.notifications.queries import (
    by_day,
    email_row,
    kind_row,
    kind_rows,
    notifications_for,
    space_row,
    space_rows,
    unread_count,
    unread_label,
)
from afterclass.spaces.access import access_space, check_can_view_content, is_signed_in

BELL_CHANGED = "bell-changed"


def _local(url: str | None, request: HttpRequest) -> bool:
    """Only a path on this site: never another host, nor a scheme like javascript:."""
    return bool(
        url
        and url.startswith("/")
        and not url.startswith("//")
        and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()})
    )


def _day(raw: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


# --- The centre -----------------------------------------------------------------------------


def _centre_context(request: SignedInRequest, cursor: str | None) -> dict[str, Any]:
    page = notifications_for(request.user, cursor)
    days = by_day(page.items, continues=_day(request.GET.get("day")))
    more_url = None
    if page.next and days:
        params = request.GET.copy()
        params["cursor"] = page.next
        params["day"] = days[-1].date.isoformat()
        more_url = f"{reverse('notifications')}?{params.urlencode()}"
    return {"page": page, "days": days, "more_url": more_url, "first_page": cursor is None}


@login_required
@require_GET
@remembered_page
def centre(request: SignedInRequest) -> HttpResponse:
    context = _centre_context(request, request.GET.get("cursor"))
    return page_or_partial(request, "notifications/centre.html", "page", context)


@login_required
@require_GET
def open_notification(request: SignedInRequest, notification_id: int) -> HttpResponse:
    """Follow a notification to its target, marking it read on the way."""
    notification = access_notification(request.user, notification_id)
    if notification.read_at is None:
        do_mark_read([notification.pk], actor=request.user)
    if _local(notification.url, request):
        return HttpResponseRedirect(notification.url)
    return redirect("notifications")


@login_required
@require_POST
def mark_read(request: SignedInRequest, notification_id: int) -> HttpResponse:
    notification = access_notification(request.user, notification_id)
    if notification.read_at is None:
        do_mark_read([notification.pk], actor=request.user)
        notification.refresh_from_db(fields=["read_at"])
    if not request.htmx:
        return redirect("notifications")
    response = render(
        request, "notifications/centre.html#notification", {"notification": notification}
    )
    return trigger_client_event(response, BELL_CHANGED, after="receive")


@login_required
@require_POST
def mark_all_read(request: SignedInRequest) -> HttpResponse:
    marked = do_mark_all_read(actor=request.user)
    if not request.htmx:
        messages.success(request, "All notifications are marked read." if marked else
                         "There was nothing unread.")  # fmt: skip
        return redirect("notifications")
    response = render(request, "notifications/centre.html#page", _centre_context(request, None))
    return trigger_client_event(response, BELL_CHANGED, after="receive")


def bell(request: HttpRequest) -> HttpResponse:
    """The bell's count, loaded by htmx after the page (no page render pays for it)."""
    if not is_signed_in(request.user):
        return HttpResponse(status=204)  # htmx leaves the plain link in place
    count = unread_count(request.user)
    # Rendered without the request: the context processors would cost a query on every page.
    html = render_to_string(
        "notifications/_bell.html", {"count": count, "label": unread_label(count)}
    )
    return HttpResponse(html)


# --- Settings -------------------------------------------------------------------------------


def _saved(request: SignedInRequest, template: str, row: Any, anchor: str) -> HttpResponse:
    if request.htmx:
        return render(request, template, {"row": row, "saved": True})
    messages.success(request, "Saved.")
    back = request.POST.get("next")
    if _local(back, request):
        return HttpResponseRedirect(str(back))
    return HttpResponseRedirect(f"{reverse('notification-settings')}#{anchor}")


def _refused(
    request: SignedInRequest, template: str, row: Any, error: InvalidInput
) -> HttpResponse:
    """htmx swaps no 4xx answer (and the CSP allows no script to change that): the row comes
    back with the reason and a 200; without JavaScript, the error page with a 400."""
    if not request.htmx:
        raise error
    return render(request, template, {"row": row, "error": error.message})


@login_required
@require_GET
def settings_page(request: SignedInRequest) -> HttpResponse:
    person = request.user
    context = {
        "kinds": kind_rows(person),
        "spaces": space_rows(person),
        "email": email_row(person),
    }
    return render(request, "notifications/settings.html", context)


@login_required
@require_POST
def set_kind(request: SignedInRequest, kind: str) -> HttpResponse:
    if kind not in NotificationKind.values:
        raise InvalidInput("There is no such kind of notification.", field="kind")
    form = KindChannelForm(request.POST, kind=kind)
    template = "notifications/_kind_row.html"
    try:
        if not form.is_valid():
            raise InvalidInput("Choose how you want to hear about this.", field="channel")
        do_set_preference(kind, form.cleaned_data["channel"], actor=request.user)
    except InvalidInput as error:
        return _refused(request, template, kind_row(request.user, kind), error)
    return _saved(request, template, kind_row(request.user, kind), f"kind-{kind}")


@login_required
@require_http_methods(["GET", "POST"])
def set_space_level(request: SignedInRequest, slug: str) -> HttpResponse:
    """The space's level control: GET shows it (the space page loads it lazily, so its own
    queries stay the same), POST saves it."""
    space = access_space(request.user, slug)
    template = "notifications/_space_level.html"
    if request.method == "GET":
        check_can_view_content(request.user, space)
        context = {"row": space_row(request.user, space), "next": request.GET.get("next", "")}
        return render(request, template, context)
    form = SpaceLevelForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput("Choose how much you want to hear from this space.", field="level")
        do_set_space_level(space, form.cleaned_data["level"], actor=request.user)
    except InvalidInput as error:
        return _refused(request, template, space_row(request.user, space), error)
    return _saved(request, template, space_row(request.user, space), f"space-{space.slug}")


@login_required
@require_POST
def set_digest(request: SignedInRequest) -> HttpResponse:
    form = DigestForm(request.POST)
    template = "notifications/_email_row.html"
    try:
        if not form.is_valid():
            raise InvalidInput("Choose how often the digest comes.", field="digest")
        do_set_email_settings(actor=request.user, digest=form.cleaned_data["digest"])
    except InvalidInput as error:
        return _refused(request, template, email_row(request.user), error)
    return _saved(request, template, email_row(request.user), "email")


@login_required
@require_POST
def set_no_email(request: SignedInRequest) -> HttpResponse:
    form = NoEmailForm(request.POST)
    form.is_valid()  # a checkbox: anything but a checked box means "send me e-mail"
    do_set_email_settings(actor=request.user, no_email=bool(form.cleaned_data.get("no_email")))
    return _saved(request, "notifications/_email_row.html", email_row(request.user), "email")


# --- Unsubscribe ----------------------------------------------------------------------------


# Mail clients send the one-click POST (RFC 8058) without a session or CSRF token: the signed
# token is what proves the link was sent to its owner.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    person = person_for_unsubscribe(token)
    if person is None:
        return render(
            request,
            "error.html",
            {
                "title": "This link does not work",
                "message": "This unsubscribe link is not valid. Open the e-mail settings after "
                "signing in instead.",
            },
            status=404,
        )
    if request.method == "POST":
        do_set_email_settings(actor=person, no_email=True)
        return render(request, "notifications/unsubscribed.html", {"person": person})
    return render(request, "notifications/unsubscribe.html", {"person": person, "token": token})
