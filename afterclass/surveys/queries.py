"""The read side of surveys: the person's lists, results per question, and the CSV export."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from afterclass.core.pagination import Page, paginate
from afterclass.people.models import Person
from afterclass.spaces.models import Space
from afterclass.surveys.access import managed_filter
from afterclass.surveys.models import (
    Question,
    QuestionKind,
    Response,
    SpaceInterest,
    Survey,
    SurveyInvitation,
    SurveyState,
)

SCALE = ["1", "2", "3", "4", "5"]


def surveys_for(person: Person) -> list[Survey]:
    """Open surveys the person is invited to, soonest closing first, with `my_responded`."""
    mine = SurveyInvitation.objects.filter(survey=OuterRef("pk"), person=person)
    return list(
        Survey.objects.filter(Exists(mine), state=SurveyState.OPEN)
        .annotate(my_responded=Exists(mine.filter(responded=True)))
        .order_by("closes_at", "pk")[:50]
    )


def managed_surveys(person: Person, *, cursor: str | None = None, limit: int = 25) -> Page[Survey]:
    """Surveys the person manages, newest first."""
    surveys: QuerySet[Survey] = Survey.objects.filter(managed_filter(person)).select_related(
        "space"
    )
    return paginate(surveys, order=["-created_at", "-pk"], cursor=cursor, limit=limit)


def my_invitation(survey: Survey, person: Person) -> SurveyInvitation | None:
    return SurveyInvitation.objects.filter(survey=survey, person=person).first()


@dataclass
class Row:
    label: str
    count: int
    pct: int


@dataclass
class QuestionResult:
    question: Question
    number: int
    answered: int = 0
    rows: list[Row] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    average: float | None = None

    @property
    def max_count(self) -> int:
        return max((row.count for row in self.rows), default=0)


@dataclass
class SurveyResults:
    survey: Survey
    questions: list[QuestionResult]

    @property
    def response_rate_pct(self) -> int | None:
        return self.survey.response_rate_pct


def survey_results(survey: Survey) -> SurveyResults:
    """Counts per option (and the free-text answers, sorted) for every question: two queries,
    whatever the number of responses."""
    questions = list(survey.questions.all())
    answers = list(Response.objects.filter(survey=survey).values_list("answers", flat=True))
    results = []
    for number, question in enumerate(questions, start=1):
        key = str(question.pk)
        given = [answer[key] for answer in answers if key in answer]
        result = QuestionResult(question=question, number=number, answered=len(given))
        if question.kind == QuestionKind.TEXT:
            result.texts = sorted(str(text) for text in given)
        else:
            labels = SCALE if question.kind == QuestionKind.SCALE else list(question.options)
            counts: Counter[str] = Counter()
            for value in given:
                for item in value if isinstance(value, list) else [value]:
                    counts[str(item)] += 1
            total = len(given) or 1
            result.rows = [
                Row(label, counts[label], round(counts[label] * 100 / total)) for label in labels
            ]
            if question.kind == QuestionKind.SCALE and given:
                result.average = round(sum(int(value) for value in given) / len(given), 1)
        results.append(result)
    return SurveyResults(survey=survey, questions=results)


def results_json(results: SurveyResults) -> dict[str, Any]:
    survey = results.survey
    return {
        "id": survey.pk,
        "invited": survey.invited_count,
        "responded": survey.responded_count,
        "response_rate": survey.response_rate,
        "questions": [
            {
                "id": item.question.pk,
                "text": item.question.text,
                "kind": item.question.kind,
                "answered": item.answered,
                "counts": [{"label": row.label, "count": row.count} for row in item.rows],
                "average": item.average,
                "texts": item.texts,
            }
            for item in results.questions
        ],
    }


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return "" if value is None else str(value)


def results_csv(survey: Survey) -> str:
    """One row per response. Named surveys carry name and e-mail, sorted by name; anonymous
    ones carry no person and no time, and are sorted by their content, never by arrival."""
    questions = list(survey.questions.all())
    header = [question.text for question in questions]
    rows: list[list[str]] = []
    if survey.anonymous:
        for answers in Response.objects.filter(survey=survey).values_list("answers", flat=True):
            rows.append([_cell(answers.get(str(question.pk))) for question in questions])
        rows.sort()
    else:
        header = ["name", "email", "submitted_at", *header]
        responses = (
            Response.objects.filter(survey=survey)
            .select_related("person")
            .order_by("person__display_name", "person__pk")
        )
        for response in responses:
            person = response.person
            rows.append(
                [
                    person.display_name if person else "",
                    person.email if person else "",
                    response.submitted_at.isoformat() if response.submitted_at else "",
                    *[_cell(response.answers.get(str(question.pk))) for question in questions],
                ]
            )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(_safe(row) for row in rows)
    return out.getvalue()


def _safe(row: list[str]) -> list[str]:
    # A cell starting with = + - @ runs as a formula in spreadsheets: make it plain text.
    return [f"'{cell}" if cell[:1] in {"=", "+", "-", "@"} else cell for cell in row]


# --- a space in planning ---------------------------------------------------------------------


def interested_count(space: Space) -> int:
    return SpaceInterest.objects.filter(space=space).count()


def is_interested(space: Space, person: Person) -> bool:
    return SpaceInterest.objects.filter(space=space, person=person).exists()


def prelaunch_survey(space: Space) -> Survey | None:
    return Survey.objects.filter(space=space, is_prelaunch=True).order_by("-created_at").first()
