"""Spaces: the private groups people learn in, their membership and their ground rules.

Who may know a space exists is decided here once, as query vocabulary every app builds on
(`Space.objects.visible_to(viewer)`, `.visible_to_recipient(OuterRef(...))`,
`Membership.objects.active_in(space, person, roles=...)`): the rule sits next to the models it
reads so that the managers reach it without an import cycle; spaces.access builds the loaders
and checks on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from typing_extensions import TypeIs

from afterclass.people.models import Person

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class Mode(models.TextChoices):
    INFORMAL = "informal", "Informal: share ideas and ask questions"
    STRUCTURED = "structured", "Structured: discussions and activities that build on training"


class Audience(models.TextChoices):
    ORGANISATION = "organisation", "The whole organisation"
    DEPARTMENTS = "departments", "Departments"
    COHORT = "cohort", "A course cohort"
    COMMUNITY = "community", "An interest community"


class Template(models.TextChoices):
    DISCUSSION = "discussion", "Discussion group"
    COURSE = "course", "Course follow-up group"
    TIPS = "tips", "Quick tips stream"
    VISUAL = "visual", "Visual board"


# What each template presets: the post kinds it allows and how its feed is laid out.
TEMPLATE_PRESETS: dict[str, dict[str, object]] = {
    Template.DISCUSSION: {
        "post_kinds": ["discussion", "question", "resource", "announcement", "poll"],
        "layout": "threads",
    },
    Template.COURSE: {
        "post_kinds": ["discussion", "question", "resource", "announcement", "image"],
        "layout": "threads",
    },
    Template.TIPS: {"post_kinds": ["update", "announcement", "poll"], "layout": "stream"},
    Template.VISUAL: {"post_kinds": ["image", "announcement"], "layout": "grid"},
}


class Visibility(models.TextChoices):
    LISTED = "listed", "Listed: everyone can find it, members see its content"
    SECRET = "secret", "Secret: only members know it exists"


class JoinPolicy(models.TextChoices):
    OPEN = "open", "Open: anyone who can see it may join"
    REQUEST = "request", "Request: people ask to join and moderators approve"
    INVITATION = "invitation", "Invitation only"


class Status(models.TextChoices):
    PLANNING = "planning", "Planning"
    LAUNCHED = "launched", "Launched"
    ARCHIVED = "archived", "Archived"


class AnonymousQuestions(models.TextChoices):
    OFF = "off", "Off: every question shows who asked"
    MEMBERS = "members", "Anonymous to members: moderators and owners see who asked"
    EVERYONE = "everyone", "Anonymous to everyone: nobody in the space sees who asked"


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MODERATOR = "moderator", "Moderator"
    MEMBER = "member", "Member"


class MembershipState(models.TextChoices):
    PENDING = "pending", "Pending"
    ACTIVE = "active", "Active"
    DECLINED = "declined", "Declined"
    BANNED = "banned", "Banned"
    LEFT = "left", "Left"


MODERATOR_ROLES = (Role.OWNER, Role.MODERATOR)
# A listed space is known to everyone once launched, and stays known when archived.
KNOWN_STATUSES = (Status.LAUNCHED, Status.ARCHIVED)


def is_signed_in(person: Person | AnonymousUser | None) -> TypeIs[Person]:
    """Someone signed in whose account is active: everyone else sees nothing."""
    return bool(person is not None and person.is_authenticated and person.is_active)


def visible_spaces_filter(person: Person | AnonymousUser | None) -> Q:
    """Spaces the person may know exist, as one Q on Space (the rule of spaces.access):
    organisation admins know every space; a listed space that is launched or archived is known
    to everyone signed in; any other (secret, or in planning) only to its active members."""
    if not is_signed_in(person):
        return Q(pk__in=[])
    if person.is_org_admin:
        return Q()
    member = Exists(Membership.objects.active_in(OuterRef("pk"), person))
    return Q(visibility=Visibility.LISTED, status__in=KNOWN_STATUSES) | Q(member)


def recipient_is(recipient: Any, **fields: Any) -> Exists:
    """The person `recipient` names is active and has `fields` (the relative form's "signed in"
    and "organisation admin"). `recipient` is an expression of the query this Q is applied to,
    such as `OuterRef("recipient")`: one level deeper, it is wrapped in one more OuterRef."""
    return Exists(Person.objects.filter(pk=OuterRef(recipient), is_active=True, **fields))


def spaces_visible_to_recipient(recipient: Any) -> Q:
    """The same rule as `visible_spaces_filter`, for the person `recipient` names in an outer
    query (e.g. `OuterRef("recipient")` from a query on notifications): many people at once."""
    member = Exists(Membership.objects.active_in(OuterRef("pk"), OuterRef(recipient)))
    listed = Q(visibility=Visibility.LISTED, status__in=KNOWN_STATUSES)
    return Q(recipient_is(recipient, is_org_admin=True)) | (
        Q(recipient_is(recipient)) & (listed | Q(member))
    )


class SpaceQuerySet(models.QuerySet["Space"]):
    def visible_to(self, person: Person | AnonymousUser | None) -> SpaceQuerySet:
        """Spaces `person` may know exist (`visible_spaces_filter`)."""
        return self.filter(visible_spaces_filter(person))

    def visible_to_recipient(self, recipient: Any) -> SpaceQuerySet:
        """Spaces the person named by `recipient` (an OuterRef) may know exist: used inside
        `Exists(...)` by queries across many people (the mailer, the digest)."""
        return self.filter(spaces_visible_to_recipient(recipient))

    def with_membership_of(self, person: Person) -> SpaceQuerySet:
        """Annotate the person's own role and state (None when they have no membership)."""
        mine = Membership.objects.filter(space=OuterRef("pk"), person=person)
        return self.annotate(
            my_role=models.Subquery(mine.values("role")[:1]),
            my_state=models.Subquery(mine.values("state")[:1]),
            my_rules_version=models.Subquery(mine.values("rules_version_accepted")[:1]),
            is_member=Exists(mine.filter(state=MembershipState.ACTIVE)),
        )


class Space(models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=280, blank=True)
    purpose = models.TextField(max_length=2000)
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.INFORMAL)
    audience = models.CharField(
        max_length=16, choices=Audience.choices, default=Audience.ORGANISATION
    )
    audience_departments = models.ManyToManyField(
        "people.Department", blank=True, related_name="audience_of"
    )
    template = models.CharField(
        max_length=16, choices=Template.choices, default=Template.DISCUSSION
    )
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.LISTED
    )
    join_policy = models.CharField(
        max_length=12, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    membership_questions = models.JSONField(default=list, blank=True)
    anonymous_questions = models.CharField(
        max_length=10, choices=AnonymousQuestions.choices, default=AnonymousQuestions.OFF
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNING)
    rules_version = models.PositiveIntegerField(default=0)
    cover = models.ImageField(upload_to="covers/", blank=True)
    # Success targets, measured against by insights; None means "no target set".
    target_weekly_active_pct = models.PositiveSmallIntegerField(null=True, blank=True)
    target_answer_rate_pct = models.PositiveSmallIntegerField(null=True, blank=True)
    target_answer_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    target_completion_pct = models.PositiveSmallIntegerField(null=True, blank=True)
    member_count = models.PositiveIntegerField(default=0)
    pending_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    launched_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = SpaceQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["name", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(target_weekly_active_pct__lte=100)
                & Q(target_answer_rate_pct__lte=100)
                & Q(target_completion_pct__lte=100),
                name="space_targets_are_percentages",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def allowed_post_kinds(self) -> list[str]:
        kinds = TEMPLATE_PRESETS[self.template]["post_kinds"]
        return list(kinds) if isinstance(kinds, list) else []

    @property
    def layout(self) -> str:
        return str(TEMPLATE_PRESETS[self.template]["layout"])


class GroundRules(models.Model):
    """One version of a space's ground rules. Versions are never edited, only added."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="rules_versions")
    version = models.PositiveIntegerField()
    body = models.TextField(max_length=10000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "ground rules"
        ordering: ClassVar = ["space", "-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["space", "version"], name="rules_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.space} rules v{self.version}"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(state=MembershipState.ACTIVE)

    def active_in(
        self, space: Any = None, person: Any = None, *, roles: Iterable[str] | None = None
    ) -> MembershipQuerySet:
        """Active memberships, of `person` in `space` when given (each a value, a row, or an
        expression such as `OuterRef("space")`), with one of `roles` when given. Wrapped in
        `Exists(...)` it is "an active member (with these roles)"; `.values("space_id")` of it
        lists a person's spaces."""
        rows = self.active()
        if space is not None:
            rows = rows.filter(space=space)
        if person is not None:
            rows = rows.filter(person=person)
        if roles is not None:
            rows = rows.filter(role__in=list(roles))
        return rows


class Membership(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(
        max_length=10, choices=MembershipState.choices, default=MembershipState.ACTIVE
    )
    answers = models.JSONField(default=list, blank=True)
    rules_version_accepted = models.PositiveIntegerField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    joined_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["space", "created_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["space", "person"], name="membership_unique"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["person", "state"]),
            models.Index(fields=["space", "state", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.space_id} ({self.role}, {self.state})"

    @property
    def is_active(self) -> bool:
        return self.state == MembershipState.ACTIVE

    @property
    def is_moderator(self) -> bool:
        return self.is_active and self.role in {Role.OWNER, Role.MODERATOR}


class RulesAcceptance(models.Model):
    """Who accepted which version of a space's rules, and when (history, never edited)."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["space", "person", "version"], name="rules_acceptance_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} accepted v{self.version} of {self.space_id}"


# --- the viewer's place in one space (spaces.access re-exports it) -------------------------


@dataclass(frozen=True)
class MyPlace:
    """The viewer's relation to one space: their membership role/state, if any."""

    role: str | None
    state: str | None
    rules_version: int | None
    is_org_admin: bool

    @property
    def is_active_member(self) -> bool:
        return self.state == MembershipState.ACTIVE

    @property
    def is_owner(self) -> bool:
        return self.is_active_member and self.role == Role.OWNER

    @property
    def is_moderator(self) -> bool:
        return self.is_active_member and self.role in {Role.OWNER, Role.MODERATOR}


def my_place(person: Person | AnonymousUser | None, space: Space) -> MyPlace:
    """The viewer's membership, from the annotations of `with_membership_of` when present."""
    if not is_signed_in(person):
        return MyPlace(None, None, None, is_org_admin=False)
    is_admin = person.is_org_admin
    if hasattr(space, "my_state"):
        return MyPlace(
            role=getattr(space, "my_role", None),
            state=getattr(space, "my_state", None),
            rules_version=getattr(space, "my_rules_version", None),
            is_org_admin=is_admin,
        )
    membership = Membership.objects.filter(space=space, person=person).first()
    if membership is None:
        return MyPlace(None, None, None, is_org_admin=is_admin)
    return MyPlace(membership.role, membership.state, membership.rules_version_accepted, is_admin)


def can_moderate(person: Person | AnonymousUser | None, space: Space) -> bool:
    """Owners, moderators and organisation admins handle requests, invitations and bans."""
    place = my_place(person, space)
    return place.is_org_admin or place.is_moderator
