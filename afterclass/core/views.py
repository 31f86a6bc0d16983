"""Site-wide views: the home redirect, the health check, private media and error pages."""

import logging
import mimetypes
import sys
from collections.abc import Callable
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import DatabaseError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from afterclass.core.errors import (
    DATABASE_UNAVAILABLE,
    DATABASE_UNREACHABLE,
    FILE_MISSING,
    SERVER_ERROR,
    NotFound,
    error_body,
)

logger = logging.getLogger(__name__)

# Folders of uploads that any signed-in person may see (the organisation is private anyway).
PUBLIC_TO_STAFF = {"avatars", "organisation", "covers"}


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("space-directory")
    return redirect(settings.LOGIN_URL)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness only: this process answers. It touches nothing (a database outage must not get
    every server restarted) and says nothing; /readyz checks what the site depends on."""
    return JsonResponse({"status": "ok"})


@login_required
@require_GET
def media(request: HttpRequest, name: str) -> FileResponse:
    """Uploaded files are never public: only signed-in staff receive them."""
    parts = PurePosixPath(name).parts
    if not parts or parts[0] not in PUBLIC_TO_STAFF or ".." in parts:
        raise Http404
    try:
        stored = default_storage.open(name)
    except (IsADirectoryError, NotADirectoryError) as error:
        raise Http404 from error
    except FileNotFoundError as error:
        # Asked for by name, so most likely a row whose file is gone: say so, as a 404.
        raise NotFound(FILE_MISSING) from error
    content_type, _ = mimetypes.guess_type(name)
    response = FileResponse(stored, content_type=content_type)
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        # An address under /api/ that no endpoint answers: the API's one error shape.
        return JsonResponse(error_body(message), status=status)
    try:
        return render(request, "error.html", {"title": title, "message": message}, status=status)
    except DatabaseError:
        # The layout reads the person and the organisation; without a database, the plain page.
        logger.warning("The %s page was shown without the database.", status, exc_info=True)
        return _plain_error(status, title, message, site_name=None)


def _plain_error(status: int, title: str, message: str, *, site_name: str | None) -> HttpResponse:
    """An error page that needs no database: no person, no session, no context processors."""
    context = {"title": title, "message": message, "site_name": site_name or "Afterclass"}
    return HttpResponse(render_to_string("error_plain.html", context), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "Bad request", "The request could not be understood.")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "You may not do this."
    return _error(request, 403, "Not allowed", message)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "Not found", "There is nothing here, or you cannot see it.")


def server_error_page(
    request: HttpRequest, *, site_name: Callable[[], str | None] = lambda: None
) -> HttpResponse:
    """The 500 page, and the 503 page while the database cannot be reached; both render without
    the database. Under /api/ the answer is JSON, like every other API error. `site_name` is
    asked for the 500 page only (the organisation's, from people: Django's handler500 is
    `people.views.errors.server_error`); it must answer None rather than fail without the
    database."""
    # Django calls this while handling the error (also under ASGI: asgiref re-raises it in the
    # thread), so the error is at hand.
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNREACHABLE):
        status, title, message = 503, "Afterclass is unavailable", DATABASE_UNAVAILABLE
    else:
        status, title, message = 500, "Something went wrong", SERVER_ERROR
    if request.path_info.startswith("/api/"):
        return JsonResponse(error_body(message), status=status)
    name = None if status == 503 else site_name()
    return _plain_error(status, title, message, site_name=name)
