"""Changes to the organisation: its settings, management levels and departments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from afterclass.audit.log import record_audit
from afterclass.core.errors import Conflict, InvalidInput
from afterclass.core.filestore import save_to_file_store
from afterclass.core.images import prepare_image
from afterclass.core.indexing import reindex_department_on_commit
from afterclass.people.access import check_org_admin
from afterclass.people.actions.validation import clean_text
from afterclass.people.models import (
    Department,
    ErasedContent,
    ManagementLevel,
    Organisation,
    Person,
    TwoFactorRequirement,
)
from afterclass.people.two_factor import mark_sessions_due


def do_update_organisation(
    *,
    actor: Person,
    name: str | None = None,
    allowed_domains: Iterable[str] | None = None,
    anyone_can_create_spaces: bool | None = None,
    two_factor_required_for: str | None = None,
    logo: Any = None,
    erased_content: str | None = None,
) -> Organisation:
    """Change the organisation's name, logo, allowed domains, space-creation policy, who
    must sign in with a second factor (whose open sessions are then sent to enrolment) or what
    an erasure does by default with the erased person's content."""
    check_org_admin(actor)
    organisation = Organisation.current()
    changed: list[str] = []
    if name is not None:
        organisation.name = clean_text(name, "name", max_length=120, required=True)
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
    if (
        two_factor_required_for is not None
        and two_factor_required_for != organisation.two_factor_required_for
    ):
        if two_factor_required_for not in TwoFactorRequirement.values:
            raise InvalidInput(
                "Choose who must use two-factor sign-in.", field="two_factor_required_for"
            )
        organisation.two_factor_required_for = two_factor_required_for
        changed.append("two_factor_required_for")
    if erased_content is not None and erased_content != organisation.erased_content:
        if erased_content not in ErasedContent.values:
            raise InvalidInput(
                "Choose what becomes of an erased person's content.", field="erased_content"
            )
        organisation.erased_content = erased_content
        changed.append("erased_content")
    with transaction.atomic():
        if logo is not None:
            image = prepare_image(logo, max_size=(400, 400), name="logo")
            save_to_file_store(organisation.logo, image.name or "logo.png", image)
            changed.append("logo")
        organisation.save(update_fields=[*changed, "updated_at"])
        record_audit("organisation.update", organisation, actor=actor, fields=changed)
        if "two_factor_required_for" in changed:
            transaction.on_commit(lambda: mark_sessions_due(organisation))
    return organisation


def do_set_levels(names: list[str], *, actor: Person) -> list[ManagementLevel]:
    """Replace the ordered list of management levels (most junior first), keeping existing ones."""
    check_org_admin(actor)
    clean = [clean_text(name, "level", max_length=60, required=True) for name in names]
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
    clean = clean_text(name, "name", max_length=120, required=True)
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
    clean = clean_text(name, "name", max_length=120, required=True)
    try:
        with transaction.atomic():
            department.name = clean
            department.save(update_fields=["name"])
            record_audit("department.rename", department, actor=actor, name=clean)
    except IntegrityError as error:
        raise Conflict(f"There is already a department called “{clean}” there.") from error
    reindex_department_on_commit(department.pk)
    return department
