"""Site-wide views: the home redirect, the health check, private media and error pages."""

import logging
import mimetypes
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return JsonResponse(
            {"status": "error", "database": f"unreachable: {type(error).__name__}: {error}"},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
@require_GET
def media(request: HttpRequest, name: str) -> FileResponse:
    """Uploaded files are never public: only signed-in staff receive them."""
    parts = PurePosixPath(name).parts
    if not parts or parts[0] not in PUBLIC_TO_STAFF or ".." in parts:
        raise Http404
    if not default_storage.exists(name):
        raise Http404
    content_type, _ = mimetypes.guess_type(name)
    response = FileResponse(default_storage.open(name), content_type=content_type)
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "Bad request", "The request could not be understood.")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "You may not do this."
    return _error(request, 403, "Not allowed", message)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "Not found", "There is nothing here, or you cannot see it.")


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "Something went wrong", "Please try again in a moment.")
