"""The read side of SCIM: the people and departments it lists, and its filters as queries.

Filters are parsed by scim2-models (`ScimFilter`) and turned here into Django `Q` objects over
the attributes Afterclass keeps; any other attribute or operator is an `invalidFilter` (400).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from scim2_models import ScimFilter
from scim2_models.path import (
    AttrPath,
    CompareOperator,
    Comparison,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)

from afterclass.people.models import Department, Person
from afterclass.scim.errors import ScimError
from afterclass.scim.resources import ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA


def scim_people() -> QuerySet[Person]:
    """Everyone SCIM knows: all people but those its DELETE dropped and the erased (their row
    is "Former colleague", no one the identity provider knows), oldest first."""
    return (
        Person.objects.not_erased()
        .exclude(provisioning__deleted_at__isnull=False)
        .select_related("department", "provisioning")
        .order_by("pk")
    )


def scim_departments() -> QuerySet[Department]:
    """Every department SCIM knows, with the ids of its people."""
    return (
        Department.objects.exclude(provisioning__deleted_at__isnull=False)
        .select_related("provisioning")
        .prefetch_related(Prefetch("people", queryset=Person.objects.only("pk", "department")))
        .order_by("pk")
    )


_TEXT_LOOKUPS = {
    CompareOperator.eq: "iexact",
    CompareOperator.co: "icontains",
    CompareOperator.sw: "istartswith",
    CompareOperator.ew: "iendswith",
}


def _name(attr_path: AttrPath, core: str) -> str:
    """The attribute's name in lower case, its own schema's URN taken off."""
    uri = (attr_path.uri or "").lower()
    name = attr_path.attr
    if attr_path.sub_attr is not None:
        name = f"{name}.{attr_path.sub_attr}"
    if uri and uri not in {core.lower(), ENTERPRISE_SCHEMA.lower()}:
        raise ScimError(400, "invalidFilter", f"Unknown schema in the filter: {attr_path.uri}")
    if uri == ENTERPRISE_SCHEMA.lower():
        return f"enterprise:{name.lower()}"
    return name.lower()


def _text(fields: list[str], op: CompareOperator, value: Any, *, case_exact: bool = False) -> Q:
    if op == CompareOperator.ne:
        return ~_text(fields, CompareOperator.eq, value, case_exact=case_exact)
    lookup = _TEXT_LOOKUPS.get(op)
    if lookup is None or not isinstance(value, str):
        raise ScimError(400, "invalidFilter", f"The operator “{op}” does not apply here.")
    if case_exact and lookup == "iexact":
        lookup = "exact"
    query = Q()
    for field in fields:
        query |= Q(**{f"{field}__{lookup}": value})
    return query


def _user_comparison(name: str, op: CompareOperator, value: Any) -> Q:
    match name:
        case "id":
            return _id_query("pk", op, value)
        case "username":
            if op == CompareOperator.ne:
                return ~_user_comparison(name, CompareOperator.eq, value)
            linked = _text(["provisioning__user_name"], op, value)
            unlinked = _text(["email"], op, value)
            return linked | (Q(provisioning__isnull=True) & unlinked)
        case "externalid":
            return _text(["provisioning__external_id"], op, value, case_exact=True)
        case "displayname":
            return _text(["display_name"], op, value)
        case "emails" | "emails.value":
            return _text(["email"], op, value)
        case "title":
            return _text(["job_title"], op, value)
        case "name.givenname":
            return _text(["provisioning__given_name"], op, value)
        case "name.familyname":
            return _text(["provisioning__family_name"], op, value)
        case "enterprise:department" | "groups" | "groups.value" | "groups.display":
            if name in {"groups", "groups.value"}:
                return _id_query("department_id", op, value)
            return _text(["department__name"], op, value)
        case "active":
            if op not in {CompareOperator.eq, CompareOperator.ne}:
                raise ScimError(400, "invalidFilter", "active is compared with eq or ne.")
            active = _boolean(value)
            return Q(is_active=active if op == CompareOperator.eq else not active)
    raise ScimError(400, "invalidFilter", f"Users cannot be filtered on “{name}”.")


def _group_comparison(name: str, op: CompareOperator, value: Any) -> Q:
    match name:
        case "id":
            return _id_query("pk", op, value)
        case "displayname":
            return _text(["name"], op, value)
        case "externalid":
            return _text(["provisioning__external_id"], op, value, case_exact=True)
        case "members" | "members.value":
            return _id_query("people", op, value)
    raise ScimError(400, "invalidFilter", f"Groups cannot be filtered on “{name}”.")


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    raise ScimError(400, "invalidFilter", "active is true or false.")


def _id_query(field: str, op: CompareOperator, value: Any) -> Q:
    if op not in {CompareOperator.eq, CompareOperator.ne}:
        raise ScimError(400, "invalidFilter", "An id is compared with eq or ne.")
    text = str(value)
    # An id that is not one of ours matches nothing (and is no error: RFC 7644 §3.4.2.2).
    query = Q(**{field: int(text)}) if text.isdigit() and len(text) < 19 else Q(pk__in=[])
    return ~query if op == CompareOperator.ne else query


def _present(name: str, *, users: bool) -> Q:
    fields = {
        "username": Q(pk__isnull=False),
        "displayname": ~Q(display_name="") if users else ~Q(name=""),
        "externalid": Q(provisioning__isnull=False) & ~Q(provisioning__external_id=""),
        "title": ~Q(job_title=""),
        "emails": Q(pk__isnull=False),
        "active": Q(pk__isnull=False),
        "enterprise:department": Q(department__isnull=False),
        "members": Q(people__isnull=False),
        "id": Q(pk__isnull=False),
    }
    if name not in fields:
        raise ScimError(400, "invalidFilter", f"Cannot filter on “{name}” being present.")
    return fields[name]


def filter_query(text: str, *, users: bool) -> Q:
    """The SCIM filter `text` (RFC 7644 §3.4.2.2) as a query on people or departments."""
    try:
        ast = ScimFilter(text).ast
    except Exception as error:  # scim2-models raises several kinds on a bad filter
        raise ScimError(400, "invalidFilter", f"The filter cannot be read: {error}") from error
    core = USER_SCHEMA if users else GROUP_SCHEMA
    compare = _user_comparison if users else _group_comparison

    def build(node: Any) -> Q:
        if isinstance(node, LogicalExpr):
            terms = [build(term) for term in node.terms]
            query = terms[0]
            for term in terms[1:]:
                query = (query & term) if node.op == LogicalOperator.and_ else (query | term)
            return query
        if isinstance(node, Not):
            return ~build(node.expr)
        if isinstance(node, Present):
            return _present(_name(node.attr_path, core), users=users)
        if isinstance(node, Comparison):
            return compare(_name(node.attr_path, core), node.op, node.value)
        if isinstance(node, ValuePath):
            # emails[value eq "x"], members[value eq "1"]: the parent's sub-attribute.
            return build_value_path(node)
        raise ScimError(400, "invalidFilter", "This filter is not supported.")

    def build_value_path(node: ValuePath) -> Q:
        parent = node.attr_path.attr
        inner = node.val_filter
        if not isinstance(inner, Comparison) or inner.attr_path.attr.lower() != "value":
            raise ScimError(400, "invalidFilter", "Only [value …] filters are supported here.")
        name = _name(AttrPath(attr=parent, sub_attr="value", uri=node.attr_path.uri), core)
        return compare(name, inner.op, inner.value)

    return build(ast)
