"""Factories for spaces and memberships; spaces are made through the action, as in the app."""

from typing import Any

from django.db.models import F

from afterclass.people.models import Person
from afterclass.people.tests.factories import PersonFactory
from afterclass.spaces.actions import do_create_space, do_set_space_status
from afterclass.spaces.models import Membership, MembershipState, Role, Space, Status


def make_space(
    owner: Person | None = None,
    *,
    status: str = Status.LAUNCHED,
    name: str = "Data skills",
    **fields: Any,
) -> Space:
    owner = owner or PersonFactory(is_org_admin=True)
    fields.setdefault("purpose", "Learn data skills from each other.")
    rules = fields.pop("rules", "Be kind. Stay on topic.")
    space = do_create_space(actor=owner, name=name, rules=rules, **fields)
    if status != Status.PLANNING:
        do_set_space_status(space, Status.LAUNCHED, actor=owner)
    if status == Status.ARCHIVED:
        do_set_space_status(space, Status.ARCHIVED, actor=owner)
    space.refresh_from_db()
    return space


def add_member(
    space: Space,
    person: Person | None = None,
    *,
    role: str = Role.MEMBER,
    state: str = MembershipState.ACTIVE,
    accepted_rules: bool = True,
) -> Membership:
    """A membership in a given role/state, set up directly (a fixture, not a journey)."""
    person = person or PersonFactory()
    membership = Membership.objects.create(
        space=space,
        person=person,
        role=role,
        state=state,
        rules_version_accepted=space.rules_version if accepted_rules else None,
    )
    if state == MembershipState.ACTIVE:
        Space.objects.filter(pk=space.pk).update(member_count=F("member_count") + 1)
        space.member_count += 1
    if state == MembershipState.PENDING:
        Space.objects.filter(pk=space.pk).update(pending_count=F("pending_count") + 1)
        space.pending_count += 1
    return membership
