"""Who may erase whom: an organisation admin, anyone but themselves and the last admin."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from afterclass.core.errors import NotAllowed
from afterclass.people.access import check_org_admin, is_org_admin
from afterclass.people.models import Person


def erasure_refusal(actor: Person, person: Person) -> str | None:
    """Why `actor` (an admin) may not erase `person`, in words for the page; None if they may.
    Nobody erases themselves (another admin must), and the organisation keeps one admin."""
    if person.pk == actor.pk:
        return "You cannot erase yourself; another organisation admin can."
    if person.is_org_admin:
        others = Person.objects.filter(is_org_admin=True, is_active=True).exclude(pk=person.pk)
        if not others.exists():
            return "This is the last organisation admin: make someone else an admin first."
    return None


def can_erase(actor: Person | AnonymousUser | None, person: Person) -> bool:
    return is_org_admin(actor) and erasure_refusal(actor, person) is None  # type: ignore[arg-type]


def check_can_erase(actor: Person | AnonymousUser | None, person: Person) -> None:
    """Organisation admins only (403 for anyone else), and not themselves or the last admin."""
    check_org_admin(actor)
    assert isinstance(actor, Person)  # noqa: S101 - check_org_admin let only a person through
    refusal = erasure_refusal(actor, person)
    if refusal is not None:
        raise NotAllowed(refusal)
