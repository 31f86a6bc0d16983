"""Who may see or do what with sessions, units, activities and submissions.

The rules:
- Facilitators are the space's owners and moderators (and organisation admins): they see every
  unit, released or not, every submission and every reflection, and build the programme.
- Learners are the space's active members: they see units once released (`release_at` passed),
  and sessions. Anyone else sees nothing, not even that a unit exists (404).
- A submission (task or reflection) is seen by its author and the facilitators; a reflection
  whose activity is shared with the group is also seen by the space's members.
- Taking part (completing, submitting, answering) needs the space's rules accepted, a released
  unit and an activity that is not closed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from afterclass.core.errors import NotAllowed, NotFound
from afterclass.learning.models import Activity, ActivityKind, Session, Submission, Unit

# Who is a facilitator or a learner, and which units they see, is decided next to the models,
# so that `Unit.objects.visible_to` reaches it without an import cycle; the loaders and checks
# here build on it.
from afterclass.learning.models import is_facilitator as is_facilitator
from afterclass.learning.models import is_learner as is_learner
from afterclass.learning.models import learner_units_filter as learner_units_filter
from afterclass.learning.models import units_visible_filter as units_visible_filter
from afterclass.spaces.access import check_can_participate, is_signed_in
from afterclass.spaces.models import Membership, MembershipState, Role, Space

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from afterclass.people.models import Person

UNIT_NOT_FOUND = "There is no such unit, or you cannot see it."
ACTIVITY_NOT_FOUND = "There is no such activity, or you cannot see it."
SESSION_NOT_FOUND = "There is no such session, or you cannot see it."
SUBMISSION_NOT_FOUND = "There is no such submission, or you cannot see it."
FACILITATOR_ROLES = (Role.OWNER, Role.MODERATOR)


def can_see_learning(person: Person | AnonymousUser | None, space: Space) -> bool:
    return is_facilitator(person, space) or is_learner(person, space)


def check_is_facilitator(person: Person | AnonymousUser | None, space: Space) -> None:
    if not is_facilitator(person, space):
        raise NotAllowed("Only the space's facilitators (owners and moderators) can do this.")


def check_can_see_learning(person: Person | AnonymousUser | None, space: Space) -> None:
    """Non-members do not learn that a space has units: 404, as for everything they cannot see."""
    if not can_see_learning(person, space):
        raise NotFound(UNIT_NOT_FOUND)


def facilitated_space_ids(person: Person) -> list[int]:
    if person.is_org_admin:
        return list(Space.objects.values_list("pk", flat=True))
    return list(
        Membership.objects.filter(
            person=person, state=MembershipState.ACTIVE, role__in=FACILITATOR_ROLES
        ).values_list("space_id", flat=True)
    )


def _space_with_place(person: Person, space_id: int) -> Space:
    return Space.objects.with_membership_of(person).get(pk=space_id)


def access_unit(person: Person | AnonymousUser | None, unit_id: int) -> Unit:
    """Load a unit the person may see, its space annotated with their membership; 404 else."""
    if not is_signed_in(person):
        raise NotFound(UNIT_NOT_FOUND)
    unit = Unit.objects.filter(pk=unit_id).select_related("session").first()
    if unit is None:
        raise NotFound(UNIT_NOT_FOUND)
    unit.space = _space_with_place(person, unit.space_id)
    if not Unit.objects.filter(units_visible_filter(person, unit.space), pk=unit.pk).exists():
        raise NotFound(UNIT_NOT_FOUND)
    return unit


def access_activity(person: Person | AnonymousUser | None, activity_id: int) -> Activity:
    """Load an activity whose unit the person may see (see `access_unit`); 404 otherwise."""
    if not is_signed_in(person):
        raise NotFound(ACTIVITY_NOT_FOUND)
    activity = Activity.objects.filter(pk=activity_id).select_related("unit").first()
    if activity is None:
        raise NotFound(ACTIVITY_NOT_FOUND)
    space = _space_with_place(person, activity.unit.space_id)
    activity.unit.space = space
    now = timezone.now()
    if not (is_facilitator(person, space) or (is_learner(person, space)
                                              and activity.unit.release_at <= now)):  # fmt: skip
        raise NotFound(ACTIVITY_NOT_FOUND)
    return activity


def access_session(person: Person | AnonymousUser | None, session_id: int) -> Session:
    """Sessions are seen by the space's members and facilitators."""
    if not is_signed_in(person):
        raise NotFound(SESSION_NOT_FOUND)
    session = Session.objects.filter(pk=session_id).first()
    if session is None:
        raise NotFound(SESSION_NOT_FOUND)
    session.space = _space_with_place(person, session.space_id)
    if not can_see_learning(person, session.space):
        raise NotFound(SESSION_NOT_FOUND)
    return session


def submissions_visible_filter(person: Person, space: Space) -> Q:
    """Submissions of `space` the person may read: all for facilitators; for a learner their
    own, and others' only on a reflection shared with the group."""
    if is_facilitator(person, space):
        return Q(activity__unit__space=space)
    if is_learner(person, space):
        shared = Q(activity__kind=ActivityKind.REFLECTION, activity__shared_with_group=True)
        return Q(activity__unit__space=space) & (Q(person=person) | shared)
    return Q(pk__in=[])


def access_submission(person: Person | AnonymousUser | None, submission_id: int) -> Submission:
    if not is_signed_in(person):
        raise NotFound(SUBMISSION_NOT_FOUND)
    submission = (
        Submission.objects.filter(pk=submission_id)
        .select_related("activity", "activity__unit", "person")
        .first()
    )
    if submission is None:
        raise NotFound(SUBMISSION_NOT_FOUND)
    try:
        activity = access_activity(person, submission.activity_id)
    except NotFound as error:
        raise NotFound(SUBMISSION_NOT_FOUND) from error
    space = activity.unit.space
    if not Submission.objects.filter(
        submissions_visible_filter(person, space), pk=submission.pk
    ).exists():
        raise NotFound(SUBMISSION_NOT_FOUND)
    submission.activity = activity
    return submission


def check_can_take_part(person: Person, activity: Activity, now: datetime | None = None) -> None:
    """A learner completes, submits or answers: rules accepted, released and open."""
    space = activity.unit.space
    check_can_participate(person, space)
    if activity.unit.release_at > (now or timezone.now()):
        raise NotAllowed("This activity is not released yet.")
    if activity.is_closed:
        raise NotAllowed("This activity is closed: it no longer takes answers.")
