"""The read side of spaces: the directory, members and join requests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from afterclass.core.errors import InvalidInput
from afterclass.core.pagination import Page, paginate
from afterclass.people.models import Person
from afterclass.posts.models import ContentState, Post, ReadMark
from afterclass.spaces.access import is_signed_in
from afterclass.spaces.models import GroundRules, Membership, MembershipState, Space, Status
from afterclass.surveys.models import SpaceInterest, SurveyState
from afterclass.surveys.queries import prelaunch_survey

MY_SPACES = "mine"
JOINABLE = "discover"
MAX_QUERY_LENGTH = 200
# Unread counts look at recent activity only, which keeps them cheap and meaningful: the last
# 90 days, and in a busy space its 100 most recently active posts ("99+" beyond).
UNREAD_WINDOW = timedelta(days=90)
UNREAD_CAP = 100


def unread_posts(viewer: Person) -> Coalesce:
    """For a Space queryset: how many of its visible posts had activity in the last 90 days
    that the viewer has not read (never opened, or new activity since their read mark), among
    its UNREAD_CAP most recently active: at most UNREAD_CAP rows of the (space, state,
    last_activity_at) index are read, however busy the space. Nothing from before the viewer
    joined the space is news to them (posts.queries._read_marks, the cards' rule)."""
    read = ReadMark.objects.filter(
        post=OuterRef("pk"), person=viewer, seen_activity_at__gte=OuterRef("last_activity_at")
    )
    window_start = timezone.now() - UNREAD_WINDOW
    joined = Membership.objects.active_in(OuterRef(OuterRef("pk")), viewer).values(
        since=Coalesce("joined_at", "created_at")
    )[:1]
    recent = Post.objects.filter(space=OuterRef(OuterRef("pk")), state=ContentState.VISIBLE)
    # The activity time of the space's UNREAD_CAP-th most recently active post, if it has so many.
    cap_start = recent.order_by("-last_activity_at").values("last_activity_at")[
        UNREAD_CAP - 1 : UNREAD_CAP
    ]
    posts = (
        Post.objects.filter(
            space=OuterRef("pk"),
            state=ContentState.VISIBLE,
            last_activity_at__gte=Greatest(
                Value(window_start), Coalesce(Subquery(cap_start), Value(window_start))
            ),
        )
        .exclude(last_activity_at__lte=Coalesce(Subquery(joined), Value(window_start)))
        .exclude(Exists(read))
        .order_by()
        .values("space")
        .annotate(unread=Count("pk"))
        .values("unread")
    )
    return Coalesce(Subquery(posts, output_field=IntegerField()), 0)


def unread_count(space: Space, viewer: Person) -> int:
    """The space feed's header count for a member (one query)."""
    found = (
        Space.objects.filter(pk=space.pk)
        .annotate(unread=unread_posts(viewer))
        .values_list("unread", flat=True)
        .first()
    )
    return found or 0


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
    member = Exists(Membership.objects.active_in(OuterRef("pk"), viewer))
    if which == MY_SPACES:
        spaces = spaces.filter(member)
        spaces = spaces.annotate(unread_count=unread_posts(viewer))
    else:
        spaces = spaces.exclude(member)
        if not viewer.is_org_admin:
            # Nobody can join an archived space, and a banned person cannot join again.
            banned = Membership.objects.filter(
                space=OuterRef("pk"), person=viewer, state=MembershipState.BANNED
            )
            spaces = spaces.exclude(status=Status.ARCHIVED).exclude(Exists(banned))
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


def launch_readiness(space: Space) -> dict[str, Any]:
    """What the launch page shows (two queries): the pre-launch survey with its answers so far,
    how many people asked to be told at launch, and what is worth a warning."""
    survey = prelaunch_survey(space)
    warnings = []
    if survey is None:
        warnings.append("This space has no pre-launch survey: you launch without asking anyone.")
    elif survey.state == SurveyState.DRAFT:
        warnings.append("The pre-launch survey was never opened: nobody has answered it.")
    else:
        if survey.responded_count == 0:
            warnings.append("Nobody has answered the pre-launch survey yet.")
        if survey.state == SurveyState.OPEN and not survey.is_over:
            warnings.append(
                "The pre-launch survey is still open: its audience would be asked whether they "
                "would use a space that is already there. Close it as you launch (below)."
            )
    return {
        "survey": survey,
        "survey_open": survey is not None and survey.state == SurveyState.OPEN,
        "interested": SpaceInterest.objects.filter(space=space).count(),
        "warnings": warnings,
    }
