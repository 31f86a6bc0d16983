"""Account security on every request: enrolment of a required second factor comes first, and a
signed-in session's last seen is kept fresh. Neither costs a query on an ordinary page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from afterclass.core import views as core_views
from afterclass.people.sessions import touch_last_seen
from afterclass.people.two_factor import ENROL_SESSION_KEY, must_enrol

# What someone who must enrol may still open: enrolment itself (allauth asks for their password
# again before adding a factor), their recovery codes, signing out, and the site's plumbing (not
# their files: a picture or attachment waits until they have enrolled).
OPEN_WHILE_ENROLLING = frozenset(
    {
        "account_logout",
        "account_reauthenticate",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_list_webauthn",
        "mfa_reauthenticate",
        "mfa_reauthenticate_webauthn",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "healthz",
        "readyz",
        "webapp-manifest",
        "service-worker",
        "offline",
    }
)
HTMX_STOP_POLLING = 286
ENROL_FIRST = (
    "Your organisation requires two-factor sign-in for you. Set up an authenticator app or a "
    "security key to continue, or sign out."
)


class AccountSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        # Only once a view answers: a missing page (404) reads no session, and so renders
        # even while the database is away.
        touch_last_seen(request)
        session = getattr(request, "session", None)
        if session is None or not session.get(ENROL_SESSION_KEY):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_WHILE_ENROLLING:
            return None
        if not must_enrol(request.user):
            # Enrolled in another session, or the setting was relaxed since the mark was made.
            session.pop(ENROL_SESSION_KEY, None)
            return None
        return self.refuse(request)

    def refuse(self, request: HttpRequest) -> HttpResponse:
        enrol = reverse("mfa_index")
        if getattr(request, "htmx", False):
            if request.method == "GET":
                # A part of the page refreshing itself (the header's bell): nothing to show, and
                # 286 tells htmx to stop polling, so the enrolment page is not reloaded under
                # someone typing their code.
                return HttpResponse(status=HTMX_STOP_POLLING)
            response = HttpResponse(ENROL_FIRST, status=403, content_type="text/plain")
            response["HX-Redirect"] = enrol
            return response
        if request.method in ("GET", "HEAD") and not request.path_info.startswith("/api/"):
            return HttpResponseRedirect(enrol)  # which says why (mfa/index.html)
        return core_views.forbidden(request, PermissionDenied(ENROL_FIRST))
