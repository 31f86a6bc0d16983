"""Who may see or do what with spaces. Every page, API endpoint and action asks here.

The rules:
- Organisation admins see and manage every space.
- A listed space that has been launched (or archived) is known to everyone in the organisation:
  its name, purpose and ground rules. Its members and content are for active members.
- A secret space, and any space still in planning, is known only to its active members.
- Owners and moderators moderate; owners (and organisation admins) change settings.
- Taking part (posting, later issues) needs an active membership, the current ground rules
  accepted, and a launched space.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from afterclass.core.errors import NotAllowed, NotFound
from afterclass.people.models import Organisation
from afterclass.spaces.models import (
    JoinPolicy,
    MembershipState,
    Space,
    Status,
    Visibility,
)

# Who may know a space exists, and the viewer's place in one, are next to the models, so that
# `Space.objects.visible_to` and other apps' seeing rules reach them without an import cycle;
# every loader and check here builds on them.
from afterclass.spaces.models import MyPlace as MyPlace
from afterclass.spaces.models import can_moderate as can_moderate
from afterclass.spaces.models import is_signed_in as is_signed_in
from afterclass.spaces.models import my_place as my_place
from afterclass.spaces.models import visible_spaces_filter as visible_spaces_filter

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from afterclass.people.models import Person

SPACE_NOT_FOUND = "There is no such space, or you cannot see it."


def access_space(person: Person | AnonymousUser | None, slug: str) -> Space:
    """Load a space the person may know exists, with their membership annotated; else 404."""
    if not is_signed_in(person):
        raise NotFound(SPACE_NOT_FOUND)
    space = Space.objects.visible_to(person).with_membership_of(person).filter(slug=slug).first()
    if space is None:
        raise NotFound(SPACE_NOT_FOUND)
    return space


def can_view_content(person: Person | AnonymousUser | None, space: Space) -> bool:
    """Members and organisation admins see a space's members and content."""
    place = my_place(person, space)
    return place.is_org_admin or place.is_active_member


def can_manage(person: Person | AnonymousUser | None, space: Space) -> bool:
    """Owners and organisation admins change a space's settings, rules and status."""
    place = my_place(person, space)
    return place.is_org_admin or place.is_owner


def can_join(person: Person | AnonymousUser | None, space: Space) -> bool:
    """Whether the join/request button is offered (the action gives the reason when not)."""
    try:
        check_can_join(person, space)
    except (NotAllowed, NotFound):
        return False
    return True


def needs_rules_acceptance(person: Person | AnonymousUser | None, space: Space) -> bool:
    place = my_place(person, space)
    return place.is_active_member and (place.rules_version or 0) < space.rules_version


def check_can_view_content(person: Person | AnonymousUser | None, space: Space) -> None:
    if not can_view_content(person, space):
        raise NotAllowed("Only members of this space can see this.")


def check_can_moderate(person: Person | AnonymousUser | None, space: Space) -> None:
    if not can_moderate(person, space):
        raise NotAllowed("Only the space's moderators can do this.")


def check_can_manage(person: Person | AnonymousUser | None, space: Space) -> None:
    if not can_manage(person, space):
        raise NotAllowed("Only the space's owners can change it.")


def check_can_join(person: Person | AnonymousUser | None, space: Space) -> None:
    """Refuse joining with the reason a person should read.

    A space the person may not know exists (secret, or still in planning) is "not found", as
    it is everywhere else: joining it takes an invitation.
    """
    if not is_signed_in(person):
        raise NotFound(SPACE_NOT_FOUND)
    place = my_place(person, space)
    if place.is_active_member:
        raise NotAllowed("You are already a member of this space.")
    hidden = space.visibility == Visibility.SECRET or space.status == Status.PLANNING
    if hidden and not place.is_org_admin:
        raise NotFound(SPACE_NOT_FOUND)
    if place.state == MembershipState.BANNED:
        raise NotAllowed("You have been removed from this space and cannot join it again.")
    if place.state == MembershipState.PENDING:
        raise NotAllowed("Your request to join is waiting for a moderator.")
    if space.status == Status.ARCHIVED:
        raise NotAllowed("This space is archived; nobody can join it.")
    if space.status == Status.PLANNING:
        raise NotAllowed("This space has not been launched yet.")
    if space.join_policy == JoinPolicy.INVITATION:
        raise NotAllowed("This space is by invitation only. Ask one of its moderators.")


def check_can_participate(person: Person | AnonymousUser | None, space: Space) -> None:
    """Taking part (posting, commenting, later issues) needs the current rules accepted."""
    place = my_place(person, space)
    if not place.is_active_member:
        raise NotAllowed("Join this space to take part.")
    if space.status == Status.ARCHIVED:
        raise NotAllowed("This space is archived and read-only.")
    if (place.rules_version or 0) < space.rules_version:
        raise NotAllowed("Please read and accept the space's ground rules before taking part.")


def can_create_space(person: Person | AnonymousUser | None) -> bool:
    """Organisation admins always; others when the organisation allows it."""
    if not is_signed_in(person):
        return False
    if person.is_org_admin:
        return True
    return Organisation.current().anyone_can_create_spaces


def check_can_create_space(person: Person | AnonymousUser | None) -> None:
    if not can_create_space(person):
        raise NotAllowed("Only organisation admins can create spaces here.")
