"""Spaces API schemas: what a client sends to create and change spaces and memberships, and how
spaces, memberships and join requests look to the person asking."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self

from ninja import Field, Schema
from pydantic import model_validator

from afterclass.core.api import MAX_IDS, Id, InputSchema, PageParams, SearchText, storable
from afterclass.core.markdown import render_markdown
from afterclass.people.models import Person
from afterclass.people.schemas import PersonOut
from afterclass.spaces.access import (
    can_join,
    can_manage,
    can_moderate,
    can_view_content,
    my_place,
    needs_rules_acceptance,
)
from afterclass.spaces.actions import (
    MAX_ANSWER_LENGTH,
    MAX_QUESTION_LENGTH,
    MAX_QUESTIONS,
)
from afterclass.spaces.models import (
    Audience,
    GroundRules,
    JoinPolicy,
    Membership,
    MembershipState,
    Mode,
    Role,
    Space,
    Status,
    Template,
    Visibility,
)
from afterclass.spaces.queries import JOINABLE, MY_SPACES

MAX_VERSION = 2**31 - 1
Percentage = Annotated[int, Field(ge=0, le=100)]
Hours = Annotated[int, Field(ge=1, le=720)]
Name = Annotated[str, Field(min_length=1, max_length=80), storable]
Slug = Annotated[str, Field(min_length=1, max_length=60), storable]
Description = Annotated[str, Field(max_length=280), storable]
Purpose = Annotated[str, Field(min_length=1, max_length=2000), storable]
RulesText = Annotated[str, Field(min_length=1, max_length=10000), storable]
Question = Annotated[str, Field(max_length=MAX_QUESTION_LENGTH), storable]
Answer = Annotated[str, Field(max_length=MAX_ANSWER_LENGTH), storable]

# --- What clients send ----------------------------------------------------------------------


class SpaceFieldsIn(InputSchema):
    """Fields shared by creating and changing a space (see `SpaceCreateIn` for the required)."""

    slug: Slug | None = Field(
        None,
        description="The address: lowercase letters, digits and single hyphens. "
        "Made from the name when left out.",
    )
    description: Description | None = None
    mode: Mode | None = None
    audience: Audience | None = None
    template: Template | None = None
    visibility: Visibility | None = None
    join_policy: JoinPolicy | None = None
    membership_questions: list[Question] | None = Field(
        None,
        max_length=MAX_QUESTIONS,
        description=f"Up to {MAX_QUESTIONS} questions of at most {MAX_QUESTION_LENGTH} characters "
        "that people answer when they ask to join.",
    )
    audience_departments: list[Id] | None = Field(
        None, max_length=MAX_IDS, description="Department ids, for a departments audience."
    )
    target_weekly_active_pct: Percentage | None = None
    target_answer_rate_pct: Percentage | None = None
    target_answer_hours: Hours | None = Field(None, description="Hours to a first answer.")
    target_completion_pct: Percentage | None = None


class SpaceCreateIn(SpaceFieldsIn):
    name: Name
    purpose: Purpose = Field(description="One paragraph: what the space is for.")
    rules: RulesText = Field(description="The ground rules (markdown): version 1.")


class SpaceUpdateIn(SpaceFieldsIn):
    """Only the fields sent are changed; `null` clears an optional field such as a target."""

    name: Name | None = None
    purpose: Purpose | None = None


class SpaceStatusIn(InputSchema):
    status: Literal["launched", "archived"] = Field(
        description="launched (opens the space) or archived (read-only, nobody can join)."
    )


class RulesIn(InputSchema):
    body: RulesText = Field(description="Markdown.")


class JoinIn(InputSchema):
    answers: list[Answer] = Field(
        default_factory=list,
        max_length=MAX_QUESTIONS,
        description="One answer per membership question, in order (request-to-join spaces).",
    )


class AcceptRulesIn(InputSchema):
    version: int = Field(
        ge=1, le=MAX_VERSION, description="The version you read: it must be the current one."
    )


class InviteIn(InputSchema):
    people: list[Id] | None = Field(None, min_length=1, max_length=MAX_IDS)
    department: Id | None = Field(None, description="Adds everyone in it and its teams.")

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if (self.people is None) == (self.department is None):
            raise ValueError('send either "people" (a list of ids) or "department" (an id)')
        return self


class RoleIn(InputSchema):
    role: Role


class SpaceListParams(PageParams):
    which: Literal["mine", "discover"] = Field(
        "mine",
        description=f"{MY_SPACES}: spaces I am a member of; "
        f"{JOINABLE}: spaces I can see and am not in.",
    )
    q: SearchText = Field("", description="Words in name or purpose.")


# --- What clients receive -------------------------------------------------------------------


class MyMembershipOut(Schema):
    role: Role
    state: MembershipState
    rules_version_accepted: int | None
    needs_rules_acceptance: bool = Field(
        description="True when I must accept the current ground rules before taking part."
    )


class SpaceSummaryOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    purpose: str
    mode: Mode
    audience: Audience
    template: Template
    visibility: Visibility
    join_policy: JoinPolicy
    status: Status
    member_count: int
    cover_url: str | None
    my_membership: MyMembershipOut | None = Field(
        description="My own membership in any state (pending, left…), or null."
    )
    unread_count: int | None = Field(
        None,
        description="In my spaces (`which=mine`): posts with activity in the last 90 days that "
        "I have not read since, counted among the space's 100 most recently active posts (100 "
        "means 100 or more). null elsewhere.",
    )

    @classmethod
    def fields_of(cls, space: Space, viewer: Person) -> dict[str, object]:
        place = my_place(viewer, space)
        mine = None
        if place.state is not None and place.role is not None:
            mine = MyMembershipOut(
                role=Role(place.role),
                state=MembershipState(place.state),
                rules_version_accepted=place.rules_version,
                needs_rules_acceptance=needs_rules_acceptance(viewer, space),
            )
        return {
            "id": space.pk,
            "slug": space.slug,
            "name": space.name,
            "description": space.description,
            "purpose": space.purpose,
            "mode": space.mode,
            "audience": space.audience,
            "template": space.template,
            "visibility": space.visibility,
            "join_policy": space.join_policy,
            "status": space.status,
            "member_count": space.member_count,
            "cover_url": space.cover.url if space.cover else None,
            "my_membership": mine,
            "unread_count": getattr(space, "unread_count", None),
        }

    @classmethod
    def build(cls, space: Space, viewer: Person) -> Self:
        return cls.model_validate(cls.fields_of(space, viewer))


class RulesOut(Schema):
    version: int
    body: str = Field(description="Markdown, as written.")
    body_html: str = Field(description="The markdown rendered to sanitised HTML.")
    created_at: datetime

    @classmethod
    def build(cls, rules: GroundRules) -> RulesOut:
        return cls(
            version=rules.version,
            body=rules.body,
            body_html=str(render_markdown(rules.body)),
            created_at=rules.created_at,
        )


class TargetsOut(Schema):
    weekly_active_pct: int | None
    answer_rate_pct: int | None
    answer_hours: int | None
    completion_pct: int | None


class PermissionsOut(Schema):
    join: bool = Field(description="I may join or ask to join now.")
    view_members: bool
    moderate: bool = Field(description="Handle requests, invite, remove and ban.")
    manage: bool = Field(description="Change settings, rules and status.")


class SpaceOut(SpaceSummaryOut):
    membership_questions: list[str]
    rules_version: int
    rules: RulesOut | None = Field(description="The current version of the ground rules.")
    targets: TargetsOut
    layout: str
    allowed_post_kinds: list[str]
    audience_departments: list[int]
    pending_count: int | None = Field(description="Waiting join requests; moderators only.")
    can: PermissionsOut
    created_at: datetime
    launched_at: datetime | None
    archived_at: datetime | None

    @classmethod
    def build_detail(
        cls,
        space: Space,
        viewer: Person,
        *,
        rules: GroundRules | None,
        audience_departments: list[int],
    ) -> SpaceOut:
        moderator = can_moderate(viewer, space)
        return cls.model_validate(
            {
                **cls.fields_of(space, viewer),
                "membership_questions": list(space.membership_questions or []),
                "rules_version": space.rules_version,
                "rules": RulesOut.build(rules) if rules else None,
                "targets": TargetsOut(
                    weekly_active_pct=space.target_weekly_active_pct,
                    answer_rate_pct=space.target_answer_rate_pct,
                    answer_hours=space.target_answer_hours,
                    completion_pct=space.target_completion_pct,
                ),
                "layout": space.layout,
                "allowed_post_kinds": space.allowed_post_kinds,
                "audience_departments": audience_departments,
                "pending_count": space.pending_count if moderator else None,
                "can": PermissionsOut(
                    join=can_join(viewer, space),
                    view_members=can_view_content(viewer, space),
                    moderate=moderator,
                    manage=can_manage(viewer, space),
                ),
                "created_at": space.created_at,
                "launched_at": space.launched_at,
                "archived_at": space.archived_at,
            }
        )


class SpacePage(Schema):
    items: list[SpaceSummaryOut]
    next: str | None


class MembershipOut(Schema):
    """My own membership, after joining, leaving or accepting the rules."""

    id: int
    space: str = Field(description="The space's slug.")
    role: Role
    state: MembershipState
    rules_version_accepted: int | None
    joined_at: datetime | None

    @classmethod
    def build(cls, membership: Membership, space: Space) -> MembershipOut:
        return cls(
            id=membership.pk,
            space=space.slug,
            role=Role(membership.role),
            state=MembershipState(membership.state),
            rules_version_accepted=membership.rules_version_accepted,
            joined_at=membership.joined_at,
        )


class MemberOut(Schema):
    id: int = Field(description="The membership id, used by remove, ban and role.")
    person: PersonOut
    role: Role
    state: MembershipState
    rules_version_accepted: int | None
    joined_at: datetime | None

    @classmethod
    def build(cls, membership: Membership) -> MemberOut:
        return cls(
            id=membership.pk,
            person=PersonOut.build(membership.person),
            role=Role(membership.role),
            state=MembershipState(membership.state),
            rules_version_accepted=membership.rules_version_accepted,
            joined_at=membership.joined_at,
        )


class MemberPage(Schema):
    items: list[MemberOut]
    next: str | None


class AnswerOut(Schema):
    question: str
    answer: str


class RequestOut(Schema):
    id: int = Field(description="The membership id, used by approve and decline.")
    person: PersonOut
    answers: list[AnswerOut]
    requested_at: datetime

    @classmethod
    def build(cls, membership: Membership) -> RequestOut:
        answers = [
            AnswerOut(question=str(item.get("question", "")), answer=str(item.get("answer", "")))
            for item in membership.answers or []
            if isinstance(item, dict)
        ]
        return cls(
            id=membership.pk,
            person=PersonOut.build(membership.person),
            answers=answers,
            requested_at=membership.created_at,
        )


class RequestPage(Schema):
    items: list[RequestOut]
    next: str | None
