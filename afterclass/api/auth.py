"""API authentication: a personal access token (Bearer) or the browser session with CSRF. The
root (api.api) authenticates every operation with `API_AUTH`; the routers read the person it
found with core.api.current_person."""

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from afterclass.people.actions import person_for_token
from afterclass.people.models import Person

UNKNOWN_BEARER = (
    "This access token is not valid: it may be mistyped, revoked, or belong to a deactivated "
    "person. Create a new one on your profile page."
)
CSRF_FAILED = (
    "The CSRF check failed. Send the csrftoken cookie's value in the X-CSRFToken header, "
    "or use a personal access token instead of the session."
)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`. A token that is sent but not valid is refused outright
    (401) rather than silently falling back to a browser session."""

    def authenticate(self, request: HttpRequest, token: str) -> Person:
        person = person_for_token(token.strip())
        if person is None:
            raise AuthenticationError(401, UNKNOWN_BEARER)
        request.user = person
        return person


class ActiveSessionAuth(SessionAuth):
    """The signed-in browser session; unsafe methods need the CSRF token, as for forms.

    The CSRF check only runs once we know there is a session person, so a caller who is not
    signed in at all gets 401 ("sign in"), not 403 ("CSRF").
    """

    def __call__(self, request: HttpRequest) -> Any:
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return None
        if (
            self.csrf
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise HttpError(403, CSRF_FAILED)
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and user.is_active:
            return user
        return None


API_AUTH = [TokenAuth(), ActiveSessionAuth(csrf=True)]
