"""The /scim/v2 endpoints (RFC 7644): discovery, Users, Groups.

Every answer is `application/scim+json`; every refusal is a SCIM error (RFC 7644 §3.12) with its
status and, where the RFC names one, its `scimType`: a body that is not JSON, a filter or a
PATCH path that cannot be read, a value of the wrong type, are 400s, never a 500.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from afterclass.core.errors import AfterclassError, Conflict, InvalidInput, NotFound
from afterclass.core.ratelimit import seconds_until_allowed
from afterclass.people.models import Department, Person
from afterclass.scim import resources
from afterclass.scim.actions import (
    do_deprovision_department,
    do_deprovision_person,
    do_patch_provisioned_department,
    do_patch_provisioned_person,
    do_provision_department,
    do_provision_person,
    do_update_provisioned_department,
    do_update_provisioned_person,
    token_for_bearer,
)
from afterclass.scim.errors import ScimError
from afterclass.scim.models import ProvisioningToken
from afterclass.scim.parsing import (
    department_fields_of,
    patched_department_fields,
    patched_person_fields,
    person_fields_of,
)
from afterclass.scim.queries import filter_query, scim_departments, scim_people

CONTENT_TYPE = "application/scim+json"
# Requests per provisioning token, and refused tokens per client address (core.ratelimit:
# allauth's limiter, which sign-in throttling and the API use too). Entra ID sends a few
# hundred a minute at most.
DEFAULT_RATE = "1200/m/key"
DEFAULT_REFUSED_RATE = "30/m/ip"
UNAUTHORIZED = (
    "This provisioning token is not valid: it may be mistyped or revoked. Create one under "
    "Manage → Provisioning (SCIM)."
)
View = Callable[..., HttpResponse]


def scim_response(body: dict[str, Any] | None, status: int = 200) -> HttpResponse:
    if body is None:
        return HttpResponse(status=status)
    return HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)


def error_response(error: ScimError) -> HttpResponse:
    body: dict[str, Any] = {
        "schemas": [resources.ERROR_SCHEMA],
        "status": str(error.status),
        "detail": error.detail,
    }
    if error.scim_type:
        body["scimType"] = error.scim_type
    response = scim_response(body, error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="SCIM"'
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response


def _scim_error_of(error: AfterclassError) -> ScimError:
    if isinstance(error, NotFound):
        return ScimError(404, None, error.message)
    if isinstance(error, Conflict):
        return ScimError(409, "uniqueness", error.message)
    if isinstance(error, InvalidInput):
        return ScimError(400, "invalidValue", error.message)
    return ScimError(error.status, None, error.message)


def _rate(name: str, default: str) -> str:
    return str(getattr(settings, name, default))


def _authenticate(request: HttpRequest) -> ProvisioningToken:
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    token = token_for_bearer(raw.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        wait = seconds_until_allowed(
            request, app="afterclass.scim", action="scim",
            rate=_rate("SCIM_REFUSED_RATE_LIMIT", DEFAULT_REFUSED_RATE),
        )  # fmt: skip
        if wait is not None:
            raise ScimError(
                429, None, f"Too many refused tokens: try again in {wait} seconds.",
                retry_after=wait,
            )  # fmt: skip
        raise ScimError(401, None, UNAUTHORIZED)
    wait = seconds_until_allowed(
        request, app="afterclass.scim", action="scim",
        rate=_rate("SCIM_RATE_LIMIT", DEFAULT_RATE), key=token.token_hash,
    )  # fmt: skip
    if wait is not None:
        raise ScimError(
            429, None, f"Too many requests with this token: try again in {wait} seconds.",
            retry_after=wait,
        )  # fmt: skip
    return token


def scim_view(methods: set[str]) -> Callable[[View], View]:
    """Authenticate the provisioning token, limit its rate, refuse other methods, and turn every
    refusal into a SCIM error."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                client = _authenticate(request)
                if request.method not in methods:
                    raise ScimError(405, None, f"{request.method} is not allowed here.")
                return view(request, client, *args, **kwargs)
            except ScimError as error:
                return error_response(error)
            except AfterclassError as error:
                return error_response(_scim_error_of(error))

        return wrapped

    return decorate


def _body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise ScimError(400, "invalidSyntax", "The body is not JSON.") from error


def _location(request: HttpRequest) -> Callable[[str], str]:
    base = request.build_absolute_uri("/scim/v2/")
    return lambda path: base + path


def _page(request: HttpRequest, parameters: dict[str, Any]) -> tuple[int, int]:
    def number(name: str, default: int) -> int:
        value = parameters.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value)
        except (TypeError, ValueError) as error:
            raise ScimError(400, "invalidValue", f"{name} must be a number.") from error

    start = max(1, number("startIndex", 1))
    count = min(max(0, number("count", 100)), resources.MAX_COUNT)
    return start, count


def _names(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [str(item) for item in value]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def _listing(request: HttpRequest, parameters: dict[str, Any], *, users: bool) -> HttpResponse:
    """A page of Users or Groups (RFC 7644 §3.4.2): filter, startIndex (1-based), count."""
    start, count = _page(request, parameters)
    location = _location(request)
    if users:
        found: Any = scim_people()
    else:
        found = scim_departments()
    text = parameters.get("filter")
    if text:
        found = found.filter(filter_query(str(text), users=users)).distinct()
    total = found.count()
    page = list(found[start - 1 : start - 1 + count]) if count else []
    attributes, excluded = (
        _names(parameters.get("attributes")),
        _names(parameters.get("excludedAttributes")),
    )
    listed = [
        resources.select_attributes(
            resources.user_resource(item, location)
            if users
            else resources.group_resource(item, [p.pk for p in item.people.all()], location),
            attributes,
            excluded,
        )
        for item in page
    ]
    return scim_response(
        {
            "schemas": [resources.LIST_SCHEMA],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(listed),
            "Resources": listed,
        }
    )


def _one(request: HttpRequest, resource: dict[str, Any], status: int = 200) -> HttpResponse:
    attributes = _names(request.GET.get("attributes"))
    excluded = _names(request.GET.get("excludedAttributes"))
    response = scim_response(resources.select_attributes(resource, attributes, excluded), status)
    response["Location"] = resource["meta"]["location"]
    return response


def _person(person_id: str) -> Person:
    if not person_id.isdigit() or len(person_id) > 18:
        raise ScimError(404, None, "There is no such User.")
    person = scim_people().filter(pk=int(person_id)).first()
    if person is None:
        raise ScimError(404, None, "There is no such User.")
    return person


def _department(department_id: str) -> Department:
    if not department_id.isdigit() or len(department_id) > 18:
        raise ScimError(404, None, "There is no such Group.")
    department = scim_departments().filter(pk=int(department_id)).first()
    if department is None:
        raise ScimError(404, None, "There is no such Group.")
    return department


def _user(request: HttpRequest, person: Person) -> dict[str, Any]:
    return resources.user_resource(_person(str(person.pk)), _location(request))


def _group(request: HttpRequest, department: Department) -> dict[str, Any]:
    fresh = _department(str(department.pk))
    members = [person.pk for person in fresh.people.all()]
    return resources.group_resource(fresh, members, _location(request))


# --- Discovery -----------------------------------------------------------------------------


@scim_view({"GET"})
def service_provider_config(request: HttpRequest, client: ProvisioningToken) -> HttpResponse:
    return scim_response(resources.dump(resources.service_provider_config(_location(request))))


def _list_of(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schemas": [resources.LIST_SCHEMA],
        "totalResults": len(items),
        "startIndex": 1,
        "itemsPerPage": len(items),
        "Resources": items,
    }


@scim_view({"GET"})
def resource_types(
    request: HttpRequest, client: ProvisioningToken, name: str | None = None
) -> HttpResponse:
    found = [
        resources.dump(item) for item in resources.published_resource_types(_location(request))
    ]
    if name is None:
        return scim_response(_list_of(found))
    for item in found:
        if item["id"] == name:
            return scim_response(item)
    raise ScimError(404, None, f"There is no resource type “{name}”.")


@scim_view({"GET"})
def schemas(
    request: HttpRequest, client: ProvisioningToken, schema_id: str | None = None
) -> HttpResponse:
    found = [resources.dump(item) for item in resources.published_schemas(_location(request))]
    if schema_id is None:
        return scim_response(_list_of(found))
    for item in found:
        if item["id"] == schema_id:
            return scim_response(item)
    raise ScimError(404, None, f"There is no schema “{schema_id}”.")


@scim_view({"GET", "POST", "PUT", "PATCH", "DELETE"})
def unknown(request: HttpRequest, client: ProvisioningToken, rest: str = "") -> HttpResponse:
    if rest.rstrip("/") == ".search":
        raise ScimError(501, None, "Search Users or Groups at /Users/.search or /Groups/.search.")
    raise ScimError(404, None, "There is nothing at this address.")


# --- Users ---------------------------------------------------------------------------------


@scim_view({"GET", "POST"})
def users(request: HttpRequest, client: ProvisioningToken) -> HttpResponse:
    if request.method == "GET":
        return _listing(request, request.GET.dict(), users=True)
    person = do_provision_person(person_fields_of(_body(request), replacing=False), client=client)
    return _one(request, _user(request, person), 201)


@scim_view({"POST"})
def users_search(request: HttpRequest, client: ProvisioningToken) -> HttpResponse:
    return _search(request, users=True)


def _search(request: HttpRequest, *, users: bool) -> HttpResponse:
    """POST …/.search: the listing's parameters in a JSON object (RFC 7644 §3.4.3)."""
    body = _body(request)
    if not isinstance(body, dict):
        raise ScimError(400, "invalidSyntax", "The body must be a JSON object.")
    return _listing(request, body, users=users)


@scim_view({"GET", "PUT", "PATCH", "DELETE"})
def user(request: HttpRequest, client: ProvisioningToken, person_id: str) -> HttpResponse:
    person = _person(person_id)
    match request.method:
        case "GET":
            return _one(request, resources.user_resource(person, _location(request)))
        case "PUT":
            fields = person_fields_of(_body(request), replacing=True)
            do_update_provisioned_person(person, fields, client=client)
        case "PATCH":
            body, location = _body(request), _location(request)
            do_patch_provisioned_person(
                person,
                lambda current: patched_person_fields(
                    resources.user_resource(current, location), body
                ),
                client=client,
            )
        case _:
            do_deprovision_person(person, client=client)
            return scim_response(None, 204)
    return _one(request, _user(request, person))


# --- Groups --------------------------------------------------------------------------------


@scim_view({"GET", "POST"})
def groups(request: HttpRequest, client: ProvisioningToken) -> HttpResponse:
    if request.method == "GET":
        return _listing(request, request.GET.dict(), users=False)
    department = do_provision_department(
        department_fields_of(_body(request), replacing=False), client=client
    )
    return _one(request, _group(request, department), 201)


@scim_view({"POST"})
def groups_search(request: HttpRequest, client: ProvisioningToken) -> HttpResponse:
    return _search(request, users=False)


@scim_view({"GET", "PUT", "PATCH", "DELETE"})
def group(request: HttpRequest, client: ProvisioningToken, department_id: str) -> HttpResponse:
    department = _department(department_id)
    match request.method:
        case "GET":
            return _one(request, _group(request, department))
        case "PUT":
            fields = department_fields_of(_body(request), replacing=True)
            do_update_provisioned_department(department, fields, client=client)
        case "PATCH":
            body, location = _body(request), _location(request)
            do_patch_provisioned_department(
                department,
                lambda current: patched_department_fields(
                    resources.group_resource(
                        current, current.people.values_list("pk", flat=True), location
                    ),
                    body,
                ),
                client=client,
            )
        case _:
            do_deprovision_department(department, client=client)
            return scim_response(None, 204)
    return _one(request, _group(request, department))
