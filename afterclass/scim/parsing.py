"""What a SCIM client sends, read into what Afterclass keeps.

scim2-models validates the bodies (types, required attributes, PATCH operations and paths,
`"False"` as a boolean, op names in any case); before that, the few things Entra ID and Okta
send that the RFC does not are put in its form: a `manager` given as a bare id (dropped: see
below), enterprise attributes flattened into URN-prefixed keys, and `remove` of group members
with a value list instead of a `members[value eq "…"]` path.

`manager` is accepted and ignored: Afterclass has no reporting lines, and who a person reports
to says nothing about their own management level, so no mapping to a level exists.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from scim2_models import Context as ScimContext
from scim2_models import EnterpriseUser, Group, PatchOp, SCIMException

from afterclass.core.errors import InvalidInput
from afterclass.people.actions import normalise_email
from afterclass.scim.actions import DepartmentFields, PersonFields
from afterclass.scim.errors import ScimError
from afterclass.scim.resources import ENTERPRISE_SCHEMA, UserWithExtension

PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def scim_error_of(error: ValidationError | SCIMException) -> ScimError:
    """A validation failure from scim2-models as an RFC 7644 §3.12 error."""
    if isinstance(error, SCIMException):
        return ScimError(int(error.status), error.scim_type or None, str(error.detail))
    for item in error.errors():
        kind = str(item.get("type", ""))
        if kind.startswith("scim_") and kind != "scim_error":
            context = item.get("ctx") or {}
            status = int(context.get("status", 400))
            location = ".".join(str(part) for part in item.get("loc", ()))
            detail = f"{location}: {item['msg']}" if location else str(item["msg"])
            return ScimError(status, kind.removeprefix("scim_"), detail)
    first = error.errors()[0] if error.errors() else {"msg": str(error), "loc": ()}
    location = ".".join(str(part) for part in first.get("loc", ()))
    detail = f"{location}: {first['msg']}" if location else str(first["msg"])
    return ScimError(400, "invalidValue", detail)


def _without_manager(value: Any) -> Any:
    """Drop `manager` (ignored, see the module) and unflatten `urn:…:User:department` keys."""
    if not isinstance(value, dict):
        return value
    result = dict(value)
    prefix = ENTERPRISE_SCHEMA + ":"
    for key in list(result):
        if isinstance(key, str) and key.lower().startswith(prefix.lower()):
            extension = dict(result.get(ENTERPRISE_SCHEMA) or {})
            extension[key[len(prefix) :]] = result.pop(key)
            result[ENTERPRISE_SCHEMA] = extension
    attributes = result.get(ENTERPRISE_SCHEMA)
    if isinstance(attributes, dict):
        result[ENTERPRISE_SCHEMA] = {
            key: item for key, item in attributes.items() if key.lower() != "manager"
        }
    return result


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ScimError(400, "invalidSyntax", "The body must be a JSON object.")
    return body


def person_fields_of(body: Any, *, replacing: bool) -> PersonFields:
    """A User body (POST or PUT) as the fields Afterclass keeps."""
    context = (
        ScimContext.RESOURCE_REPLACEMENT_REQUEST
        if replacing
        else ScimContext.RESOURCE_CREATION_REQUEST
    )
    payload = _without_manager(_object(body))
    payload.pop("id", None)
    payload.pop("meta", None)
    try:
        user = UserWithExtension.model_validate(payload, scim_ctx=context)
    except (ValidationError, SCIMException) as error:
        raise scim_error_of(error) from error
    return _fields_of_user(user)


def _fields_of_user(user: Any) -> PersonFields:
    user_name = str(user.user_name or "").strip()
    if not user_name:
        raise ScimError(400, "invalidValue", "userName is required.")
    emails = list(user.emails or [])
    chosen = next((email for email in emails if email.primary and email.value), None) or next(
        (email for email in emails if email.value), None
    )
    address = str(chosen.value) if chosen is not None else ""
    if not address:
        try:
            address = normalise_email(user_name)
        except InvalidInput as error:
            raise ScimError(
                400,
                "invalidValue",
                "Afterclass needs an e-mail address for everyone: send emails, or a userName "
                "that is an address.",
            ) from error
    name = user.name
    given = str(name.given_name or "") if name else ""
    family = str(name.family_name or "") if name else ""
    formatted = str(name.formatted or "") if name else ""
    display_name = (
        str(user.display_name or "").strip()
        or formatted.strip()
        or f"{given} {family}".strip()
        or user_name.split("@", 1)[0]
    )
    extension = user[EnterpriseUser]
    return PersonFields(
        user_name=user_name,
        display_name=display_name,
        email=address,
        external_id=str(user.external_id or ""),
        given_name=given,
        family_name=family,
        job_title=str(user.title or ""),
        active=True if user.active is None else bool(user.active),
        department=extension.department if extension is not None else None,
        email_type=str(chosen.type or "") if chosen is not None else "",
        email_primary=chosen.primary if chosen is not None else None,
    )


def department_fields_of(body: Any, *, replacing: bool) -> DepartmentFields:
    """A Group body (POST or PUT) as the fields Afterclass keeps."""
    context = (
        ScimContext.RESOURCE_REPLACEMENT_REQUEST
        if replacing
        else ScimContext.RESOURCE_CREATION_REQUEST
    )
    payload = dict(_object(body))
    payload.pop("id", None)
    payload.pop("meta", None)
    try:
        group = Group.model_validate(payload, scim_ctx=context)
    except (ValidationError, SCIMException) as error:
        raise scim_error_of(error) from error
    return _fields_of_group(group)


def _fields_of_group(group: Any) -> DepartmentFields:
    members: list[int] = []
    for member in group.members or []:
        if member.type is not None and str(member.type).lower() != "user":
            raise ScimError(400, "invalidValue", "A department holds people, not groups.")
        value = str(member.value or "")
        if not value.isdigit() or len(value) > 18:
            raise ScimError(400, "invalidValue", f"“{value}” is not a known person.")
        members.append(int(value))
    return DepartmentFields(
        name=str(group.display_name or ""),
        external_id=str(group.external_id or ""),
        members=tuple(dict.fromkeys(members)),
    )


def _patch_operations(body: Any) -> list[dict[str, Any]]:
    payload = _object(body)
    operations = payload.get("Operations", payload.get("operations"))
    if not isinstance(operations, list) or not operations:
        raise ScimError(400, "invalidSyntax", "A PATCH body needs a list of Operations.")
    result = []
    for operation in operations:
        if not isinstance(operation, dict):
            raise ScimError(400, "invalidSyntax", "Each operation must be a JSON object.")
        operation = dict(operation)
        path = operation.get("path")
        if (
            isinstance(path, str)
            and "manager" in path.lower()
            and ENTERPRISE_SCHEMA.lower() in (path.lower())
        ):
            continue  # ignored, see the module
        if "value" in operation:
            operation["value"] = _without_manager(operation["value"])
        op = str(operation.get("op", "")).lower()
        # Entra ID removes members with a value list rather than a filtered path.
        if (
            op == "remove"
            and isinstance(path, str)
            and path.lower() == "members"
            and isinstance(operation.get("value"), list)
        ):
            ids = [str(item.get("value")) for item in operation["value"] if isinstance(item, dict)]
            if ids:
                quoted = " or ".join(f'value eq "{value}"' for value in ids if '"' not in value)
                operation = {"op": "remove", "path": f"members[{quoted}]"}
        if (
            op == "remove"
            and isinstance(path, str)
            and path.strip().lower()
            in {
                "active",
                "urn:ietf:params:scim:schemas:core:2.0:user:active",
            }
        ):
            raise ScimError(
                400,
                "mutability",
                "active cannot be unassigned: every person is active or not. "
                "Replace it with false to deactivate the person.",
            )
        result.append(operation)
    return result


def patched_person_fields(current: dict[str, Any], body: Any) -> PersonFields:
    """Apply a PATCH (RFC 7644 §3.5.2) to a User as it stands, with the quirks above."""
    operations = _patch_operations(body)
    try:
        user = UserWithExtension.model_validate(current)
        if operations:
            patch = PatchOp[UserWithExtension].model_validate(
                {"schemas": [PATCH_SCHEMA], "Operations": operations},
                scim_ctx=ScimContext.RESOURCE_PATCH_REQUEST,
            )
            patch.patch(user)
    except (ValidationError, SCIMException) as error:
        raise scim_error_of(error) from error
    return _fields_of_user(user)


def patched_department_fields(current: dict[str, Any], body: Any) -> DepartmentFields:
    """Apply a PATCH to a Group as it stands: members added, removed (`members[value eq "…"]`
    or Entra ID's value list) or replaced, the name or externalId replaced."""
    operations = _patch_operations(body)
    try:
        group = Group.model_validate(current)
        if operations:
            patch = PatchOp[Group].model_validate(
                {"schemas": [PATCH_SCHEMA], "Operations": operations},
                scim_ctx=ScimContext.RESOURCE_PATCH_REQUEST,
            )
            patch.patch(group)
    except (ValidationError, SCIMException) as error:
        raise scim_error_of(error) from error
    return _fields_of_group(group)
