"""The JSON API root under /api/v1/: authentication, error mapping, and the routers."""

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from afterclass.api.auth import API_AUTH
from afterclass.core.errors import AfterclassError

api = NinjaAPI(
    title="Afterclass API",
    version="1",
    description=(
        "The Afterclass JSON API. Authenticate with a personal access token "
        "(`Authorization: Bearer <token>`, created on your profile page or with "
        "`afterclass token create <email>`) or, from the browser, with the session and CSRF token. "
        'Lists are cursor-paginated as `{"items": [...], "next": "<cursor or null>"}`; '
        'errors are `{"detail": "…"}`.'
    ),
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(AfterclassError)
def domain_error(request: HttpRequest, error: AfterclassError) -> HttpResponse:
    body: dict[str, str] = {"detail": error.message}
    if error.field:
        body["field"] = error.field
    return api.create_response(request, body, status=error.status)


@api.exception_handler(AuthenticationError)
def not_signed_in(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "Sign in, or send a personal access token as 'Authorization: Bearer <token>'."},
        status=401,
    )


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, error: ValidationError) -> HttpResponse:
    problems = []
    for item in error.errors:
        location = [str(part) for part in item.get("loc", []) if part not in {"body", "payload"}]
        where = ".".join(location) or "request"
        problems.append(f"{where}: {item.get('msg', 'is not valid')}")
    return api.create_response(
        request, {"detail": "; ".join(problems), "errors": error.errors}, status=422
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(error)}, status=error.status_code)


def _register_routers() -> None:
    from afterclass.people.api import router as people_router
    from afterclass.spaces.api import router as spaces_router

    api.add_router("/", people_router)
    api.add_router("/spaces", spaces_router)


_register_routers()
