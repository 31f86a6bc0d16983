"""Who may report what, and who sees and handles reports.

The rules:
- An active member of a space may report a post or comment of it that they can see and did not
  write. Organisation admins who are not members moderate directly instead.
- A space's reports are seen and handled by its owners and moderators and by organisation
  admins: nobody else learns that a report exists, or who made it.
- Nobody handles, or sees, the reports about their own posts and comments: the reporter's
  identity never reaches the person reported, even when they moderate the space.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from afterclass.core.errors import NotAllowed, NotFound
from afterclass.moderation.models import Report
from afterclass.posts.access import MODERATOR_ROLES, can_moderate_space
from afterclass.posts.models import Comment, ContentState, Post
from afterclass.posts.presentation import SeenComment, SeenPost
from afterclass.spaces.access import is_signed_in, my_place
from afterclass.spaces.models import Membership, Space

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from afterclass.people.models import Person

REPORT_NOT_FOUND = "There is no such report, or you cannot see it."
NOT_A_MODERATOR = "Only the space's moderators can see and handle its reports."


def not_about(viewer: Person) -> Q:
    """Reports about content the viewer did not write."""
    return ~Q(post__author=viewer) & ~Q(comment__author=viewer)


def reports_visible_to(viewer: Person | AnonymousUser | None) -> Q:
    """Reports the viewer may see, as one Q applied inside the query."""
    if not is_signed_in(viewer):
        return Q(pk__in=[])
    if viewer.is_org_admin:
        return not_about(viewer)
    moderates = Membership.objects.active_in(OuterRef("space"), viewer, roles=MODERATOR_ROLES)
    return Q(Exists(moderates)) & not_about(viewer)


def can_see_reports(viewer: Person | AnonymousUser | None, space: Space) -> bool:
    """Owners, moderators and organisation admins (space annotated: no query)."""
    return can_moderate_space(viewer, space)


def check_can_see_reports(viewer: Person | AnonymousUser | None, space: Space) -> None:
    if not can_see_reports(viewer, space):
        raise NotAllowed(NOT_A_MODERATOR)


def can_report(
    viewer: Person | AnonymousUser | None,
    target: Post | Comment | SeenPost | SeenComment,
    space: Space,
) -> bool:
    """Whether the page offers "Report" (the action gives the reason when it refuses). Pages
    pass what they show (presented for this viewer: `is_mine`), never the model."""
    if not is_signed_in(viewer):
        return False
    if isinstance(target, SeenPost | SeenComment):
        mine = target.is_mine
    else:
        mine = target.author_id == viewer.pk
    if mine:
        return False
    return my_place(viewer, space).is_active_member and target.state == ContentState.VISIBLE


def check_can_report(viewer: Person, target: Post | Comment, space: Space) -> None:
    """Refuse a report with the reason a person should read."""
    if not my_place(viewer, space).is_active_member:
        raise NotAllowed("Only members of this space can report what is posted in it.")
    if target.author_id == viewer.pk:
        noun = "post" if isinstance(target, Post) else "comment"
        raise NotAllowed(f"You cannot report your own {noun}.")


def check_can_resolve(viewer: Person, report: Report) -> None:
    check_can_see_reports(viewer, report.space)
    target = report.post if report.post_id else report.comment
    if target is not None and target.author_id == viewer.pk:
        raise NotAllowed("Another moderator handles reports about what you wrote.")


def access_report(viewer: Person | AnonymousUser | None, report_id: int) -> Report:
    """Load a report the viewer may handle, with its space and target; 404 otherwise."""
    report = (
        Report.objects.filter(reports_visible_to(viewer), pk=report_id)
        .select_related("space", "post", "post__space", "comment", "comment__post__space")
        .first()
    )
    if report is None:
        raise NotFound(REPORT_NOT_FOUND)
    return report
