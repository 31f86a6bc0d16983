"""The read side of spaces: the directory, members and join requests."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q

from afterclass.core.pagination import Page, paginate
from afterclass.people.models import Person
from afterclass.spaces.access import is_signed_in
from afterclass.spaces.models import GroundRules, Membership, MembershipState, Space

MY_SPACES = "mine"
JOINABLE = "discover"


def space_directory(
    viewer: Person | AnonymousUser | None,
    *,
    which: str = MY_SPACES,
    q: str = "",
    cursor: str | None = None,
    limit: int = 25,
) -> Page[Space]:
    """ "mine": spaces I am an active member of; "discover": visible spaces I am not in
    (listed ones I may join or have asked to join). Name order, keyset pages."""
    if not is_signed_in(viewer):
        return Page(items=[], next=None)
    spaces = Space.objects.visible_to(viewer).with_membership_of(viewer)
    mine = Membership.objects.filter(
        space=OuterRef("pk"), person=viewer, state=MembershipState.ACTIVE
    )
    spaces = spaces.filter(Exists(mine)) if which == MY_SPACES else spaces.exclude(Exists(mine))
    for word in q.split()[:10]:
        spaces = spaces.filter(Q(name__icontains=word) | Q(purpose__icontains=word))
    return paginate(spaces, order=["name", "id"], cursor=cursor, limit=limit)


def members_of(
    space: Space,
    *,
    state: str = MembershipState.ACTIVE,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Membership]:
    """Memberships of a space in one state, oldest first, with person, department and level."""
    memberships = Membership.objects.filter(space=space, state=state).select_related(
        "person", "person__department", "person__level"
    )
    return paginate(memberships, order=["created_at", "id"], cursor=cursor, limit=limit)


def current_rules(space: Space) -> GroundRules | None:
    return GroundRules.objects.filter(space=space, version=space.rules_version).first()
