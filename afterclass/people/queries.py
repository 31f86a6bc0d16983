"""The read side of people: the directory search, departments as a tree."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone

from afterclass.core.errors import InvalidInput
from afterclass.core.pagination import Page, paginate
from afterclass.people.access import is_org_admin, is_signed_in, people_visible_to
from afterclass.people.directory_search import ranked_search
from afterclass.people.models import AccessToken, Department, Invitation, ManagementLevel, Person

MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    department: int | None = None
    level: int | None = None
    include_deactivated: bool = False
    # The directory searches the index, best match first; the admin's list of people (which
    # has deactivated people, left out of the index, and is searched by e-mail too) does not.
    ranked: bool = True
    extra: dict[str, str] = field(default_factory=dict)


def search_people(
    viewer: Person | AnonymousUser | None,
    filters: DirectoryFilters,
    *,
    cursor: str | None = None,
    limit: int = 25,
) -> Page[Person]:
    """People matching a search, a department (with its teams) and a level, one keyset page at
    a time. The directory's search is the search engine's (`directory_search.py`: name, job
    title, department, interests, bio), best match first; without words, or for the admin's
    list, people are in name order and matched by name, job title, department, interests or
    e-mail."""
    if len(filters.q) > MAX_QUERY_LENGTH:
        raise InvalidInput(f"The search can be at most {MAX_QUERY_LENGTH} characters.", field="q")
    people = people_visible_to(viewer).for_list()
    if not filters.include_deactivated:
        people = people.filter(is_active=True)
    if filters.department is not None:
        people = people.filter(
            Q(department_id=filters.department) | Q(department__parent_id=filters.department)
        )
    if filters.level is not None:
        people = people.filter(level_id=filters.level)
    if filters.q.strip() and filters.ranked and not filters.include_deactivated:
        return ranked_search(viewer, filters.q, within=people, cursor=cursor, limit=limit)
    for word in filters.q.split():
        people = people.filter(
            Q(display_name__icontains=word)
            | Q(job_title__icontains=word)
            | Q(email__istartswith=word)
            | Q(department__name__icontains=word)
            | Q(interests__icontains=word)
        )
    return paginate(people, order=["display_name", "id"], cursor=cursor, limit=limit)


def department_tree() -> list[Department]:
    """Top-level departments, each with `.team_list` of its teams, in two queries."""
    departments = list(Department.objects.order_by("name"))
    teams: dict[int | None, list[Department]] = {}
    for department in departments:
        teams.setdefault(department.parent_id, []).append(department)
    for department in departments:
        department.team_list = teams.get(department.pk, [])  # type: ignore[attr-defined]
    return teams.get(None, [])


def all_levels() -> list[ManagementLevel]:
    return list(ManagementLevel.objects.order_by("rank"))


def pending_invitations(
    viewer: Person | AnonymousUser | None, *, cursor: str | None = None, limit: int = 25
) -> Page[Invitation]:
    """Invitations that can still be used, newest first; only organisation admins see any."""
    invitations = Invitation.objects.none()
    if is_org_admin(viewer):
        invitations = Invitation.objects.select_related(
            "invited_by", "department", "department__parent", "level"
        ).filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
    return paginate(invitations, order=["-created_at", "-id"], cursor=cursor, limit=limit)


def access_tokens_of(
    person: Person | AnonymousUser | None, *, cursor: str | None = None, limit: int = 25
) -> Page[AccessToken]:
    """A person's own access tokens, revoked ones included, newest first."""
    tokens = AccessToken.objects.none()
    if is_signed_in(person):
        tokens = AccessToken.objects.filter(person=person)
    return paginate(tokens, order=["-created_at", "-id"], cursor=cursor, limit=limit)
