"""Invitations to the organisation: reading the list, sending, finding, accepting, revoking."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from afterclass.audit.log import record_audit
from afterclass.core.errors import Conflict, InvalidInput, NotFound
from afterclass.people.access import check_org_admin
from afterclass.people.actions.tokens import hash_secret
from afterclass.people.actions.validation import normalise_email
from afterclass.people.models import Department, Invitation, ManagementLevel, Person
from afterclass.people.tasks import send_invitation_email

MAX_INVITATIONS_AT_ONCE = 500


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
    """Read a CSV with a header row: email (required), name, department, level. A file that is
    not CSV text, or a line that cannot be read, is refused saying where and why."""
    reader = csv.DictReader(io.StringIO(content, newline=""))
    rows = []
    read_up_to = 0  # the last line of the last record read: the next record starts after it
    try:
        _check_headers(reader)
        read_up_to = reader.line_num
        for record in reader:
            line_number, read_up_to = read_up_to + 1, reader.line_num
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
    except csv.Error as error:
        raise InvalidInput(_unreadable_line(read_up_to + 1, error), field="file") from error
    return rows


def _check_headers(reader: csv.DictReader[str]) -> None:
    headers = [header.strip().lower() for header in reader.fieldnames or []]
    if any("\x00" in header for header in headers):
        raise InvalidInput(
            "This file is not CSV text in UTF-8: its first line has NUL bytes, as UTF-16 "
            "text and spreadsheet files do. Save it as “CSV UTF-8” and try again.",
            field="file",
        )
    if "email" not in headers:
        raise InvalidInput(
            "The CSV needs a header row with at least an “email” column "
            "(and optionally name, department, level).",
            field="file",
        )
    reader.fieldnames = headers


def _unreadable_line(line_number: int, error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        limit = csv.field_size_limit() // 1024
        return (
            f"The row starting on line {line_number} has a value longer than {limit} KB, which "
            'no address, name, department or level is. Often a quote (") opened on that line '
            "is never closed, so the rest of the file reads as one value."
        )
    return f"Line {line_number} cannot be read as CSV ({error}). Check it and try again."


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
        with_nul = [label for label, value in _labelled(row) if "\x00" in value]
        if with_nul:
            # PostgreSQL cannot store it and SQLite would keep it: refused alike, by row.
            errors.append(
                f"row {number}: the {' and the '.join(with_nul)} "
                f"{'contains' if len(with_nul) == 1 else 'contain'} a NUL character (an "
                "invisible control character a broken export leaves); remove it"
            )
            continue
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


def _labelled(row: InvitationRow) -> list[tuple[str, str]]:
    return [
        ("e-mail address", row.email),
        ("name", row.display_name),
        ("department", row.department),
        ("level", row.level),
    ]


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
            # The address is on the invitation (the entry's target), not copied into the
            # append-only log: erasing the person deletes the invitation, and the log keeps no
            # address of theirs (afterclass.erasure).
            record_audit("invitation.create", invitation, actor=actor)
            sent.append(SentInvitation(invitation=invitation, token=token))
        transaction.on_commit(lambda: _send_invitation_emails(sent, inviter=actor))
    return sent


def _send_invitation_emails(sent: list[SentInvitation], *, inviter: Person) -> None:
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


def do_revoke_invitation(invitation: Invitation, *, actor: Person) -> Invitation:
    check_org_admin(actor)
    if not invitation.is_usable:
        raise Conflict("This invitation can no longer be used anyway.")
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        record_audit("invitation.revoke", invitation, actor=actor)
    return invitation
