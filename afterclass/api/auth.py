"""API authentication: a personal access token (Bearer) or the browser session with CSRF."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from afterclass.people.actions import person_for_token
from afterclass.people.models import Person


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Person | None:
        person = person_for_token(token)
        if person is not None:
            request.user = person
        return person


class ActiveSessionAuth(SessionAuth):
    """The signed-in browser session; unsafe methods need the CSRF token, as for forms."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and user.is_active:
            return user
        return None


API_AUTH = [TokenAuth(), ActiveSessionAuth(csrf=True)]
