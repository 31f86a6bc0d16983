"""People API schemas: the directory's query parameters and how people and departments look."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from ninja import Field, Schema

from afterclass.core.api import Id, InputSchema, PageParams, SearchText, storable
from afterclass.people.actions.invitations import MAX_INVITATIONS_AT_ONCE
from afterclass.people.models import Department, ManagementLevel, Person
from afterclass.posts.activity import Contributions
from afterclass.posts.models import Comment, Post, PostKind
from afterclass.posts.presentation import headline
from afterclass.posts.schemas import SpaceRefOut


class LevelOut(Schema):
    id: int
    name: str
    rank: int = Field(description="1 is the most junior level.")

    @classmethod
    def build(cls, level: ManagementLevel) -> LevelOut:
        return cls(id=level.pk, name=level.name, rank=level.rank)


class DepartmentRef(Schema):
    id: int
    name: str
    parent_id: int | None = Field(description="For a team: the department it belongs to.")

    @classmethod
    def build(cls, department: Department) -> DepartmentRef:
        return cls(
            id=department.pk,
            name=department.name,
            parent_id=department.parent_id,
        )


class PersonOut(Schema):
    id: int
    display_name: str
    email: str
    job_title: str
    department: DepartmentRef | None
    level: LevelOut | None
    avatar_url: str | None
    is_active: bool = Field(description="False for a deactivated person (kept, cannot sign in).")

    @classmethod
    def fields_of(cls, person: Person) -> dict[str, object]:
        return {
            "id": person.pk,
            "display_name": person.display_name,
            "email": person.email,
            "job_title": person.job_title,
            "department": DepartmentRef.build(person.department) if person.department else None,
            "level": LevelOut.build(person.level) if person.level else None,
            "avatar_url": person.avatar.url if person.avatar else None,
            "is_active": person.is_active,
        }

    @classmethod
    def build(cls, person: Person) -> Self:
        return cls.model_validate(cls.fields_of(person))


class PersonDetailOut(PersonOut):
    bio: str
    interests: list[str]
    date_joined: datetime

    @classmethod
    def fields_of(cls, person: Person) -> dict[str, object]:
        return {
            **super().fields_of(person),
            "bio": person.bio,
            "interests": list(person.interests or []),
            "date_joined": person.date_joined,
        }


class MeOut(PersonDetailOut):
    is_org_admin: bool

    @classmethod
    def fields_of(cls, person: Person) -> dict[str, object]:
        return {**super().fields_of(person), "is_org_admin": person.is_org_admin}


class PersonPage(Schema):
    items: list[PersonOut]
    next: str | None


class PeopleParams(PageParams):
    q: SearchText = Field(
        "",
        description="Words to find in names, job titles, departments, interests or e-mails.",
    )
    department: Id | None = Field(None, description="A department id; includes its teams.")
    level: Id | None = Field(None, description="A management level id.")


class TeamOut(Schema):
    id: int
    name: str
    parent_id: int | None


class DepartmentOut(TeamOut):
    teams: list[TeamOut]

    @classmethod
    def build(cls, department: Department, teams: list[Department]) -> DepartmentOut:
        return cls(
            id=department.pk,
            name=department.name,
            parent_id=department.parent_id,
            teams=[TeamOut(id=team.pk, name=team.name, parent_id=team.parent_id) for team in teams],
        )


class DepartmentList(Schema):
    items: list[DepartmentOut]
    next: str | None = Field(None, description="Always null: the whole tree is one page.")


class LevelList(Schema):
    items: list[LevelOut]
    next: str | None = Field(None, description="Always null: every level is on one page.")


class InviteeIn(InputSchema):
    email: Annotated[str, Field(max_length=254), storable]
    name: Annotated[str, Field(max_length=120), storable] = ""
    department: Annotated[str, Field(max_length=120), storable] = Field(
        "", description="A department's or team's name, as on the Departments page."
    )
    level: Annotated[str, Field(max_length=120), storable] = Field(
        "", description="A management level's name."
    )


class InvitationsIn(InputSchema):
    people: list[InviteeIn] = Field(min_length=1, max_length=MAX_INVITATIONS_AT_ONCE)


class InvitationOut(Schema):
    id: int
    email: str
    display_name: str
    expires_at: datetime


class InvitationsSentOut(Schema):
    sent: list[InvitationOut] = Field(description="One e-mail each, sent after the request.")
    skipped: list[str] = Field(description="Addresses that already have an account.")


class ContributedPostOut(Schema):
    id: int
    kind: PostKind
    headline: str = Field(description="Its title, or the start of its text.")
    space: SpaceRefOut
    created_at: datetime

    @classmethod
    def build(cls, post: Post) -> ContributedPostOut:
        return cls(
            id=post.pk,
            kind=PostKind(post.kind),
            headline=headline(post),
            space=SpaceRefOut(slug=post.space.slug, name=post.space.name),
            created_at=post.created_at,
        )


class ContributedAnswerOut(Schema):
    id: int
    question: ContributedPostOut
    is_accepted: bool
    created_at: datetime

    @classmethod
    def build(cls, answer: Comment) -> ContributedAnswerOut:
        return cls(
            id=answer.pk,
            question=ContributedPostOut.build(answer.post),
            is_accepted=answer.post.accepted_answer_id == answer.pk,
            created_at=answer.created_at,
        )


class ContributionsOut(Schema):
    """A person's contributions that the caller may see: never an anonymous question, nothing
    of a space the caller may not see."""

    posts: int
    answers: int
    accepted_answers: int
    helped_colleagues: int = Field(description='People who marked one "This helped me".')
    recent_posts: list[ContributedPostOut]
    recent_answers: list[ContributedAnswerOut]
    spaces: list[SpaceRefOut] = Field(description="Where they are a member, by name (30 at most).")
    more_spaces: bool

    @classmethod
    def build(cls, found: Contributions) -> ContributionsOut:
        return cls(
            posts=found.posts,
            answers=found.answers,
            accepted_answers=found.accepted_answers,
            helped_colleagues=found.helped,
            recent_posts=[ContributedPostOut.build(post) for post in found.recent_posts],
            recent_answers=[ContributedAnswerOut.build(answer) for answer in found.recent_answers],
            spaces=[SpaceRefOut(slug=space.slug, name=space.name) for space in found.spaces],
            more_spaces=found.more_spaces,
        )
