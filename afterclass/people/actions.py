"""Every change to people, departments, the organisation, invitations and access tokens."""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from afterclass.audit.log import record_audit
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from afterclass.core.images import prepare_image
from afterclass.people.access import check_org_admin
from afterclass.people.models import (
    AccessToken,
    Department,
    Invitation,
    ManagementLevel,
    Organisation,
    Person,
)

TOKEN_PREFIX = "ac_"  # noqa: S105 - a public marker that tells tokens apart, not a secret
MAX_INVITATIONS_AT_ONCE = 500


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _text(value: Any, field: str, *, max_length: int, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput(f"The {field.replace('_', ' ')} cannot be empty.", field=field)
    if len(text) > max_length:
        raise InvalidInput(
            f"The {field.replace('_', ' ')} can be at most {max_length} characters.", field=field
        )
    return text


def normalise_email(value: str, field: str = "email") -> str:
    email = str(value or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise InvalidInput(f"“{value}” is not a valid e-mail address.", field=field) from error
    return email


def email_domain_allowed(email: str) -> bool:
    domains = [domain.lower().lstrip("@") for domain in Organisation.current().allowed_domains]
    return email.rsplit("@", 1)[-1] in domains


# --- The organisation ---------------------------------------------------------------------


def do_update_organisation(
    *,
    actor: Person,
    name: str | None = None,
    allowed_domains: Iterable[str] | None = None,
    anyone_can_create_spaces: bool | None = None,
    logo: Any = None,
) -> Organisation:
    """Change the organisation's name, logo, allowed domains or space-creation policy."""
    check_org_admin(actor)
    organisation = Organisation.current()
    changed: list[str] = []
    if name is not None:
        organisation.name = _text(name, "name", max_length=120, required=True)
        changed.append("name")
    if allowed_domains is not None:
        domains = []
        for raw in allowed_domains:
            domain = raw.strip().lower().lstrip("@")
            if not domain:
                continue
            if "." not in domain or " " in domain or "@" in domain:
                raise InvalidInput(
                    f"“{raw}” is not a domain name like example.org.", field="allowed_domains"
                )
            domains.append(domain)
        organisation.allowed_domains = sorted(set(domains))
        changed.append("allowed_domains")
    if anyone_can_create_spaces is not None:
        organisation.anyone_can_create_spaces = anyone_can_create_spaces
        changed.append("anyone_can_create_spaces")
    with transaction.atomic():
        if logo is not None:
            image = prepare_image(logo, max_size=(400, 400), name="logo")
            organisation.logo.save(image.name or "logo.png", image, save=False)
            changed.append("logo")
        organisation.save(update_fields=[*changed, "updated_at"])
        record_audit("organisation.update", organisation, actor=actor, fields=changed)
    return organisation


def do_set_levels(names: list[str], *, actor: Person) -> list[ManagementLevel]:
    """Replace the ordered list of management levels (most junior first), keeping existing ones."""
    check_org_admin(actor)
    clean = [_text(name, "level", max_length=60, required=True) for name in names]
    if not clean:
        raise InvalidInput("Keep at least one management level.", field="levels")
    if len({name.lower() for name in clean}) != len(clean):
        raise InvalidInput("Each level must have a different name.", field="levels")
    with transaction.atomic():
        existing = {level.name.lower(): level for level in ManagementLevel.objects.all()}
        removed = [
            level for key, level in existing.items() if key not in {n.lower() for n in clean}
        ]
        if any(level.people.exists() for level in removed):
            raise Conflict("A level that people still have cannot be removed.", field="levels")
        for level in removed:
            level.delete()
        # Move ranks out of the way first so the unique constraint holds at every step.
        offset = 1000
        for level in existing.values():
            if level not in removed:
                ManagementLevel.objects.filter(pk=level.pk).update(rank=level.rank + offset)
        levels = []
        for rank, name in enumerate(clean, start=1):
            found = existing.get(name.lower())
            if found is None:
                found = ManagementLevel.objects.create(name=name, rank=rank)
            else:
                found.name, found.rank = name, rank
                found.save(update_fields=["name", "rank"])
            levels.append(found)
        record_audit("organisation.levels", Organisation.current(), actor=actor, levels=clean)
    return levels


def do_create_department(
    name: str, *, actor: Person, parent: Department | None = None
) -> Department:
    """Add a department, or a team inside one (teams cannot hold teams)."""
    check_org_admin(actor)
    clean = _text(name, "name", max_length=120, required=True)
    if parent is not None and parent.parent_id is not None:
        raise InvalidInput("A team cannot contain another team.", field="parent")
    siblings = Department.objects.filter(parent=parent).annotate(lname=Lower("name"))
    if siblings.filter(lname=clean.lower()).exists():
        raise Conflict(f"There is already a department called “{clean}” there.", field="name")
    with transaction.atomic():
        department = Department.objects.create(name=clean, parent=parent)
        record_audit("department.create", department, actor=actor)
    return department


def do_rename_department(department: Department, name: str, *, actor: Person) -> Department:
    check_org_admin(actor)
    clean = _text(name, "name", max_length=120, required=True)
    try:
        with transaction.atomic():
            department.name = clean
            department.save(update_fields=["name"])
            record_audit("department.rename", department, actor=actor, name=clean)
    except IntegrityError as error:
        raise Conflict(f"There is already a department called “{clean}” there.") from error
    return department


# --- People -------------------------------------------------------------------------------

PROFILE_FIELDS = {"display_name", "job_title", "bio", "interests"}
ADMIN_FIELDS = {"department", "level", "job_title", "display_name"}


def _interests(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput("Interests must be a list of words.", field="interests")
    items = list(dict.fromkeys(item.strip() for item in value if item.strip()))
    if len(items) > 20 or any(len(item) > 40 for item in items):
        raise InvalidInput("Up to 20 interests of at most 40 characters each.", field="interests")
    return items


def do_update_profile(person: Person, *, actor: Person, **fields: Any) -> Person:
    """Change a profile: a person their own details, an admin also department and level."""
    own = actor.pk == person.pk
    if not own and not actor.is_org_admin:
        raise NotAllowed("You can only change your own profile.")
    allowed = PROFILE_FIELDS | (ADMIN_FIELDS if actor.is_org_admin else set())
    unknown = set(fields) - allowed
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidInput(f"You cannot change {name.replace('_', ' ')} here.", field=name)
    changed: list[str] = []
    for name, value in fields.items():
        match name:
            case "display_name":
                value = _text(value, name, max_length=120, required=True)
            case "job_title":
                value = _text(value, name, max_length=120)
            case "bio":
                value = _text(value, name, max_length=600)
            case "interests":
                value = _interests(value)
            case "department":
                if value is not None and not isinstance(value, Department):
                    raise InvalidInput("Choose a department from the list.", field=name)
            case "level":
                if value is not None and not isinstance(value, ManagementLevel):
                    raise InvalidInput("Choose a level from the list.", field=name)
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    with transaction.atomic():
        if changed:
            person.save(update_fields=changed)
        record_audit("person.update", person, actor=actor, fields=changed)
    return person


def do_set_avatar(person: Person, upload: Any, *, actor: Person) -> Person:
    """Replace a person's avatar: resized to 256 px and stripped of metadata."""
    if actor.pk != person.pk and not actor.is_org_admin:
        raise NotAllowed("You can only change your own picture.")
    image = prepare_image(upload, max_size=(256, 256), name="avatar")
    with transaction.atomic():
        person.avatar.save(image.name or "avatar.jpg", image, save=False)
        person.save(update_fields=["avatar"])
        record_audit("person.avatar", person, actor=actor)
    return person


def do_create_person(
    email: str,
    *,
    actor: Person | None,
    display_name: str,
    password: str | None = None,
    password_hash: str | None = None,
    **fields: Any,
) -> Person:
    """Create a person directly (admins, the demo and command-line tools).

    `password_hash` (from make_password) lets a caller hash one password once for many people.
    """
    if actor is not None:
        check_org_admin(actor)
    address = normalise_email(email)
    name = _text(display_name, "display_name", max_length=120, required=True)
    if Person.objects.filter(email=address).exists():
        raise Conflict(f"{address} already has an account.", field="email")
    with transaction.atomic():
        person = Person.objects.create_user(address, password, display_name=name, **fields)
        if password_hash is not None:
            person.password = password_hash
            person.save(update_fields=["password"])
        record_audit("person.create", person, actor=actor)
    return person


def do_set_active(person: Person, active: bool, *, actor: Person) -> Person:
    """Deactivate (they cannot sign in; their content stays) or reactivate a person."""
    check_org_admin(actor)
    if person.pk == actor.pk and not active:
        raise NotAllowed("You cannot deactivate yourself.")
    if person.is_active == active:
        raise Conflict(f"{person} is already {'active' if active else 'deactivated'}.")
    with transaction.atomic():
        person.is_active = active
        person.deactivated_at = None if active else timezone.now()
        person.save(update_fields=["is_active", "deactivated_at"])
        if not active:
            person.access_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        record_audit("person.activate" if active else "person.deactivate", person, actor=actor)
    return person


def do_set_org_admin(person: Person, is_admin: bool, *, actor: Person) -> Person:
    check_org_admin(actor)
    if person.pk == actor.pk and not is_admin:
        raise NotAllowed("You cannot remove your own admin rights; ask another admin.")
    with transaction.atomic():
        person.is_org_admin = is_admin
        person.save(update_fields=["is_org_admin"])
        record_audit("person.admin", person, actor=actor, is_admin=is_admin)
    return person


# --- Invitations --------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationRow:
    email: str
    display_name: str = ""
    department: str = ""
    level: str = ""


@dataclass(frozen=True)
class SentInvitation:
    invitation: Invitation
    token: str  # the raw token, only ever in the e-mail's link


def parse_invitation_text(text: str) -> list[InvitationRow]:
    """Read pasted addresses (one per line, or separated by commas/semicolons)."""
    rows = []
    for chunk in text.replace(";", "\n").replace(",", "\n").splitlines():
        if chunk.strip():
            rows.append(InvitationRow(email=chunk.strip()))
    return rows


def parse_invitation_csv(content: str) -> list[InvitationRow]:
    """Read a CSV with a header row: email (required), name, department, level."""
    reader = csv.DictReader(io.StringIO(content))
    headers = [header.strip().lower() for header in reader.fieldnames or []]
    if "email" not in headers:
        raise InvalidInput(
            "The CSV needs a header row with at least an “email” column "
            "(and optionally name, department, level).",
            field="file",
        )
    reader.fieldnames = headers
    rows = []
    for line_number, record in enumerate(reader, start=2):
        if None in record:
            raise InvalidInput(
                f"Line {line_number} has more columns than the header.", field="file"
            )
        values = {key: (value or "").strip() for key, value in record.items()}
        if not any(values.values()):
            continue
        rows.append(
            InvitationRow(
                email=values.get("email", ""),
                display_name=values.get("name", ""),
                department=values.get("department", ""),
                level=values.get("level", ""),
            )
        )
    return rows


def _resolve_rows(rows: list[InvitationRow]) -> list[dict[str, Any]]:
    """Check every row before inviting anyone: one bad row changes nothing."""
    if not rows:
        raise InvalidInput("Give at least one e-mail address.", field="emails")
    if len(rows) > MAX_INVITATIONS_AT_ONCE:
        raise InvalidInput(
            f"Invite at most {MAX_INVITATIONS_AT_ONCE} people at once.", field="emails"
        )
    departments = {d.name.lower(): d for d in Department.objects.all()}
    levels = {level.name.lower(): level for level in ManagementLevel.objects.all()}
    errors: list[str] = []
    resolved: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        try:
            email = normalise_email(row.email)
        except InvalidInput:
            errors.append(f"row {number}: “{row.email}” is not a valid e-mail address")
            continue
        if email in seen:
            continue
        seen.add(email)
        department = departments.get(row.department.lower()) if row.department else None
        if row.department and department is None:
            errors.append(f"row {number}: there is no department “{row.department}”")
        level = levels.get(row.level.lower()) if row.level else None
        if row.level and level is None:
            errors.append(f"row {number}: there is no level “{row.level}”")
        if len(row.display_name) > 120:
            errors.append(f"row {number}: the name is longer than 120 characters")
        resolved.append(
            {
                "email": email,
                "display_name": row.display_name,
                "department": department,
                "level": level,
            }
        )
    if errors:
        raise InvalidInput(
            "Nothing was sent. Please fix: " + "; ".join(errors) + ".", field="emails"
        )
    return resolved


def do_invite_people(rows: list[InvitationRow], *, actor: Person) -> list[SentInvitation]:
    """Invite addresses to the organisation (admins). People who already have an account are
    skipped; an earlier unused invitation for the same address is replaced."""
    check_org_admin(actor)
    resolved = _resolve_rows(rows)
    existing = set(
        Person.objects.filter(email__in=[row["email"] for row in resolved]).values_list(
            "email", flat=True
        )
    )
    now = timezone.now()
    expires = now + timedelta(days=settings.INVITATION_DAYS)
    sent: list[SentInvitation] = []
    with transaction.atomic():
        for row in resolved:
            if row["email"] in existing:
                continue
            Invitation.objects.filter(
                email=row["email"], accepted_at__isnull=True, revoked_at__isnull=True
            ).update(revoked_at=now)
            token = secrets.token_urlsafe(32)
            invitation = Invitation.objects.create(
                token_hash=hash_secret(token),
                invited_by=actor,
                created_at=now,
                expires_at=expires,
                **row,
            )
            record_audit("invitation.create", invitation, actor=actor, email=row["email"])
            sent.append(SentInvitation(invitation=invitation, token=token))
        transaction.on_commit(lambda: _send_invitation_emails(sent, inviter=actor))
    return sent


def _send_invitation_emails(sent: list[SentInvitation], *, inviter: Person) -> None:
    from afterclass.people.tasks import send_invitation_email

    for item in sent:
        send_invitation_email.enqueue(item.invitation.pk, item.token, inviter.display_name)


def find_invitation(token: str) -> Invitation:
    """The invitation behind a link, or a clear reason why it cannot be used."""
    invitation = Invitation.objects.filter(token_hash=hash_secret(token or "")).first()
    if invitation is None:
        raise NotFound("This invitation link is not valid.")
    if invitation.accepted_at is not None:
        raise Conflict("This invitation has already been used. Sign in instead.")
    if invitation.revoked_at is not None:
        raise Conflict("This invitation was replaced by a newer one; use the latest e-mail.")
    if invitation.expires_at <= timezone.now():
        raise Conflict("This invitation has expired. Ask an admin to invite you again.")
    return invitation


def usable_invitation_for(email: str) -> Invitation | None:
    return (
        Invitation.objects.filter(
            email=email.lower(),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .first()
    )


def do_accept_invitation(person: Person) -> Invitation | None:
    """On sign-up, use the person's invitation and take its name, department and level."""
    with transaction.atomic():
        invitation = usable_invitation_for(person.email)
        if invitation is None:
            return None
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = person
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        fields = []
        if invitation.department_id and not person.department_id:
            person.department_id = invitation.department_id
            fields.append("department")
        if invitation.level_id and not person.level_id:
            person.level_id = invitation.level_id
            fields.append("level")
        if invitation.display_name and not person.display_name:
            person.display_name = invitation.display_name
            fields.append("display_name")
        if fields:
            person.save(update_fields=fields)
        record_audit("invitation.accept", invitation, actor=person)
    return invitation


def do_register_invited_person(
    invitation: Invitation, *, display_name: str, password: str
) -> Person:
    """Create the account an invitation was sent for and use the invitation up, in one step.

    The invitation must still be usable and its address must not have an account yet; the new
    person takes the invitation's department and level.
    """
    name = _text(display_name, "display_name", max_length=120, required=True)
    if not password:
        raise InvalidInput("Choose a password.", field="password")
    with transaction.atomic():
        current = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
        if current is None or not current.is_usable:
            raise Conflict("This invitation can no longer be used.")
        if Person.objects.filter(email=current.email).exists():
            raise Conflict(f"{current.email} already has an account. Sign in instead.")
        person = Person.objects.create_user(
            current.email,
            password,
            display_name=name,
            department_id=current.department_id,
            level_id=current.level_id,
        )
        current.accepted_at = timezone.now()
        current.accepted_by = person
        current.save(update_fields=["accepted_at", "accepted_by"])
        record_audit("person.create", person, actor=person, invitation=current.pk)
        record_audit("invitation.accept", current, actor=person)
    return person


def do_revoke_invitation(invitation: Invitation, *, actor: Person) -> Invitation:
    check_org_admin(actor)
    if not invitation.is_usable:
        raise Conflict("This invitation can no longer be used anyway.")
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record_audit("invitation.revoke", invitation, actor=actor)
    return invitation


# --- Access tokens ------------------------------------------------------------------------


def do_create_access_token(person: Person, name: str, *, actor: Person) -> tuple[AccessToken, str]:
    """Create a personal access token; the raw token is returned once and never stored."""
    if actor.pk != person.pk:
        raise NotAllowed("You can only create tokens for yourself.")
    if not person.is_active:
        raise NotAllowed("A deactivated person cannot have tokens.")
    label = _text(name, "name", max_length=80, required=True)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = AccessToken.objects.create(
            person=person, name=label, token_hash=hash_secret(raw), prefix=raw[:10]
        )
        record_audit("token.create", token, actor=actor)
    return token, raw


def do_revoke_access_token(token: AccessToken, *, actor: Person) -> AccessToken:
    if actor.pk != token.person_id and not actor.is_org_admin:
        raise NotFound("There is no such token.")
    if token.revoked_at is not None:
        raise Conflict("This token is already revoked.")
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_audit("token.revoke", token, actor=actor)
    return token


def person_for_token(raw: str) -> Person | None:
    """The active person a bearer token belongs to, marking the token as used."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        AccessToken.objects.select_related("person")
        .filter(token_hash=hash_secret(raw), revoked_at__isnull=True, person__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Touch at most once a minute, so reads stay reads.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person
