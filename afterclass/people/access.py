"""Who may see or do what with people, departments and the organisation.

- Every active, signed-in person sees the directory and profiles of everyone in the
  organisation (the directory exists so people connect across departments and levels).
- Deactivated people keep their profile (their content stays) but are marked as such.
- Only organisation admins manage the organisation, departments, people and invitations.
- A person manages their own profile and access tokens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from typing_extensions import TypeIs

from afterclass.core.errors import NotAllowed, NotFound
from afterclass.people.models import Person, PersonQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def is_signed_in(person: Person | AnonymousUser | None) -> TypeIs[Person]:
    return bool(person is not None and person.is_authenticated and person.is_active)


def is_org_admin(person: Person | AnonymousUser | None) -> bool:
    return is_signed_in(person) and person.is_org_admin


def people_visible_to(viewer: Person | AnonymousUser | None) -> PersonQuerySet:
    """Everyone in the organisation for a signed-in person; nobody otherwise."""
    if not is_signed_in(viewer):
        return Person.objects.none()
    return Person.objects.all()


def access_person(viewer: Person | AnonymousUser | None, person_id: int) -> Person:
    person = people_visible_to(viewer).for_list().filter(pk=person_id).first()
    if person is None:
        raise NotFound("There is no such person.")
    return person


def check_org_admin(person: Person | AnonymousUser | None) -> None:
    if not is_org_admin(person):
        raise NotAllowed("Only organisation admins can do this.")
