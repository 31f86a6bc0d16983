"""People API: /api/v1/people, /api/v1/departments and /api/v1/levels."""

from django.http import HttpRequest
from ninja import Path, Query, Router

from afterclass.api.auth import current_person
from afterclass.api.schemas import Id, errors
from afterclass.people.access import access_person
from afterclass.people.queries import DirectoryFilters, all_levels, department_tree, search_people
from afterclass.people.schemas import (
    DepartmentList,
    DepartmentOut,
    LevelList,
    LevelOut,
    MeOut,
    PeopleParams,
    PersonDetailOut,
    PersonOut,
    PersonPage,
)

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
