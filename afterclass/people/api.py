"""People API: /api/v1/people, /api/v1/departments and /api/v1/levels; for organisation admins
inviting people and deactivating or reactivating them, through the same actions as Manage."""

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from afterclass.core.api import Id, current_person, errors
from afterclass.people.access import access_person, check_org_admin
from afterclass.people.actions import InvitationRow, do_invite_people, do_set_active
from afterclass.people.actions.validation import normalise_email
from afterclass.people.queries import DirectoryFilters, all_levels, department_tree, search_people
from afterclass.people.schemas import (
    ContributionsOut,
    DepartmentList,
    DepartmentOut,
    InvitationOut,
    InvitationsIn,
    InvitationsSentOut,
    LevelList,
    LevelOut,
    MeOut,
    PeopleParams,
    PersonDetailOut,
    PersonOut,
    PersonPage,
)
from afterclass.posts.activity import contributions

router = Router(tags=["people"])


@router.get("/people/me", response={200: MeOut, **errors(401)}, summary="Me")
def me(request: HttpRequest) -> MeOut:
    """The person the token or session belongs to, with their admin flag."""
    viewer = current_person(request)
    return MeOut.build(access_person(viewer, viewer.pk))


@router.get("/people", response={200: PersonPage, **errors(400, 401, 422)}, summary="Directory")
def people_directory(request: HttpRequest, params: Query[PeopleParams]) -> PersonPage:
    """Everyone active in the organisation, in name order, optionally searched and filtered.

    E-mail addresses are shown: this is the organisation's internal directory.
    """
    filters = DirectoryFilters(q=params.q, department=params.department, level=params.level)
    page = search_people(current_person(request), filters, cursor=params.cursor, limit=params.limit)
    return PersonPage(items=[PersonOut.build(person) for person in page.items], next=page.next)


@router.get(
    "/people/{person_id}",
    response={200: PersonDetailOut, **errors(401, 404, 422)},
    summary="Person",
)
def person_profile(request: HttpRequest, person_id: Path[Id]) -> PersonDetailOut:
    """One person's profile, including deactivated people (marked `is_active: false`)."""
    return PersonDetailOut.build(access_person(current_person(request), person_id))


@router.get(
    "/people/{person_id}/contributions",
    response={200: ContributionsOut, **errors(401, 404, 422)},
    summary="Contributions",
)
def person_contributions(request: HttpRequest, person_id: Path[Id]) -> ContributionsOut:
    """What a profile shows of a person's posts, answers and spaces: only what the caller may
    see; anonymous questions never."""
    viewer = current_person(request)
    return ContributionsOut.build(contributions(access_person(viewer, person_id), viewer))


@router.get("/departments", response={200: DepartmentList, **errors(401)}, summary="Departments")
def departments(request: HttpRequest) -> DepartmentList:
    """Every department with its teams, as a tree, in name order."""
    current_person(request)
    return DepartmentList(
        items=[
            DepartmentOut.build(department, getattr(department, "team_list", []))
            for department in department_tree()
        ],
        next=None,
    )


@router.get("/levels", response={200: LevelList, **errors(401)}, summary="Management levels")
def levels(request: HttpRequest) -> LevelList:
    """The organisation's management levels, most junior first."""
    current_person(request)
    return LevelList(items=[LevelOut.build(level) for level in all_levels()], next=None)


ADMIN_ERRORS = errors(400, 401, 403, 404, 409, 422)


def _set_active(request: HttpRequest, person_id: int, *, active: bool) -> PersonDetailOut:
    viewer = current_person(request)
    check_org_admin(viewer)
    person = do_set_active(access_person(viewer, person_id), active, actor=viewer)
    return PersonDetailOut.build(person)


@router.post(
    "/people/{person_id}/deactivate",
    response={200: PersonDetailOut, **ADMIN_ERRORS},
    summary="Deactivate a person",
)
def person_deactivate(request: HttpRequest, person_id: Path[Id]) -> PersonDetailOut:
    """Organisation admins: they can no longer sign in and their access tokens are revoked;
    their content stays. 409 when already deactivated; nobody deactivates themselves (403)."""
    return _set_active(request, person_id, active=False)


@router.post(
    "/people/{person_id}/reactivate",
    response={200: PersonDetailOut, **ADMIN_ERRORS},
    summary="Reactivate a person",
)
def person_reactivate(request: HttpRequest, person_id: Path[Id]) -> PersonDetailOut:
    """Organisation admins: they can sign in again (409 when already active)."""
    return _set_active(request, person_id, active=True)


@router.post(
    "/invitations",
    response={201: InvitationsSentOut, **errors(400, 401, 403, 422)},
    summary="Invite people",
)
def invite_people(request: HttpRequest, payload: InvitationsIn) -> Status[InvitationsSentOut]:
    """Organisation admins invite people by e-mail, as on Manage → Invitations: every row is
    checked first (one bad address, department or level sends nothing: 400 naming the rows);
    addresses that already have an account are skipped; an earlier unused invitation for the
    same address is replaced."""
    viewer = current_person(request)
    rows = [
        InvitationRow(
            email=row.email, display_name=row.name, department=row.department, level=row.level
        )
        for row in payload.people
    ]
    sent = do_invite_people(rows, actor=viewer)
    invited = {item.invitation.email for item in sent}
    # Every row passed the action's checks, so each address normalises.
    skipped = sorted({normalise_email(row.email) for row in rows} - invited)
    return Status(
        201,
        InvitationsSentOut(
            sent=[
                InvitationOut(
                    id=item.invitation.pk,
                    email=item.invitation.email,
                    display_name=item.invitation.display_name,
                    expires_at=item.invitation.expires_at,
                )
                for item in sent
            ],
            skipped=skipped,
        ),
    )
