"""Learning API schemas: what clients send to build and take part, and what they get back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AwareDatetime, StrictBool

from afterclass.core.api import Id, InputSchema, storable
from afterclass.learning.models import ActivityKind

Title = Annotated[str, Field(max_length=200), storable]
LongText = Annotated[str, Field(max_length=20000), storable]
ShortText = Annotated[str, Field(max_length=5000), storable]
FeedbackText = Annotated[str, Field(max_length=10000), storable]
OptionText = Annotated[str, Field(max_length=300), storable]
MAX_FILES = 10
FILES_HELP = (
    "Ids of uploads from `POST /api/v1/attachments` (your own, not attached to anything yet)."
)
UPDATE_FILES_HELP = (
    "The whole new list of files: ids it has now and your own new uploads; those left out are "
    "deleted. Leave it out to keep the files as they are."
)


class FileOut(Schema):
    id: int
    name: str
    size: int = Field(description="In bytes.")
    url: str = Field(description="The file; permission-checked.")


class QuestionSchema(Schema):
    text: Annotated[str, Field(max_length=500), storable]
    options: list[OptionText] = Field(max_length=8)
    correct: list[Annotated[int, Field(ge=0, le=7)]] = Field(
        max_length=8, description="Indexes (from 0) of the correct options; at least one."
    )
    explanation: Annotated[str, Field(max_length=2000), storable] = ""


class QuickCheckQuestionOut(Schema):
    id: int
    text: str
    options: list[str]


class SessionIn(InputSchema):
    title: Title
    description: ShortText = ""
    starts_at: datetime = Field(description="ISO 8601; without an offset it is read in time_zone.")
    ends_at: datetime
    time_zone: Annotated[str, Field(max_length=64), storable] = "UTC"
    place: Annotated[str, Field(max_length=200), storable] = ""
    link: Annotated[str, Field(max_length=500), storable] = ""
    facilitators: list[Id] = Field([], max_length=50, description="Owners or moderators.")
    attachment_ids: list[Id] = Field([], max_length=MAX_FILES, description=FILES_HELP)


class SessionUpdateIn(InputSchema):
    title: Title | None = None
    description: ShortText | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    time_zone: Annotated[str, Field(max_length=64), storable] | None = None
    place: Annotated[str, Field(max_length=200), storable] | None = None
    link: Annotated[str, Field(max_length=500), storable] | None = None
    facilitators: list[Id] | None = Field(None, max_length=50)
    attachment_ids: list[Id] | None = Field(None, max_length=MAX_FILES,
                                            description=UPDATE_FILES_HELP)  # fmt: skip


class SessionOut(Schema):
    id: int
    space: str = Field(description="The space's slug.")
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    place: str
    link: str
    calendar_url: str
    attachments: list[FileOut] = Field(description="The session's materials.")


class UnitIn(InputSchema):
    title: Title
    description: ShortText = ""
    release_at: AwareDatetime | None = Field(None, description="Hidden from learners until then.")
    due_at: AwareDatetime | None = None
    session: Id | None = None


class UnitUpdateIn(InputSchema):
    title: Title | None = None
    description: ShortText | None = None
    release_at: AwareDatetime | None = None
    due_at: AwareDatetime | None = None
    session: Id | None = None


class MoveIn(InputSchema):
    direction: Literal["up", "down"] | None = None
    position: Annotated[int, Field(ge=1, le=10000)] | None = Field(None, description="From 1.")


class CopyIn(InputSchema):
    source: Annotated[str, Field(max_length=60), storable] = Field(description="A space's slug.")
    units: list[Id] | None = Field(None, max_length=200, description="Default: all its units.")
    first_release_at: AwareDatetime | None = None


class ActivityIn(InputSchema):
    kind: ActivityKind
    title: Title
    instructions: LongText = ""
    shared_with_group: StrictBool = False
    questions: list[QuestionSchema] = Field([], max_length=20)
    attachment_ids: list[Id] = Field([], max_length=MAX_FILES, description=FILES_HELP)


class ActivityUpdateIn(InputSchema):
    title: Title | None = None
    instructions: LongText | None = None
    shared_with_group: StrictBool | None = None
    is_closed: StrictBool | None = None
    questions: list[QuestionSchema] | None = Field(None, max_length=20)
    attachment_ids: list[Id] | None = Field(None, max_length=MAX_FILES,
                                            description=UPDATE_FILES_HELP)  # fmt: skip


class ActivityOut(Schema):
    id: int
    unit: int
    kind: str
    title: str
    instructions: str
    instructions_html: str
    position: int
    shared_with_group: bool
    is_closed: bool
    post: int | None = Field(description="A discussion prompt's thread.")
    my_state: str
    my_best_score: int | None = None
    questions: list[QuickCheckQuestionOut] = Field(default_factory=list)
    attachments: list[FileOut] = Field(default_factory=list)


class UnitOut(Schema):
    id: int
    space: str
    title: str
    description: str
    position: int
    release_at: datetime
    due_at: datetime | None
    session: int | None
    released: bool
    activities: list[ActivityOut]


class UnitPage(Schema):
    items: list[UnitOut]
    next: str | None


class CompletionIn(InputSchema):
    done: StrictBool = True


class ProgressOut(Schema):
    activity: int
    state: str
    best_score: int | None = None
    attempts: int = 0


class SubmissionIn(InputSchema):
    text: LongText = Field("", description="A task needs text, files or both; a reflection text.")
    attachment_ids: list[Id] | None = Field(
        None, max_length=MAX_FILES,
        description="Tasks only. The whole list of the submission's files: ids it has now and "
        "your own new uploads; those left out are deleted. Leave it out to keep them.",
    )  # fmt: skip


class SubmissionOut(Schema):
    id: int
    activity: int
    person: int
    person_name: str
    text: str
    state: str
    feedback: str
    feedback_at: datetime | None
    submitted_at: datetime
    attachments: list[FileOut] = Field(default_factory=list)


class SubmissionPage(Schema):
    items: list[SubmissionOut]
    next: str | None


class FeedbackIn(InputSchema):
    feedback: FeedbackText = ""
    complete: StrictBool = Field(description="true: complete; false: needs another look.")


class AnswerIn(InputSchema):
    answers: dict[str, list[Annotated[int, Field(ge=0, le=7)]]] = Field(
        description='Question id → chosen option indexes, e.g. {"12": [0]}.'
    )


class QuickCheckAnswerOut(Schema):
    question: int
    correct: bool
    chosen: list[int]
    correct_options: list[int]
    explanation: str


class QuickCheckResultOut(Schema):
    score: int
    total: int
    best_score: int
    attempts: int
    questions: list[QuickCheckAnswerOut]


class UnitOrderIn(InputSchema):
    units: list[Id] = Field(max_length=1000, description="Every unit id of the space, in order.")


class ActivityOrderIn(InputSchema):
    activities: list[Id] = Field(
        max_length=1000, description="Every activity id of the unit, in order."
    )


class OrderOut(Schema):
    ids: list[int] = Field(description="The ids in their new order.")


class NudgeOut(Schema):
    reminded: int


class GridColumnOut(Schema):
    activity: int
    title: str
    kind: str
    completion_rate: int


class GridRowOut(Schema):
    person: int
    name: str
    states: list[str]
    completion_rate: int


class GridOut(Schema):
    sort: str
    columns: list[GridColumnOut]
    rows: list[GridRowOut]


class MyActivityOut(Schema):
    id: int
    title: str
    kind: str
    space: str
    unit: str
    due_at: datetime | None
    state: str


class MyLearningOut(Schema):
    due_soon: list[MyActivityOut]
    overdue: list[MyActivityOut]
    done_recently: list[MyActivityOut]
