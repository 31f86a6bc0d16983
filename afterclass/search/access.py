"""Who may find what. Applied inside the search query, never to a page of results afterwards.

The rules:
- Posts, answers, comments and files are the content of a space: found only by those who see
  its content (active members and organisation admins, as spaces.access.can_view_content).
  Hidden and removed content is never in the index at all (see search.index).
- A space is found by those who may know it exists (`Space.objects.visible_to`).
- People are found by everyone signed in, as in the directory; deactivated people are not
  indexed.
- Learning activities, and the discussion threads they open, are found by the space's active
  members once their unit's release time has passed (compared with the time of the search:
  release needs no action), and before that by its facilitators (owners and moderators) and
  organisation admins, as learning.access.units_visible_filter. So are the files of an
  activity (they carry its unit's release time).
- The files of a learning session (its materials) are found by the space's active members and
  organisation admins, as the session page: they are content of the space with no release
  time. A learner's submitted file is never indexed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from afterclass.learning.access import FACILITATOR_ROLES
from afterclass.search.models import CONTENT_SOURCES, Source
from afterclass.spaces.access import is_signed_in
from afterclass.spaces.models import Membership, Space

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from afterclass.people.models import Person


def documents_visible_to(viewer: Person | AnonymousUser | None, now: datetime | None = None) -> Q:
    """Search documents the viewer may find, as one Q."""
    if not is_signed_in(viewer):
        return Q(pk__in=[])
    if viewer.is_org_admin:
        return Q()
    # Each a list of spaces read once per search (a few rows), not a subquery per match: the
    # candidates are read one by one, and a member may see a small part of them.
    member = Q(space_id__in=Membership.objects.active_in(person=viewer).values("space_id"))
    facilitator = Q(
        space_id__in=Membership.objects.active_in(person=viewer, roles=FACILITATOR_ROLES).values(
            "space_id"
        )
    )
    known_space = Q(space_id__in=Space.objects.visible_to(viewer).values("pk"))
    # Only learning documents have a release time; the rest are seen by every member.
    released = Q(release_at__isnull=True) | Q(release_at__lte=now or timezone.now())
    return (
        (Q(source__in=[*CONTENT_SOURCES, Source.ACTIVITY]) & member & (released | facilitator))
        | (Q(source=Source.SPACE) & known_space)
        | Q(source=Source.PERSON)
    )
