"""API authentication: a personal access token (Bearer) or the browser session with CSRF. The
root (api.api) authenticates every operation with `API_AUTH`; the routers read the person it
found with core.api.current_person."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from afterclass.core.errors import TooManyRequests
from afterclass.core.ratelimit import per_minute, seconds_until_allowed
from afterclass.people.actions import token_for
from afterclass.people.models import Person, TokenScope

UNKNOWN_BEARER = (
    "This access token is not valid: it may be mistyped, revoked, or belong to a deactivated "
    "person. Create a new one on your profile page."
)
EXPIRED_BEARER = (
    "This access token expired on {date}. Create a new one under My account → Sessions and tokens."
)
READ_ONLY_BEARER = (
    "This access token may only read: it cannot change anything. Use a token with the "
    "“read and write” scope for this request."
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BEARER_RATE_EXCEEDED = (
    "Too many requests with this access token: at most {limit} a minute. "
    "Try again in {seconds} seconds."
)
ADDRESS_RATE_EXCEEDED = (
    "Too many requests without a valid access token or session from your address: at most "
    "{limit} a minute. Check the token you send, and try again in {seconds} seconds."
)
CSRF_FAILED = (
    "The CSRF check failed. Send the csrftoken cookie's value in the X-CSRFToken header, "
    "or use a personal access token instead of the session."
)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`. A token that is sent but not valid is refused outright
    (401) rather than silently falling back to a browser session; so is an expired one. A
    read-only token is refused any change (403)."""

    def authenticate(self, request: HttpRequest, token: str) -> Person:
        found = token_for(token.strip())
        if found is None:
            raise AuthenticationError(401, UNKNOWN_BEARER)
        if found.is_expired and found.expires_at is not None:
            raise AuthenticationError(
                401, EXPIRED_BEARER.format(date=f"{found.expires_at:%d %b %Y}")
            )
        check_token_rate(request, token_id=found.pk)
        if found.scope == TokenScope.READ and request.method not in SAFE_METHODS:
            raise HttpError(403, READ_ONLY_BEARER)
        person = found.person
        request.user = person
        return person


def check_token_rate(request: HttpRequest, *, token_id: int) -> None:
    """A token may make AFTERCLASS_API_RATE_LIMIT requests a minute (0: no limit), counted
    across every app server through the cache (core.ratelimit); refused ones included, so a
    client that ignores its 403s still slows down."""
    limit: int = settings.AFTERCLASS_API_RATE_LIMIT
    if limit <= 0:
        return
    wait = seconds_until_allowed(
        request, app="afterclass.api", action="token", rate=per_minute(limit, "key"),
        key=f"token:{token_id}",
    )  # fmt: skip
    if wait is not None:
        raise TooManyRequests(
            BEARER_RATE_EXCEEDED.format(limit=limit, seconds=wait), retry_after=wait
        )


def check_refused_rate(request: HttpRequest) -> None:
    """Requests that authenticate as nobody (no credentials, a wrong, revoked or expired token)
    may come AFTERCLASS_API_IP_RATE_LIMIT a minute from one client address (0: no limit); then
    they are answered 429 instead of 401. The address is the client's behind trusted proxies,
    as for sign-in throttling. Valid tokens from the same address are not refused."""
    limit: int = settings.AFTERCLASS_API_IP_RATE_LIMIT
    if limit <= 0:
        return
    wait = seconds_until_allowed(
        request, app="afterclass.api", action="refused", rate=per_minute(limit, "ip")
    )
    if wait is not None:
        raise TooManyRequests(
            ADDRESS_RATE_EXCEEDED.format(limit=limit, seconds=wait), retry_after=wait
        )


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
