"""People and departments as SCIM Users and Groups (RFC 7643), and what the server publishes.

The types, their validation, paths, filters and PATCH come from scim2-models; this module says
which attributes Afterclass keeps and where: a User is a person (userName and externalId from
the identity provider's link, `emails` their one address, `title` their job title, the
enterprise extension's `department` their department), a Group is a department. Anything else a
client sends is accepted and not kept, and not published in /Schemas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    EnterpriseUser,
    ETag,
    Filter,
    Group,
    Meta,
    Patch,
    Required,
    ResourceType,
    Schema,
    ServiceProviderConfig,
    Sort,
    User,
)
from scim2_models import (
    Context as ScimContext,
)

from afterclass.people.models import Department, Person
from afterclass.scim.models import ProvisionedPerson

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
MAX_COUNT = 200

# The attributes kept, with the sub-attributes kept of complex ones (None: all it has).
USER_ATTRIBUTES: dict[str, set[str] | None] = {
    "userName": None,
    "name": {"givenName", "familyName"},
    "displayName": None,
    "title": None,
    "active": None,
    "emails": {"value", "type", "primary"},
    "groups": {"value", "$ref", "display", "type"},
}
# Afterclass needs a name and an address for everyone: published as required. A client that
# leaves them out is still served when it can be (displayName from the name parts or userName,
# the address from a userName that is one).
USER_REQUIRED = {"userName", "displayName", "emails"}
GROUP_ATTRIBUTES: dict[str, set[str] | None] = {
    "displayName": None,
    "members": {"value", "$ref", "type"},
}
ENTERPRISE_ATTRIBUTES: dict[str, set[str] | None] = {"department": None}

UserWithExtension = User[EnterpriseUser]


def _kept(schema: Schema, kept: dict[str, set[str] | None], required: set[str]) -> Schema:
    attributes = []
    for attribute in schema.attributes or []:
        if attribute.name not in kept:
            continue
        sub_names = kept[attribute.name]
        if sub_names is not None and attribute.sub_attributes:
            attribute.sub_attributes = [
                sub for sub in attribute.sub_attributes if sub.name in sub_names
            ]
        if attribute.name in required:
            attribute.required = Required.true
            # An entry of a required complex attribute needs its value (an e-mail address).
            for sub in attribute.sub_attributes or []:
                if sub.name == "value":
                    sub.required = Required.true
        attributes.append(attribute)
    schema.attributes = attributes
    return schema


def published_schemas(location: Callable[[str], str]) -> list[Schema]:
    """The /Schemas documents: the standard ones, cut to what Afterclass keeps."""
    schemas = [
        _kept(User.to_schema(), USER_ATTRIBUTES, USER_REQUIRED),
        _kept(Group.to_schema(), GROUP_ATTRIBUTES, {"displayName"}),
        _kept(EnterpriseUser.to_schema(), ENTERPRISE_ATTRIBUTES, set()),
    ]
    for schema in schemas:
        schema.meta = _meta_of("Schema", location(f"Schemas/{schema.id}"))
    return schemas


def _meta_of(resource_type: str, location: str) -> Meta:
    return Meta(resource_type=resource_type, location=location)


def published_resource_types(location: Callable[[str], str]) -> list[ResourceType]:
    return [
        ResourceType.model_validate(
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
                "id": "User",
                "name": "User",
                "description": "A person of the organisation",
                "endpoint": "/Users",
                "schema": USER_SCHEMA,
                "schemaExtensions": [{"schema": ENTERPRISE_SCHEMA, "required": False}],
                "meta": {
                    "resourceType": "ResourceType",
                    "location": location("ResourceTypes/User"),
                },
            }
        ),
        ResourceType.model_validate(
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
                "id": "Group",
                "name": "Group",
                "description": "A department of the organisation",
                "endpoint": "/Groups",
                "schema": GROUP_SCHEMA,
                "meta": {
                    "resourceType": "ResourceType",
                    "location": location("ResourceTypes/Group"),
                },
            }
        ),
    ]


def service_provider_config(location: Callable[[str], str]) -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_COUNT),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="Bearer token",
                description="A provisioning token made under Manage → Provisioning (SCIM) or by "
                "`afterclass scim token create NAME`.",
                primary=True,
            )
        ],
        meta=_meta_of("ServiceProviderConfig", location("ServiceProviderConfig")),
    )


def dump(model: Any) -> dict[str, Any]:
    """A scim2-models object as JSON, as a response carries it."""
    result: dict[str, Any] = model.model_dump(scim_ctx=ScimContext.RESOURCE_QUERY_RESPONSE)
    return result


# --- People and departments as resources ---------------------------------------------------


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _email(person: Person, link: ProvisionedPerson | None) -> dict[str, Any]:
    """The person's one address, labelled as the identity provider labelled it (a work address,
    their primary one, when it never said)."""
    email: dict[str, Any] = {"value": person.email}
    if link is None:
        return {**email, "type": "work", "primary": True}
    if link.email_type:
        email["type"] = link.email_type
    if link.email_primary is not None:
        email["primary"] = link.email_primary
    return email


def user_resource(person: Person, location: Callable[[str], str]) -> dict[str, Any]:
    """A person as a SCIM User. `person` comes with `department` and `provisioning` loaded
    (or known to have none: `Person.objects.for_scim()` in queries)."""
    link = getattr(person, "provisioning", None)
    resource: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "id": str(person.pk),
        "userName": link.user_name if link else person.email,
        "displayName": person.display_name,
        "active": person.is_active,
        "emails": [_email(person, link)],
    }
    if link is not None and link.external_id:
        resource["externalId"] = link.external_id
    if link is not None and (link.given_name or link.family_name):
        resource["name"] = {
            key: value
            for key, value in (("givenName", link.given_name), ("familyName", link.family_name))
            if value
        }
    if person.job_title:
        resource["title"] = person.job_title
    department = person.department
    if department is not None:
        resource["schemas"].append(ENTERPRISE_SCHEMA)
        resource[ENTERPRISE_SCHEMA] = {"department": department.name}
        resource["groups"] = [
            {
                "value": str(department.pk),
                "$ref": location(f"Groups/{department.pk}"),
                "display": department.name,
                "type": "direct",
            }
        ]
    modified = link.updated_at if link is not None else person.date_joined
    resource["meta"] = {
        "resourceType": "User",
        "created": _iso(link.created_at if link is not None else person.date_joined),
        "lastModified": _iso(max(modified, person.date_joined)),
        "location": location(f"Users/{person.pk}"),
    }
    return resource


def group_resource(
    department: Department, member_ids: Iterable[int], location: Callable[[str], str]
) -> dict[str, Any]:
    """A department as a SCIM Group; its members are the people in it."""
    link = getattr(department, "provisioning", None)
    resource: dict[str, Any] = {
        "schemas": [GROUP_SCHEMA],
        "id": str(department.pk),
        "displayName": department.name,
        "members": [
            {"value": str(pk), "$ref": location(f"Users/{pk}"), "type": "User"} for pk in member_ids
        ],
    }
    if not resource["members"]:
        del resource["members"]
    if link is not None and link.external_id:
        resource["externalId"] = link.external_id
    resource["meta"] = {"resourceType": "Group", "location": location(f"Groups/{department.pk}")}
    if link is not None:
        resource["meta"]["created"] = _iso(link.created_at)
        resource["meta"]["lastModified"] = _iso(link.updated_at)
    return resource


# Always returned whatever `attributes` asks (RFC 7643 §7: returned "always").
ALWAYS = {"id", "schemas", "meta"}


def select_attributes(
    resource: dict[str, Any], attributes: list[str], excluded: list[str]
) -> dict[str, Any]:
    """Apply `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5) at the top level: asking
    for a sub-attribute (`name.givenName`) returns its whole attribute."""

    def top(name: str) -> str:
        lowered = name.lower()
        for prefix in (USER_SCHEMA, GROUP_SCHEMA):
            if lowered.startswith(prefix.lower() + ":"):
                lowered = lowered[len(prefix) + 1 :]
        if lowered.startswith(ENTERPRISE_SCHEMA.lower()):
            return ENTERPRISE_SCHEMA.lower()
        return lowered.split(".", 1)[0]

    if attributes:
        wanted = {top(name) for name in attributes} | ALWAYS
        return {key: value for key, value in resource.items() if key.lower() in wanted}
    if excluded:
        unwanted = {top(name) for name in excluded} - ALWAYS
        return {key: value for key, value in resource.items() if key.lower() not in unwanted}
    return resource
