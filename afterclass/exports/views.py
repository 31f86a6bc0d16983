"""My account → Download my data, the admin's subject-access export, and the download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from afterclass.core.http import SignedInRequest
from afterclass.exports.access import access_download
from afterclass.exports.actions import KEEP_FOR
from afterclass.exports.queries import latest_export
from afterclass.exports.request import do_request_export
from afterclass.people.access import access_person, check_org_admin
from afterclass.people.models import Person


def _page(request: SignedInRequest, person: Person, *, url: str) -> HttpResponse:
    if request.method == "POST":
        do_request_export(person, actor=request.user)
        messages.success(
            request,
            "The export is being built. This page shows when it is ready, "
            "and we will e-mail you a link.",
        )
        return redirect(url)
    context = {
        "subject": person,
        "is_self": person.pk == request.user.pk,
        "export": latest_export(person, requested_by=request.user),
        "keep_days": KEEP_FOR.days,
    }
    return render(request, "exports/export.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request: SignedInRequest) -> HttpResponse:
    return _page(request, request.user, url=request.path)


@login_required
@require_http_methods(["GET", "POST"])
def manage_person_export(request: SignedInRequest, person_id: int) -> HttpResponse:
    check_org_admin(request.user)
    return _page(request, access_person(request.user, person_id), url=request.path)


@login_required
@require_GET
def download(request: SignedInRequest, export_id: int) -> FileResponse:
    """The zip, streamed from storage through this view (never a public storage URL), for the
    person who asked for it only."""
    export = access_download(request.user, export_id)
    return export_file_response(export.file, export.person_id, export.pk)


def export_file_response(name: str, person_id: int, export_id: int) -> FileResponse:
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=f"afterclass-data-{person_id}-{export_id}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response
