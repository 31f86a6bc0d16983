"""Spaces suggested to someone new: the listed spaces they may join, ranked by what they share
with them (colleagues from their department and level, their interests), each with its reason.

Who may know a space is `Space.objects.visible_to`; who may join it is `spaces.access.can_join`
(no query: the viewer's membership is annotated). Ranking is in the one query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Least

from afterclass.people.models import Department, Person
from afterclass.spaces.access import can_join
from afterclass.spaces.models import (
    Audience,
    GroundRules,
    JoinPolicy,
    Membership,
    MembershipState,
    Space,
    Status,
    Visibility,
)

MAX_SUGGESTIONS = 6
# How much each kind of overlap weighs; colleagues count up to a cap, so a big space does not
# win on size alone.
INTEREST_WEIGHT = 3
AUDIENCE_WEIGHT = 3
DEPARTMENT_CAP = 5
LEVEL_CAP = 3
# Interests read (the action keeps at most 20 of them).
MAX_INTERESTS = 20


@dataclass(frozen=True)
class Suggestion:
    """One suggested space, why, and what joining it takes."""

    space: Space
    reason: str
    rules: GroundRules | None  # the current ground rules, shown before joining

    @property
    def asks(self) -> bool:
        """A moderator approves joiners: the button says "Ask to join"."""
        return self.space.join_policy == JoinPolicy.REQUEST

    @property
    def has_questions(self) -> bool:
        """Joining asks questions: the space's own join page asks them."""
        return self.asks and bool(self.space.membership_questions)


def _my_departments(department_id: int) -> QuerySet[Department]:
    """A person's department with its teams: their own, or the one their team is in."""
    top = Department.objects.filter(pk=department_id).values(top=Coalesce("parent_id", "pk"))[:1]
    return Department.objects.filter(Q(pk=Subquery(top)) | Q(parent_id=Subquery(top)))


def _members_count(**person: object) -> Coalesce:
    """Active members of the space (the outer query's row) whose person matches `person`."""
    rows = (
        Membership.objects.active_in(OuterRef("pk"))
        .filter(**{f"person__{name}": value for name, value in person.items()})
        .values("space")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _interest_matches(interest: str) -> Q:
    """The space's name, description or purpose names the interest. Not its posts' hashtags:
    what members post is not shown to people outside the space, not even as a reason."""
    return (
        Q(name__icontains=interest)
        | Q(description__icontains=interest)
        | Q(purpose__icontains=interest)
    )


def _candidates(viewer: Person, interests: list[str]) -> QuerySet[Space]:
    unavailable = Membership.objects.filter(
        space=OuterRef("pk"),
        person=viewer,
        state__in=[MembershipState.ACTIVE, MembershipState.PENDING, MembershipState.BANNED],
    )
    spaces = (
        Space.objects.visible_to(viewer)
        .filter(visibility=Visibility.LISTED, status=Status.LAUNCHED)
        .exclude(join_policy=JoinPolicy.INVITATION)
        .exclude(Exists(unavailable))
        .with_membership_of(viewer)
    )
    if viewer.department_id is not None:
        mine = _my_departments(viewer.department_id)
        spaces = spaces.annotate(
            from_department=_members_count(department__in=mine.values("pk")),
            for_department=Exists(mine.filter(audience_of=OuterRef("pk"))),
        )
    else:
        spaces = spaces.annotate(from_department=Value(0), for_department=Value(False))
    spaces = spaces.annotate(
        at_level=_members_count(level_id=viewer.level_id) if viewer.level_id else Value(0),
        **{
            f"interest_{number}": Case(
                When(_interest_matches(interest), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
            for number, interest in enumerate(interests)
        },
    )
    interest_score: Combinable = Value(0)
    for number in range(len(interests)):
        interest_score = interest_score + F(f"interest_{number}")
    audience = Case(
        When(Q(audience=Audience.DEPARTMENTS, for_department=True), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return spaces.annotate(
        score=interest_score * INTEREST_WEIGHT
        + audience * AUDIENCE_WEIGHT
        + Least("from_department", Value(DEPARTMENT_CAP))
        + Least("at_level", Value(LEVEL_CAP))
    ).order_by("-score", "-member_count", "name", "pk")


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def reason_for(space: Space, interests: list[str]) -> str:
    """The suggestion's reason line, from the annotations of the ranking query."""
    parts: list[str] = []
    matched = [
        interest
        for number, interest in enumerate(interests)
        if getattr(space, f"interest_{number}", 0)
    ]
    if matched:
        parts.append("About " + ", ".join(matched[:3]))
    if space.audience == Audience.DEPARTMENTS and getattr(space, "for_department", False):
        parts.append("Planned for your department")
    from_department = int(getattr(space, "from_department", 0))
    if from_department:
        parts.append(_plural(from_department, "colleague", "colleagues") + " from your department")
    at_level = int(getattr(space, "at_level", 0))
    if at_level:
        parts.append(_plural(at_level, "member", "members") + " at your level")
    if not parts:
        parts.append(_plural(space.member_count, "member", "members") + ", open to everyone")
    return " · ".join(parts)


def suggested_spaces(viewer: Person, *, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """The listed, launched spaces `viewer` may join and is not in, best match first, with the
    current ground rules of those that have them. Two queries however many spaces there are."""
    interests = [str(item) for item in viewer.interests if str(item).strip()][:MAX_INTERESTS]
    spaces = [space for space in _candidates(viewer, interests)[:limit] if can_join(viewer, space)]
    with_rules = [space.pk for space in spaces if space.rules_version]
    current_rules = GroundRules.objects.filter(
        space_id__in=with_rules, version=F("space__rules_version")
    )
    rules = {rule.space_id: rule for rule in current_rules} if with_rules else {}
    return [
        Suggestion(space=space, reason=reason_for(space, interests), rules=rules.get(space.pk))
        for space in spaces
    ]
