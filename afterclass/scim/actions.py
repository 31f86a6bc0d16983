"""Every SCIM write: tokens, and people and departments as the identity provider sets them.

The identity provider acts as the system, not as a person: the people actions get `actor=None`
(as for the demo and the command line) and every audit entry names the provisioning token in
`scim_token`. People are never deleted here: DELETE and `active: false` deactivate them through
`do_set_active`, which ends their sessions and revokes their API tokens; their content stays.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from afterclass.audit.log import record_audit
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed
from afterclass.core.indexing import reindex_department_on_commit, reindex_person_on_commit
from afterclass.people.actions import do_create_person, do_set_active, hash_secret
from afterclass.people.actions.validation import clean_text, normalise_email
from afterclass.people.models import Department, Person
from afterclass.scim.models import ProvisionedDepartment, ProvisionedPerson, ProvisioningToken
from afterclass.surveys.models import Survey

TOKEN_PREFIX = "acscim_"  # noqa: S105 - a public marker that tells tokens apart, not a secret


@dataclass(frozen=True)
class PersonFields:
    """A person as the identity provider describes them (a SCIM User, already validated)."""

    user_name: str
    display_name: str
    email: str
    external_id: str = ""
    given_name: str = ""
    family_name: str = ""
    job_title: str = ""
    active: bool = True
    department: str | None = None
    email_type: str = ""
    email_primary: bool | None = None


@dataclass(frozen=True)
class DepartmentFields:
    """A department as the identity provider describes it (a SCIM Group)."""

    name: str
    external_id: str = ""
    # People's ids; None leaves the members as they are.
    members: tuple[int, ...] | None = None


# --- Tokens --------------------------------------------------------------------------------


def do_create_provisioning_token(
    name: str, *, actor: Person | None
) -> tuple[ProvisioningToken, str]:
    """Create a SCIM bearer token: organisation admins, or the command line (`actor=None`).
    The raw token is returned once and never stored."""
    if actor is not None and not actor.is_org_admin:
        raise NotAllowed("Only organisation admins can create provisioning tokens.")
    label = clean_text(name, "name", max_length=80, required=True)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ProvisioningToken.objects.create(
            name=label, token_hash=hash_secret(raw), prefix=raw[:12], created_by=actor
        )
        record_audit("scim.token.create", token, actor=actor)
    return token, raw


def do_revoke_provisioning_token(
    token: ProvisioningToken, *, actor: Person | None
) -> ProvisioningToken:
    """Revoke a SCIM token: the identity provider is refused from its next request."""
    if actor is not None and not actor.is_org_admin:
        raise NotAllowed("Only organisation admins can revoke provisioning tokens.")
    if token.revoked_at is not None:
        raise Conflict("This token is already revoked.")
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_audit("scim.token.revoke", token, actor=actor)
    return token


def token_for_bearer(raw: str) -> ProvisioningToken | None:
    """The unrevoked token a bearer value is, marking it as used (at most once a minute)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ProvisioningToken.objects.filter(
        token_hash=hash_secret(raw), revoked_at__isnull=True
    ).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ProvisioningToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- People --------------------------------------------------------------------------------


def _department_named(name: str | None, client: ProvisioningToken) -> Department | None:
    """The department the identity provider names (a top-level one first), made if new."""
    if name is None or not name.strip():
        return None
    clean = clean_text(name, "department", max_length=120, required=True)
    found = (
        Department.objects.filter(name__iexact=clean).order_by("parent_id", "pk").first()
        if clean
        else None
    )
    if found is not None:
        return found
    department = Department.objects.create(name=clean)
    record_audit("department.create", department, actor=None, scim_token=client.pk)
    return department


def _clean(fields: PersonFields) -> PersonFields:
    return PersonFields(
        user_name=clean_text(fields.user_name, "userName", max_length=254, required=True),
        display_name=clean_text(fields.display_name, "displayName", max_length=120, required=True),
        email=normalise_email(fields.email, "emails"),
        external_id=clean_text(fields.external_id, "externalId", max_length=254),
        given_name=clean_text(fields.given_name, "name.givenName", max_length=120),
        family_name=clean_text(fields.family_name, "name.familyName", max_length=120),
        job_title=clean_text(fields.job_title, "title", max_length=120),
        active=fields.active,
        department=fields.department,
        email_type=clean_text(fields.email_type, "emails.type", max_length=40),
        email_primary=fields.email_primary,
    )


def _check_unique(fields: PersonFields, *, person: Person | None) -> None:
    links = ProvisionedPerson.objects.all()
    if person is not None:
        links = links.exclude(person=person)
    if links.filter(user_name__iexact=fields.user_name).exists():
        raise Conflict(f"The userName “{fields.user_name}” is taken.", field="userName")
    if fields.external_id and links.filter(external_id=fields.external_id).exists():
        raise Conflict(f"The externalId “{fields.external_id}” is taken.", field="externalId")
    others = Person.objects.exclude(pk=person.pk) if person else Person.objects.all()
    if others.filter(email=fields.email).exists():
        raise Conflict(f"{fields.email} already has an account.", field="emails")
    # A person not linked yet is known to SCIM by their e-mail address as userName.
    if others.filter(provisioning__isnull=True, email=fields.user_name.lower()).exists():
        raise Conflict(f"The userName “{fields.user_name}” is taken.", field="userName")


def _returning(fields: PersonFields) -> Person | None:
    """A person the identity provider deleted before and now sends again (same userName or
    e-mail address): they come back, with their content, rather than a second account."""
    return (
        Person.objects.filter(provisioning__deleted_at__isnull=False)
        .filter(Q(provisioning__user_name__iexact=fields.user_name) | Q(email=fields.email))
        .first()
    )


def _deactivate(person: Person, client: ProvisioningToken) -> None:
    """Deactivate at once: sessions, API tokens and, after the commit, the person's open
    live-update sockets (do_set_active)."""
    do_set_active(person, False, actor=None, scim_token=client.pk)


def do_provision_person(fields: PersonFields, *, client: ProvisioningToken) -> Person:
    """Create a person from the identity provider (POST /Users), or bring back one it deleted.

    They get no password (an unusable one): they sign in once single sign-on is configured.
    """
    clean = _clean(fields)
    with transaction.atomic():
        returning = _returning(clean)
        if returning is not None:
            link = returning.provisioning
            link.deleted_at = None
            link.save(update_fields=["deleted_at"])
            record_audit("scim.person.restore", returning, actor=None, scim_token=client.pk)
            return do_update_provisioned_person(returning, clean, client=client)
        _check_unique(clean, person=None)
        person = do_create_person(
            clean.email,
            actor=None,
            display_name=clean.display_name,
            password=None,
            job_title=clean.job_title,
            department=_department_named(clean.department, client),
        )
        ProvisionedPerson.objects.create(
            person=person,
            user_name=clean.user_name,
            external_id=clean.external_id,
            given_name=clean.given_name,
            family_name=clean.family_name,
            email_type=clean.email_type,
            email_primary=clean.email_primary,
        )
        record_audit("scim.person.create", person, actor=None, scim_token=client.pk)
        if not clean.active:
            _deactivate(person, client)
    return person


def _follow_new_address(person: Person) -> None:
    """The identity provider changed a person's address: the addresses allauth kept for them
    follow. An old one left behind would still sign them in with a password and receive their
    password resets (allauth looks people up by those too), though it may now be someone else's;
    the new one is their primary address, verified (the identity provider vouches for it)."""
    kept = EmailAddress.objects.filter(user=person)
    if not kept.exists():
        return
    kept.exclude(email__iexact=person.email).delete()
    EmailAddress.objects.update_or_create(
        user=person, email__iexact=person.email,
        defaults={"email": person.email, "primary": True, "verified": True},
    )  # fmt: skip


def do_update_provisioned_person(
    person: Person, fields: PersonFields, *, client: ProvisioningToken
) -> Person:
    """Make a person what the identity provider says (PUT or PATCH /Users/<id>).

    `active` false deactivates them at once (sessions ended, API tokens revoked), true restores
    their access. A person not provisioned before is linked to the identity provider now.
    """
    clean = _clean(fields)
    with transaction.atomic():
        _check_unique(clean, person=person)
        department = _department_named(clean.department, client)
        changed = [
            name
            for name, value in (
                ("email", clean.email),
                ("display_name", clean.display_name),
                ("job_title", clean.job_title),
                ("department", department),
            )
            if getattr(person, name) != value
        ]
        if changed:
            person.email = clean.email
            person.display_name = clean.display_name
            person.job_title = clean.job_title
            person.department = department
            person.save(update_fields=changed)
        if "email" in changed:
            _follow_new_address(person)
        ProvisionedPerson.objects.update_or_create(
            person=person,
            defaults={
                "user_name": clean.user_name,
                "external_id": clean.external_id,
                "given_name": clean.given_name,
                "family_name": clean.family_name,
                "email_type": clean.email_type,
                "email_primary": clean.email_primary,
                "updated_at": timezone.now(),
            },
        )
        record_audit("scim.person.update", person, actor=None, scim_token=client.pk, fields=changed)
        if person.is_active != clean.active:
            if clean.active:
                do_set_active(person, True, actor=None, scim_token=client.pk)
            else:
                _deactivate(person, client)
    reindex_person_on_commit(person.pk)
    return person


def do_patch_provisioned_person(
    person: Person, patch: Callable[[Person], PersonFields], *, client: ProvisioningToken
) -> Person:
    """PATCH /Users/<id>: `patch` reads the person as they stand, under a row lock, so that two
    PATCHes at once do not overwrite each other's change."""
    with transaction.atomic():
        locked = Person.objects.select_for_update(of=("self",)).get(pk=person.pk)
        return do_update_provisioned_person(locked, patch(locked), client=client)


def do_deprovision_person(person: Person, *, client: ProvisioningToken) -> Person:
    """DELETE /Users/<id>: deactivate the person at once and drop them from SCIM. They and their
    content stay in Afterclass (an admin can reactivate them, or the identity provider can
    send them again)."""
    with transaction.atomic():
        if person.is_active:
            _deactivate(person, client)
        ProvisionedPerson.objects.update_or_create(
            person=person,
            defaults={"deleted_at": timezone.now()},
            create_defaults={"user_name": person.email, "deleted_at": timezone.now()},
        )
        record_audit("scim.person.delete", person, actor=None, scim_token=client.pk)
    return person


# --- Departments ---------------------------------------------------------------------------


def _check_department_name(name: str, *, department: Department | None) -> str:
    clean = clean_text(name, "displayName", max_length=120, required=True)
    parent = department.parent if department else None
    clash = Department.objects.filter(parent=parent, name__iexact=clean)
    if department is not None:
        clash = clash.exclude(pk=department.pk)
    if clash.exists():
        raise Conflict(f"There is already a department called “{clean}”.", field="displayName")
    return clean


def _check_external_id(external_id: str, *, department: Department | None) -> str:
    clean = clean_text(external_id, "externalId", max_length=254)
    links = ProvisionedDepartment.objects.all()
    if department is not None:
        links = links.exclude(department=department)
    if clean and links.filter(external_id=clean).exists():
        raise Conflict(f"The externalId “{clean}” is taken.", field="externalId")
    return clean


def _set_members(department: Department, members: tuple[int, ...]) -> None:
    """People in the department are exactly `members`: a person has one department, so joining
    this one moves them out of their previous one, and leaving it leaves them in none."""
    if Person.objects.filter(pk__in=members).count() != len(set(members)):
        raise InvalidInput("A member is not a known person.", field="members")
    leaving = list(department.people.exclude(pk__in=members).values_list("pk", flat=True))
    joining = list(
        Person.objects.filter(pk__in=members)
        .exclude(department=department)
        .values_list("pk", flat=True)
    )
    Person.objects.filter(pk__in=leaving).update(department=None)
    Person.objects.filter(pk__in=joining).update(department=department)
    for person_id in leaving + joining:
        reindex_person_on_commit(person_id)


def do_provision_department(fields: DepartmentFields, *, client: ProvisioningToken) -> Department:
    """POST /Groups: a new top-level department, with its members if given."""
    with transaction.atomic():
        name = _check_department_name(fields.name, department=None)
        external_id = _check_external_id(fields.external_id, department=None)
        department = Department.objects.create(name=name)
        ProvisionedDepartment.objects.create(department=department, external_id=external_id)
        if fields.members:
            _set_members(department, fields.members)
        record_audit(
            "scim.department.create",
            department,
            actor=None,
            scim_token=client.pk,
            members=list(fields.members or ()),
        )
    reindex_department_on_commit(department.pk)
    return department


def do_update_provisioned_department(
    department: Department, fields: DepartmentFields, *, client: ProvisioningToken
) -> Department:
    """PUT or PATCH /Groups/<id>: rename, set the externalId, set who is in it."""
    with transaction.atomic():
        name = _check_department_name(fields.name, department=department)
        external_id = _check_external_id(fields.external_id, department=department)
        if department.name != name:
            department.name = name
            department.save(update_fields=["name"])
        ProvisionedDepartment.objects.update_or_create(
            department=department,
            defaults={"external_id": external_id, "updated_at": timezone.now()},
        )
        if fields.members is not None:
            _set_members(department, fields.members)
        record_audit(
            "scim.department.update",
            department,
            actor=None,
            scim_token=client.pk,
            name=name,
            members=None if fields.members is None else list(fields.members),
        )
    reindex_department_on_commit(department.pk)
    return department


def do_patch_provisioned_department(
    department: Department,
    patch: Callable[[Department], DepartmentFields],
    *,
    client: ProvisioningToken,
) -> Department:
    """PATCH /Groups/<id>: `patch` reads the department and its members under a row lock, so
    that member changes sent one after another in parallel are all kept."""
    with transaction.atomic():
        locked = Department.objects.select_for_update(of=("self",)).get(pk=department.pk)
        return do_update_provisioned_department(locked, patch(locked), client=client)


def do_deprovision_department(department: Department, *, client: ProvisioningToken) -> None:
    """DELETE /Groups/<id>: its people are left without a department, and the department is
    removed unless something else still names it (its teams, a space's audience, a survey):
    then it stays in Afterclass, no longer known to SCIM."""
    with transaction.atomic():
        _set_members(department, ())
        record_audit("scim.department.delete", department, actor=None, scim_token=client.pk)
        in_use = (
            department.teams.exists()
            or department.audience_of.exists()
            or Survey.departments.through.objects.filter(department=department).exists()
        )
        if in_use:
            ProvisionedDepartment.objects.update_or_create(
                department=department, defaults={"deleted_at": timezone.now()}
            )
        else:
            department.delete()
