"""Who may see, manage and answer surveys, and who is in a survey's audience.

The rules:
- A survey is known to the people invited to it (resolved when it opened) and to those who
  manage it; everyone else gets "not found".
- Managing (editing a draft, opening, closing, reminding, results and export): its creator,
  organisation admins, and the owners of the space it is about.
- Creating: organisation admins for any audience; a space owner for their space's members or,
  while it is in planning, its planned audience.
- Answering: invited people, once, while the survey is open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from afterclass.core.errors import Conflict, NotAllowed, NotFound
from afterclass.people.models import Person
from afterclass.spaces.access import can_manage, is_signed_in
from afterclass.spaces.models import Audience, Membership, MembershipState, Role, Space, Status
from afterclass.surveys.models import AudienceKind, Survey, SurveyInvitation, SurveyState

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

SURVEY_NOT_FOUND = "There is no such survey, or you cannot see it."


def managed_filter(person: Person) -> Q:
    """Surveys the person manages, as one Q applied in the query."""
    if person.is_org_admin:
        return Q()
    owner = Membership.objects.filter(
        space=OuterRef("space"), person=person, state=MembershipState.ACTIVE, role=Role.OWNER
    )
    return Q(created_by=person) | Q(Exists(owner))


def visible_filter(person: Person | AnonymousUser | None) -> Q:
    if not is_signed_in(person):
        return Q(pk__in=[])
    if person.is_org_admin:
        # Not `Q() | ...`: an empty Q drops out of an OR and would narrow it instead.
        return Q()
    invited = SurveyInvitation.objects.filter(survey=OuterRef("pk"), person=person)
    return managed_filter(person) | Q(Exists(invited))


def visible_to(person: Person | AnonymousUser | None) -> QuerySet[Survey]:
    return Survey.objects.filter(visible_filter(person))


def access_survey(person: Person | AnonymousUser | None, survey_id: int) -> Survey:
    """Load a survey the person may know exists, else 404 (the same for missing and hidden)."""
    survey = visible_to(person).select_related("space", "created_by").filter(pk=survey_id).first()
    if survey is None:
        raise NotFound(SURVEY_NOT_FOUND)
    return survey


def can_manage_survey(person: Person | AnonymousUser | None, survey: Survey) -> bool:
    if not is_signed_in(person):
        return False
    if person.is_org_admin or survey.created_by_id == person.pk:
        return True
    return survey.space is not None and can_manage(person, survey.space)


def check_can_manage_survey(person: Person | AnonymousUser | None, survey: Survey) -> None:
    if not can_manage_survey(person, survey):
        raise NotAllowed("Only the survey's creator, its space's owners and admins can do this.")


def check_can_create_survey(
    person: Person | AnonymousUser | None, audience: str, space: Space | None
) -> None:
    """Admins address anyone; a space owner only their space's members or planned audience."""
    if not is_signed_in(person):
        raise NotAllowed("Sign in to create a survey.")
    if audience in {AudienceKind.SPACE_MEMBERS, AudienceKind.PLANNED_AUDIENCE}:
        if space is None:
            raise NotAllowed("Choose the space this survey is for.")
        if not can_manage(person, space):
            raise NotAllowed("Only the space's owners can survey its members or audience.")
        if audience == AudienceKind.PLANNED_AUDIENCE and space.status != Status.PLANNING:
            raise NotAllowed(
                "Only a space in planning has a planned audience; survey its members instead."
            )
        return
    if not person.is_org_admin:
        raise NotAllowed(
            "Only organisation admins can survey everyone, departments or levels; "
            "a space owner can survey their space's members or planned audience."
        )


def can_create_surveys(person: Person | AnonymousUser | None) -> bool:
    if not is_signed_in(person):
        return False
    return (
        person.is_org_admin
        or Membership.objects.filter(
            person=person, state=MembershipState.ACTIVE, role=Role.OWNER
        ).exists()
    )


def check_can_answer(survey: Survey, invitation: SurveyInvitation | None) -> SurveyInvitation:
    """Refuse answering with the reason a person should read; returns the invitation. A
    survey of a space's members is answered only by people still active in it: the invitation
    was fixed at opening, and someone banned or removed since is no longer its audience."""
    if invitation is None:
        raise NotAllowed("This survey is not addressed to you, so you cannot answer it.")
    if (
        survey.audience == AudienceKind.SPACE_MEMBERS
        and survey.space_id is not None
        and not Membership.objects.filter(
            space_id=survey.space_id, person_id=invitation.person_id, state=MembershipState.ACTIVE
        ).exists()
    ):
        raise NotAllowed(
            "This survey is for the members of its space, and you are no longer one of them, "
            "so you cannot answer it."
        )
    if survey.state == SurveyState.DRAFT:
        raise Conflict("This survey is not open yet.")
    if survey.is_over:
        raise Conflict("This survey is closed and no longer takes answers.")
    if not survey.is_accepting:
        opens = timezone.localtime(survey.opens_at)
        raise Conflict(f"This survey opens on {opens:%d %B %Y at %H:%M}.")
    if invitation.responded:
        raise Conflict("You have already answered this survey; each person answers once.")
    return invitation


# --- audiences -----------------------------------------------------------------------------


def _in_departments(department_ids: list[int]) -> Q:
    # A department's teams belong to it.
    return Q(department_id__in=department_ids) | Q(department__parent_id__in=department_ids)


def space_members(space: Space) -> Q:
    active = Membership.objects.filter(
        space=space, person=OuterRef("pk"), state=MembershipState.ACTIVE
    )
    return Q(Exists(active))


def planned_audience_filter(space: Space) -> Q:
    """The people a space is planned for: everyone, its departments (with their teams), or, for
    a cohort or community, its members."""
    if space.audience == Audience.ORGANISATION:
        return Q()
    if space.audience == Audience.DEPARTMENTS:
        ids = list(space.audience_departments.values_list("pk", flat=True))
        return _in_departments(ids)
    return space_members(space)


def planned_audience(space: Space) -> QuerySet[Person]:
    return Person.objects.active().filter(planned_audience_filter(space))


def survey_audience(survey: Survey) -> QuerySet[Person]:
    """The active people a survey is addressed to, as they are now."""
    people = Person.objects.active()
    match survey.audience:
        case AudienceKind.EVERYONE:
            return people
        case AudienceKind.DEPARTMENTS:
            ids = list(survey.departments.values_list("pk", flat=True))
            return people.filter(_in_departments(ids))
        case AudienceKind.LEVELS:
            return people.filter(level_id__in=survey.levels.values("pk"))
        case AudienceKind.SPACE_MEMBERS if survey.space is not None:
            return people.filter(space_members(survey.space))
        case AudienceKind.PLANNED_AUDIENCE if survey.space is not None:
            return people.filter(planned_audience_filter(survey.space))
        case _:
            return people.none()


def in_planned_audience(person: Person, space: Space) -> bool:
    """In the space's planned audience now, or invited to one of its surveys."""
    return (
        planned_audience(space).filter(pk=person.pk).exists()
        or SurveyInvitation.objects.filter(survey__space=space, person=person).exists()
    )


def check_can_sign_up(person: Person | AnonymousUser | None, space: Space) -> None:
    """Signing up for the launch: a space in planning, and a person in its planned audience."""
    if not is_signed_in(person) or not in_planned_audience(person, space):
        raise NotFound("There is no such space, or you cannot see it.")
    if space.status != Status.PLANNING:
        raise Conflict("This space has already launched: you can join it now.")


def access_planning_space(person: Person | AnonymousUser | None, space_id: int) -> Space:
    """A space loaded for someone in its planned audience (who may not see its page yet)."""
    space = Space.objects.filter(pk=space_id).first()
    if space is None or not is_signed_in(person) or not in_planned_audience(person, space):
        raise NotFound("There is no such space, or you cannot see it.")
    return space
