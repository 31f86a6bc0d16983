"""Surveys API schemas. Nothing here ever carries who gave an anonymous answer: responses are
only exposed as counts, free-text lists sorted by content, and the CSV export."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import AwareDatetime

from afterclass.core.api import MAX_IDS, Id, InputSchema, storable
from afterclass.surveys.models import AudienceKind, Question, QuestionKind, Survey

AnswerText = Annotated[str, Field(max_length=2000), storable]


class QuestionOut(Schema):
    id: int
    kind: str = Field(description="single, multiple, scale (1-5) or text.")
    text: str
    options: list[str]
    required: bool

    @staticmethod
    def build(question: Question) -> QuestionOut:
        return QuestionOut(
            id=question.pk,
            kind=question.kind,
            text=question.text,
            options=list(question.options),
            required=question.required,
        )


class SurveyOut(Schema):
    id: int
    title: str
    intro: str
    state: str
    anonymous: bool
    opens_at: datetime
    closes_at: datetime
    accepting: bool = Field(description="Whether it takes answers now.")
    space: str | None = Field(description="The slug of the space it is about, if any.")
    responded: bool | None = Field(description="Whether I answered; null when I am not invited.")
    questions: list[QuestionOut] | None = Field(None, description="In the detail only.")

    @staticmethod
    def build(
        survey: Survey, *, responded: bool | None, questions: list[Question] | None = None
    ) -> SurveyOut:
        return SurveyOut(
            id=survey.pk,
            title=survey.title,
            intro=survey.intro,
            state="closed" if survey.is_over else survey.state,
            anonymous=survey.anonymous,
            opens_at=survey.opens_at,
            closes_at=survey.closes_at,
            accepting=survey.is_accepting,
            space=survey.space.slug if survey.space is not None else None,
            responded=responded,
            questions=(
                [QuestionOut.build(question) for question in questions]
                if questions is not None
                else None
            ),
        )


class SurveyPage(Schema):
    items: list[SurveyOut]
    next: str | None


class AnswersIn(InputSchema):
    answers: dict[str, AnswerText | int | list[AnswerText]] = Field(
        description='`{"<question id>": answer}`: an option\'s text for single choice, a list '
        "of option texts for multiple choice, 1-5 for a scale, text for free text.",
        max_length=40,
    )


class AnsweredOut(Schema):
    detail: str


class CountOut(Schema):
    label: str
    count: int


class QuestionResultOut(Schema):
    id: int
    text: str
    kind: str
    answered: int
    counts: list[CountOut]
    average: float | None
    texts: list[str] = Field(description="Free-text answers, sorted by their text.")
    withheld: bool = Field(
        False,
        description="Anonymous surveys: answered by too few people to show its counts and texts.",
    )


class ResultsOut(Schema):
    id: int
    invited: int
    responded: int
    response_rate: float | None
    withheld: bool = Field(
        description="Anonymous surveys: no counts or texts are shown until enough people answered."
    )
    answers_needed: int = Field(description="How many more answers are needed to show them.")
    detail: str = Field(description="Why results are withheld, for people; empty when shown.")
    questions: list[QuestionResultOut]


QuestionText = Annotated[str, Field(max_length=300), storable]
OptionText = Annotated[str, Field(max_length=120), storable]


class QuestionIn(InputSchema):
    text: QuestionText
    kind: QuestionKind = Field(description="single, multiple, scale (1-5) or text.")
    options: list[OptionText] = Field(
        default_factory=list, max_length=10, description="2-10 options for a choice question."
    )
    required: bool = False


class SurveyCreateIn(InputSchema):
    title: Annotated[str, Field(max_length=120), storable]
    intro: Annotated[str, Field(max_length=1000), storable] = ""
    audience: AudienceKind = Field(
        description="everyone, departments or levels (organisation admins); space_members or "
        "planned_audience (the space's owners)."
    )
    space: Annotated[str, Field(max_length=80), storable] | None = Field(
        None, description="The slug of the space, for space_members and planned_audience."
    )
    departments: list[Id] = Field(
        default_factory=list, max_length=MAX_IDS, description="For audience departments."
    )
    levels: list[Id] = Field(
        default_factory=list, max_length=MAX_IDS, description="For audience levels."
    )
    anonymous: bool = Field(True, description="Nobody, admins included, sees who answered what.")
    opens_at: AwareDatetime | None = Field(None, description="Now when left out.")
    closes_at: AwareDatetime | None = Field(
        None, description="Two weeks after it opens when left out."
    )
    questions: list[QuestionIn] = Field(min_length=1, max_length=30)


class RemindedOut(Schema):
    reminded: int = Field(description="How many invited people who had not answered were told.")
