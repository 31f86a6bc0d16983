"""Changes to people: profiles, avatars, creating and registering, activation, admin rights."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from afterclass.audit.log import record_audit
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed
from afterclass.core.filestore import save_to_file_store
from afterclass.core.images import prepare_image
from afterclass.core.indexing import reindex_person_on_commit
from afterclass.people.access import check_org_admin
from afterclass.people.actions.validation import clean_text, normalise_email
from afterclass.people.models import (
    Department,
    Invitation,
    ManagementLevel,
    Organisation,
    Person,
)
from afterclass.people.signals import person_deactivated
from afterclass.people.two_factor import mark_sessions_due

PROFILE_FIELDS = {"display_name", "job_title", "bio", "interests"}
ADMIN_FIELDS = {"department", "level", "job_title", "display_name"}
# What a person may fill in themselves while it is empty (on the welcome); once set, only an
# organisation admin changes it.
FILL_IN_FIELDS = {"department"}


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
    if own:
        allowed |= {name for name in FILL_IN_FIELDS if getattr(person, f"{name}_id") is None}
    unknown = set(fields) - allowed
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidInput(f"You cannot change {name.replace('_', ' ')} here.", field=name)
    changed: list[str] = []
    for name, value in fields.items():
        match name:
            case "display_name":
                value = clean_text(value, name, max_length=120, required=True)
            case "job_title":
                value = clean_text(value, name, max_length=120)
            case "bio":
                value = clean_text(value, name, max_length=600)
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
    reindex_person_on_commit(person.pk)
    return person


def do_finish_onboarding(person: Person, *, actor: Person) -> Person:
    """Mark the first-visit welcome done (finished or skipped), for oneself only; signing in
    then goes where it always does. Doing it twice changes nothing."""
    if actor.pk != person.pk:
        raise NotAllowed("Only you can finish your own welcome.")
    if person.onboarded_at is not None:
        return person
    with transaction.atomic():
        person.onboarded_at = timezone.now()
        person.save(update_fields=["onboarded_at"])
        record_audit("person.onboarded", person, actor=actor)
    return person


def do_set_avatar(person: Person, upload: Any, *, actor: Person) -> Person:
    """Replace a person's avatar: resized to 256 px and stripped of metadata."""
    if actor.pk != person.pk and not actor.is_org_admin:
        raise NotAllowed("You can only change your own picture.")
    image = prepare_image(upload, max_size=(256, 256), name="avatar")
    with transaction.atomic():
        save_to_file_store(person.avatar, image.name or "avatar.jpg", image)
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
    name = clean_text(display_name, "display_name", max_length=120, required=True)
    # Someone new is welcomed at their first sign-in unless the caller says they are done.
    fields.setdefault("onboarded_at", None)
    if Person.objects.filter(email=address).exists():
        raise Conflict(f"{address} already has an account.", field="email")
    with transaction.atomic():
        person = Person.objects.create_user(address, password, display_name=name, **fields)
        if password_hash is not None:
            person.password = password_hash
            person.save(update_fields=["password"])
        record_audit("person.create", person, actor=actor)
    reindex_person_on_commit(person.pk)
    return person


def do_set_active(person: Person, active: bool, *, actor: Person | None, **audit: Any) -> Person:
    """Deactivate (they cannot sign in; their content stays) or reactivate a person.

    Deactivating ends their sessions, revokes their access tokens and forgets the push
    subscriptions of their devices at once. `actor=None` is the system: the organisation's
    identity provider through SCIM (afterclass.scim), which authenticates with its own token and
    says so in `audit`; a person must be an admin.
    """
    if actor is not None:
        check_org_admin(actor)
        if person.pk == actor.pk and not active:
            raise NotAllowed("You cannot deactivate yourself.")
    if person.is_active == active:
        raise Conflict(f"{person} is already {'active' if active else 'deactivated'}.")
    if active and person.is_erased:
        raise Conflict("An erased person cannot be reactivated: their account is gone.")
    with transaction.atomic():
        person.is_active = active
        person.deactivated_at = None if active else timezone.now()
        person.save(update_fields=["is_active", "deactivated_at"])
        if not active:
            person.access_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
            end_sessions(person)
            # No more pushes to their devices (webapp's periodic prune_push catches any left).
            person.push_subscriptions.all().delete()
            person_id = person.pk
            # Their open pages' live sockets close after the commit (afterclass.live.receivers).
            transaction.on_commit(
                lambda: person_deactivated.send(sender=Person, person_id=person_id)
            )
        record_audit(
            "person.activate" if active else "person.deactivate", person, actor=actor, **audit
        )
    reindex_person_on_commit(person.pk)
    return person


def end_sessions(person: Person) -> int:
    """Delete every stored session of a person (they are signed out everywhere at once).

    Sessions are not indexed by person, so the unexpired ones are decoded one by one: this runs
    on deactivation, not on a hot path.
    """
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(person.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def do_set_org_admin(person: Person, is_admin: bool, *, actor: Person) -> Person:
    check_org_admin(actor)
    if person.pk == actor.pk and not is_admin:
        raise NotAllowed("You cannot remove your own admin rights; ask another admin.")
    with transaction.atomic():
        person.is_org_admin = is_admin
        person.save(update_fields=["is_org_admin"])
        record_audit("person.admin", person, actor=actor, is_admin=is_admin)
        if is_admin:
            # When admins must use two-factor sign-in, a new admin's open sessions go to
            # enrolment at their next request.
            transaction.on_commit(lambda: mark_sessions_due(Organisation.current(), person=person))
    return person


def do_register_invited_person(
    invitation: Invitation, *, display_name: str, password: str
) -> Person:
    """Create the account an invitation was sent for and use the invitation up, in one step.

    The invitation must still be usable and its address must not have an account yet; the new
    person takes the invitation's department and level.
    """
    name = clean_text(display_name, "display_name", max_length=120, required=True)
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
            onboarded_at=None,
        )
        current.accepted_at = timezone.now()
        current.accepted_by = person
        current.save(update_fields=["accepted_at", "accepted_by"])
        record_audit("person.create", person, actor=person, invitation=current.pk)
        record_audit("invitation.accept", current, actor=person)
    reindex_person_on_commit(person.pk)
    return person
