"""Spaces API: /api/v1/spaces, their settings, ground rules and membership actions.

Every endpoint loads the space with `access_space` (404 for unknown and invisible spaces, so a
secret space is never revealed) and changes it only through the actions.
"""

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from afterclass.core.api import Id, IdsIn, PageParams, current_person, errors
from afterclass.core.errors import InvalidInput, NotFound
from afterclass.people.access import people_visible_to
from afterclass.people.models import Department, Person
from afterclass.spaces import actions
from afterclass.spaces.access import (
    SPACE_NOT_FOUND,
    access_space,
    check_can_moderate,
    check_can_view_content,
)
from afterclass.spaces.models import Membership, MembershipState, Space
from afterclass.spaces.queries import current_rules, members_of, space_directory
from afterclass.spaces.schemas import (
    AcceptRulesIn,
    InviteIn,
    JoinIn,
    MemberOut,
    MemberPage,
    MembershipOut,
    RequestOut,
    RequestPage,
    RoleIn,
    RulesIn,
    RulesOut,
    SpaceCreateIn,
    SpaceListParams,
    SpaceOut,
    SpacePage,
    SpaceStatusIn,
    SpaceSummaryOut,
    SpaceUpdateIn,
)

router = Router(tags=["spaces"])

SPACE_ERRORS = errors(400, 401, 403, 404, 409, 422)


def _load(request: HttpRequest, slug: str) -> tuple[Person, Space]:
    viewer = current_person(request)
    if "\x00" in slug:  # no space has one, and PostgreSQL refuses to compare with it
        raise NotFound(SPACE_NOT_FOUND)
    return viewer, access_space(viewer, slug)


def _detail(space: Space, viewer: Person) -> SpaceOut:
    return SpaceOut.build_detail(
        space,
        viewer,
        rules=current_rules(space),
        audience_departments=list(space.audience_departments.values_list("pk", flat=True)),
    )


def _departments(ids: list[int] | None) -> list[Department] | None:
    if ids is None:
        return None
    found = {department.pk: department for department in Department.objects.filter(pk__in=ids)}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise InvalidInput(
            f"There is no department with id {', '.join(missing)}.", field="audience_departments"
        )
    return [found[pk] for pk in dict.fromkeys(ids)]


def _members(ids: list[int]) -> list[MemberOut]:
    """Memberships an action just changed, read back with their people in one query."""
    memberships = Membership.objects.filter(pk__in=ids).select_related(
        "person", "person__department", "person__level"
    )
    return [MemberOut.build(membership) for membership in memberships.order_by("created_at", "id")]


# --- Spaces ---------------------------------------------------------------------------------


@router.get("", response={200: SpacePage, **errors(400, 401, 422)}, summary="Space directory")
def space_list(request: HttpRequest, params: Query[SpaceListParams]) -> SpacePage:
    """`mine`: the spaces I am a member of. `discover`: listed spaces I can see and am not in."""
    viewer = current_person(request)
    page = space_directory(
        viewer, which=params.which, q=params.q, cursor=params.cursor, limit=params.limit
    )
    return SpacePage(
        items=[SpaceSummaryOut.build(space, viewer) for space in page.items], next=page.next
    )


@router.post("", response={201: SpaceOut, **SPACE_ERRORS}, summary="Create a space")
def space_create(request: HttpRequest, payload: SpaceCreateIn) -> Status[SpaceOut]:
    """Create a space in planning with version 1 of its ground rules; I become its owner."""
    viewer = current_person(request)
    fields = payload.model_dump(exclude_unset=True, mode="json")
    departments = _departments(fields.pop("audience_departments", None)) or []
    space = actions.do_create_space(actor=viewer, audience_departments=departments, **fields)
    return Status(201, _detail(access_space(viewer, space.slug), viewer))


@router.get("/{slug}", response={200: SpaceOut, **errors(401, 404)}, summary="A space")
def space_detail(request: HttpRequest, slug: str) -> SpaceOut:
    """A space I can see: its purpose, current ground rules and my membership."""
    viewer, space = _load(request, slug)
    return _detail(space, viewer)


@router.patch("/{slug}", response={200: SpaceOut, **SPACE_ERRORS}, summary="Change a space")
def space_update(request: HttpRequest, slug: str, payload: SpaceUpdateIn) -> SpaceOut:
    """Change only the fields sent (owners and organisation admins)."""
    viewer, space = _load(request, slug)
    fields = payload.model_dump(exclude_unset=True, mode="json")
    departments = None
    if "audience_departments" in fields:
        departments = _departments(fields.pop("audience_departments") or [])
    actions.do_update_space(space, actor=viewer, audience_departments=departments, **fields)
    return _detail(space, viewer)


@router.post(
    "/{slug}/status", response={200: SpaceOut, **SPACE_ERRORS}, summary="Launch or archive"
)
def space_status(request: HttpRequest, slug: str, payload: SpaceStatusIn) -> SpaceOut:
    viewer, space = _load(request, slug)
    actions.do_set_space_status(space, payload.status, actor=viewer)
    return _detail(space, viewer)


@router.post(
    "/{slug}/rules", response={201: RulesOut, **SPACE_ERRORS}, summary="Publish new ground rules"
)
def rules_publish(request: HttpRequest, slug: str, payload: RulesIn) -> Status[RulesOut]:
    """A new version of the ground rules; every member is asked to accept it again."""
    viewer, space = _load(request, slug)
    rules = actions.do_publish_rules(space, payload.body, actor=viewer)
    return Status(201, RulesOut.build(rules))


# --- My membership --------------------------------------------------------------------------


@router.post("/{slug}/join", response={200: MembershipOut, **SPACE_ERRORS}, summary="Join")
def join(request: HttpRequest, slug: str, payload: JoinIn | None = None) -> MembershipOut:
    """Join an open space, or ask to join one that needs approval, answering its questions."""
    viewer, space = _load(request, slug)
    answers = payload.answers if payload is not None else []
    membership = actions.do_join_space(space, actor=viewer, answers=answers)
    return MembershipOut.build(membership, space)


@router.post("/{slug}/leave", response={200: MembershipOut, **SPACE_ERRORS}, summary="Leave")
def leave(request: HttpRequest, slug: str) -> MembershipOut:
    """Leave a space, or withdraw my request to join it."""
    viewer, space = _load(request, slug)
    return MembershipOut.build(actions.do_leave_space(space, actor=viewer), space)


@router.post(
    "/{slug}/rules/accept",
    response={200: MembershipOut, **SPACE_ERRORS},
    summary="Accept the ground rules",
)
def rules_accept(request: HttpRequest, slug: str, payload: AcceptRulesIn) -> MembershipOut:
    viewer, space = _load(request, slug)
    membership = actions.do_accept_rules(space, actor=viewer, version=payload.version)
    return MembershipOut.build(membership, space)


# --- Members and requests -------------------------------------------------------------------


@router.get("/{slug}/members", response={200: MemberPage, **SPACE_ERRORS}, summary="Members")
def member_list(request: HttpRequest, slug: str, params: Query[PageParams]) -> MemberPage:
    """Active members, longest-standing first (members and organisation admins only)."""
    viewer, space = _load(request, slug)
    check_can_view_content(viewer, space)
    page = members_of(space, cursor=params.cursor, limit=params.limit)
    return MemberPage(items=[MemberOut.build(m) for m in page.items], next=page.next)


@router.get(
    "/{slug}/requests", response={200: RequestPage, **SPACE_ERRORS}, summary="Join requests"
)
def request_list(request: HttpRequest, slug: str, params: Query[PageParams]) -> RequestPage:
    """Pending requests to join with their answers, oldest first (moderators only)."""
    viewer, space = _load(request, slug)
    check_can_moderate(viewer, space)
    page = members_of(
        space, state=MembershipState.PENDING, cursor=params.cursor, limit=params.limit
    )
    return RequestPage(items=[RequestOut.build(m) for m in page.items], next=page.next)


def _decide(request: HttpRequest, slug: str, payload: IdsIn, *, approve: bool) -> MemberPage:
    viewer, space = _load(request, slug)
    decided = actions.do_decide_requests(space, payload.ids, approve=approve, actor=viewer)
    return MemberPage(items=_members([m.pk for m in decided]), next=None)


@router.post(
    "/{slug}/requests/approve",
    response={200: MemberPage, **SPACE_ERRORS},
    summary="Approve requests",
)
def requests_approve(request: HttpRequest, slug: str, payload: IdsIn) -> MemberPage:
    """Approve one or many pending requests (all or nothing)."""
    return _decide(request, slug, payload, approve=True)


@router.post(
    "/{slug}/requests/decline",
    response={200: MemberPage, **SPACE_ERRORS},
    summary="Decline requests",
)
def requests_decline(request: HttpRequest, slug: str, payload: IdsIn) -> MemberPage:
    """Decline one or many pending requests (all or nothing)."""
    return _decide(request, slug, payload, approve=False)


@router.post("/{slug}/invite", response={200: MemberPage, **SPACE_ERRORS}, summary="Add people")
def invite(request: HttpRequest, slug: str, payload: InviteIn) -> MemberPage:
    """Add people, or everyone in a department and its teams, as members (moderators).
    Returns the memberships added; current members and banned people are skipped."""
    viewer, space = _load(request, slug)
    if payload.department is not None:
        department = Department.objects.filter(pk=payload.department).first()
        if department is None:
            raise InvalidInput(
                f"There is no department with id {payload.department}.", field="department"
            )
        added = actions.do_invite_department_to_space(space, department, actor=viewer)
    else:
        ids = list(dict.fromkeys(payload.people or []))
        people = list(people_visible_to(viewer).filter(pk__in=ids))
        missing = sorted(set(ids) - {person.pk for person in people})
        if missing:
            raise InvalidInput(
                f"There is no person with id {', '.join(map(str, missing))}.", field="people"
            )
        added = actions.do_invite_to_space(space, people, actor=viewer)
    return MemberPage(items=_members([m.pk for m in added]), next=None)


@router.post(
    "/{slug}/members/{membership_id}/remove",
    response={200: MemberOut, **SPACE_ERRORS},
    summary="Remove a member",
)
def member_remove(request: HttpRequest, slug: str, membership_id: Path[Id]) -> MemberOut:
    """Remove a member; they may join again."""
    viewer, space = _load(request, slug)
    membership = actions.do_remove_member(space, membership_id, actor=viewer)
    return _members([membership.pk])[0]


@router.post(
    "/{slug}/members/{membership_id}/ban",
    response={200: MemberOut, **SPACE_ERRORS},
    summary="Ban a member",
)
def member_ban(request: HttpRequest, slug: str, membership_id: Path[Id]) -> MemberOut:
    """Ban a member or requester: they lose access and cannot join or ask again."""
    viewer, space = _load(request, slug)
    membership = actions.do_ban_member(space, membership_id, actor=viewer)
    return _members([membership.pk])[0]


@router.post(
    "/{slug}/members/{membership_id}/role",
    response={200: MemberOut, **SPACE_ERRORS},
    summary="Change a member's role",
)
def member_role(
    request: HttpRequest, slug: str, membership_id: Path[Id], payload: RoleIn
) -> MemberOut:
    """Make a member a moderator or owner, or back (owners and organisation admins)."""
    viewer, space = _load(request, slug)
    membership = actions.do_set_member_role(space, membership_id, payload.role, actor=viewer)
    return _members([membership.pk])[0]
