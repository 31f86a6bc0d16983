"""The read side of spaces: the directory, members and join requests."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q

from afterclass.core.errors import InvalidInput
from afterclass.core.pagination import Page, paginate
from afterclass.people.models import Person
from afterclass.spaces.access import is_signed_in
from afterclass.spaces.models import GroundRules, Membership, MembershipState, Space, Status

MY_SPACES = "mine"
JOINABLE = "discover"
MAX_QUERY_LENGTH = 200


def space_directory(
    viewer: Person | AnonymousUser | None,
    *,
    which: str = MY_SPACES,
    q: str = "",
    cursor: str | None = None,
    limit: int = 25,
) -> Page[Space]:
    """ "mine": spaces I am an active member of; "discover": visible spaces I am not in
    (listed ones I may join or have asked to join; organisation admins also see the rest).
    Name order, keyset pages."""
    if len(q) > MAX_QUERY_LENGTH:
        raise InvalidInput(f"The search can be at most {MAX_QUERY_LENGTH} characters.", field="q")
    if not is_signed_in(viewer):
        return Page(items=[], next=None)
    spaces = Space.objects.visible_to(viewer).with_membership_of(viewer)
    mine = Membership.objects.filter(space=OuterRef("pk"), person=viewer)
    if which == MY_SPACES:
        spaces = spaces.filter(Exists(mine.filter(state=MembershipState.ACTIVE)))
    else:
        spaces = spaces.exclude(Exists(mine.filter(state=MembershipState.ACTIVE)))
        if not viewer.is_org_admin:
            # Nobody can join an archived space, and a banned person cannot join again.
            spaces = spaces.exclude(status=Status.ARCHIVED).exclude(
                Exists(mine.filter(state=MembershipState.BANNED))
            )
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


def rules_history(space: Space) -> list[GroundRules]:
    """Every version of a space's ground rules, newest first, with who published it."""
    return list(
        GroundRules.objects.filter(space=space).select_related("created_by").order_by("-version")
    )
