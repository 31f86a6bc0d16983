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
from afterclass.people.models import AccessToken, Department, Invitation, Person, PersonQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def is_signed_in(person: Person | AnonymousUser | None) -> TypeIs[Person]:
    return bool(person is not None and person.is_authenticated and person.is_active)


def is_org_admin(person: Person | AnonymousUser | None) -> bool:
    return is_signed_in(person) and person.is_org_admin


def needs_onboarding(person: Person | AnonymousUser | None) -> bool:
    """Someone signed in who has neither finished nor skipped the first-visit welcome: signing
    in and the feed take them to it (nothing else does, so a link they followed still works)."""
    return is_signed_in(person) and person.onboarded_at is None


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


def access_department(actor: Person | AnonymousUser | None, department_id: int) -> Department:
    """A department or team, for an organisation admin to change (403 for anyone else)."""
    check_org_admin(actor)
    department = Department.objects.select_related("parent").filter(pk=department_id).first()
    if department is None:
        raise NotFound("There is no such department.")
    return department


def access_invitation(actor: Person | AnonymousUser | None, invitation_id: int) -> Invitation:
    """An invitation, for an organisation admin to manage (403 for anyone else)."""
    check_org_admin(actor)
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound("There is no such invitation.")
    return invitation


def access_own_token(person: Person | AnonymousUser | None, token_id: int) -> AccessToken:
    """One of the person's own access tokens; anyone else's is "not found"."""
    if not is_signed_in(person):
        raise NotFound("There is no such token.")
    token = AccessToken.objects.filter(pk=token_id, person=person).first()
    if token is None:
        raise NotFound("There is no such token.")
    return token
