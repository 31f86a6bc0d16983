"""The JSON API root under /api/v1/: authentication, error mapping, and the routers."""

import functools
import inspect
import logging
from typing import Any

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from afterclass.api.auth import API_AUTH, check_refused_rate
from afterclass.attachments.api import router as attachments_router
from afterclass.auditlog.api import router as audit_router
from afterclass.core.errors import (
    DATABASE_UNAVAILABLE,
    SERVER_ERROR,
    AfterclassError,
    TooManyRequests,
    error_body,
)
from afterclass.erasure.api import router as erasure_router
from afterclass.exports.api import router as exports_router
from afterclass.insights.api import router as insights_router
from afterclass.learning.api import router as learning_router
from afterclass.moderation.api import router as moderation_router
from afterclass.notifications.api import router as notifications_router
from afterclass.people.api import router as people_router
from afterclass.polls.api import router as polls_router
from afterclass.posts.api import router as posts_router
from afterclass.posts.api_drafts import router as posts_drafts_router
from afterclass.posts.api_follow import router as posts_follow_router
from afterclass.retention.api import router as retention_router
from afterclass.search.api import router as search_router
from afterclass.spaces.api import router as spaces_router
from afterclass.surveys.api import router as surveys_router
from afterclass.worker.api import router as worker_router

logger = logging.getLogger(__name__)


def _method_not_allowed_as_json(pattern: URLPattern | URLResolver) -> URLPattern | URLResolver:
    """ninja answers a method an address does not take with a plain-text 405 of its own, past
    every exception handler: give it the API's one error shape, keeping the Allow header."""
    if not isinstance(pattern, URLPattern) or inspect.iscoroutinefunction(pattern.callback):
        return pattern
    view = pattern.callback

    @functools.wraps(view)  # keeps csrf_exempt: ninja checks CSRF itself
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response: HttpResponseBase = view(request, *args, **kwargs)
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        allowed = response.get("Allow", "")
        body = error_body(f"This address does not take {request.method}; it takes {allowed}.")
        refused = JsonResponse(body, status=405)
        refused["Allow"] = allowed
        return refused

    return URLPattern(pattern.pattern, answer, pattern.default_args, pattern.name)


class AfterclassAPI(NinjaAPI):
    """Builds its OpenAPI document once per process (per mount point): the operations never
    change once the routers are registered, and building it walks every schema (~2 s). Its
    405s have the one error shape too."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._openapi_documents: dict[str, OpenAPISchema] = {}

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        return [_method_not_allowed_as_json(pattern) for pattern in patterns], app_name, namespace

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        document = self._openapi_documents.get(path_prefix)
        if document is None:
            document = super().get_openapi_schema(path_prefix=path_prefix)
            _document_rate_limits(document)
            self._openapi_documents[path_prefix] = document
        return document


RATE_LIMITED = {
    "description": (
        "Too many requests: more than the access token's limit a minute "
        "(AFTERCLASS_API_RATE_LIMIT, 600 by default), or more requests that authenticate as "
        "nobody (no credentials, a wrong or expired token) from one client address "
        "(AFTERCLASS_API_IP_RATE_LIMIT, 60 by default). Wait as long as Retry-After says."
    ),
    "headers": {
        "Retry-After": {
            "description": "Seconds until the request would be allowed.",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
}


def _document_rate_limits(document: OpenAPISchema) -> None:
    """Every operation is rate-limited by the authentication every operation goes through
    (api.auth), so its 429 is added here once rather than in every router."""
    for item in document["paths"].values():
        for operation in item.values():
            own = operation["responses"].get(429)  # an operation's own 429 (drafts: too soon)
            if own is None:
                operation["responses"][429] = RATE_LIMITED
            else:
                also = RATE_LIMITED["description"]
                description = f"{own['description'].rstrip('.')}. Also: {also}"
                operation["responses"][429] = {**RATE_LIMITED, "description": description}


api = AfterclassAPI(
    title="Afterclass API",
    version="1",
    description=(
        "The Afterclass JSON API. Authenticate with a personal access token "
        "(`Authorization: Bearer <token>`, created on your profile page or with "
        "`afterclass token create <email>`) or, from the browser, with the session and CSRF token. "
        'Lists are cursor-paginated as `{"items": [...], "next": "<cursor or null>"}`; '
        'every error (schema errors included) is `{"detail": "…", "field": "…" or null, '
        '"errors": [{"field", "message", "type"}, …]}`. '
        "Each access token may make a number of requests a minute that the site sets "
        "(`AFTERCLASS_API_RATE_LIMIT`, 600 by default), and requests without valid credentials "
        "are limited per client address; beyond either, the answer is 429 with `Retry-After` "
        "(seconds)."
    ),
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
    # Swagger UI is served from ninja's static files (never a CDN); no online validator badge,
    # which would send our schema's address to validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
    openapi_url="/openapi.json",
)


@api.exception_handler(AfterclassError)
def domain_error(request: HttpRequest, error: AfterclassError) -> HttpResponse:
    body = error_body(error.message, field=error.field)
    response = api.create_response(request, body, status=error.status)
    if isinstance(error, TooManyRequests):
        response["Retry-After"] = str(error.retry_after)
    return response


NOT_SIGNED_IN = "Sign in, or send a personal access token as 'Authorization: Bearer <token>'."


@api.exception_handler(AuthenticationError)
def not_signed_in(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    try:
        check_refused_rate(request)
    except TooManyRequests as refused:
        return domain_error(request, refused)
    message = error.message if error.message != AuthenticationError().message else NOT_SIGNED_IN
    return api.create_response(request, error_body(message), status=401)


# Where ninja says a value came from: not part of the field name a person should read.
WRAPPERS = {"body", "payload", "query", "params", "path", "header", "cookie", "form"}


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, error: ValidationError) -> HttpResponse:
    problems = []
    details = []
    for item in error.errors:
        location = [str(part) for part in item.get("loc", []) if part not in WRAPPERS]
        where = ".".join(location) or ("body" if "body" in item.get("loc", []) else "request")
        message = str(item.get("msg", "is not valid")).removeprefix("Value error, ")
        problems.append(f"{where}: {message}")
        # Only plain values: pydantic's "ctx" and "input" may hold exceptions or echo secrets.
        details.append({"field": where, "message": message, "type": str(item.get("type", ""))})
    body = error_body("; ".join(problems), errors=details)
    return api.create_response(request, body, status=422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return api.create_response(request, error_body("Not found."), status=404)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    message = str(error)
    if message.startswith("Cannot parse request body"):
        message = "The request body is not valid JSON."
    return api.create_response(request, error_body(message), status=error.status_code)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unreachable(request: HttpRequest, error: Exception) -> HttpResponse:
    # A refused, lost or timed-out connection (or SQLite's lock timeout): worth a retry later.
    logger.error("API %s %s: the database cannot be reached", request.method, request.path,
                 exc_info=error)  # fmt: skip
    return api.create_response(request, error_body(DATABASE_UNAVAILABLE), status=503)


@api.exception_handler(Exception)
def unexpected_error(request: HttpRequest, error: Exception) -> HttpResponse:
    """Anything else is JSON too (ninja would hand it to Django's HTML error pages)."""
    if isinstance(error, PermissionDenied):
        return api.create_response(request, error_body("You may not do this."), status=403)
    if isinstance(error, SuspiciousOperation | BadRequest):
        detail = "The request could not be understood."
        return api.create_response(request, error_body(detail), status=400)
    logger.error("API %s %s: unexpected error", request.method, request.path, exc_info=error)
    return api.create_response(request, error_body(SERVER_ERROR), status=500)


def _register_routers() -> None:
    api.add_router("/", people_router)
    api.add_router("/spaces", spaces_router)
    api.add_router("/", posts_router)
    api.add_router("/", posts_follow_router)
    api.add_router("/", posts_drafts_router)
    api.add_router("/", polls_router)
    api.add_router("/", moderation_router)
    api.add_router("/", attachments_router)
    api.add_router("/surveys", surveys_router)
    api.add_router("/", search_router)
    api.add_router("/", notifications_router)
    api.add_router("/", learning_router)
    api.add_router("/", insights_router)
    api.add_router("/", worker_router)
    api.add_router("/", audit_router)
    api.add_router("/", exports_router)
    api.add_router("/", retention_router)
    api.add_router("/", erasure_router)


_register_routers()
