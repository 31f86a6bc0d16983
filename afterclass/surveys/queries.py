"""The read side of surveys: the person's lists, results per question, and the CSV export."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from afterclass.core.errors import Conflict
from afterclass.core.pagination import Page, paginate
from afterclass.insights.privacy import min_group
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
    # Too few answers to this question of an anonymous survey to show them.
    withheld: bool = False

    @property
    def max_count(self) -> int:
        return max((row.count for row in self.rows), default=0)


@dataclass
class SurveyResults:
    survey: Survey
    questions: list[QuestionResult]
    # Anonymous surveys: how many more answers are needed before any result is shown (0: shown).
    needed: int = 0
    min_group: int = 0

    @property
    def response_rate_pct(self) -> int | None:
        return self.survey.response_rate_pct

    @property
    def withheld(self) -> bool:
        return self.needed > 0

    @property
    def withheld_message(self) -> str:
        return withheld_message(self.survey) if self.withheld else ""


def answers_needed(survey: Survey) -> int:
    """How many more people must answer an anonymous survey before its results are shown:
    with fewer than `min_group()` answers, counts and free text could tell who said what.
    Always 0 for a named survey, whose managers see the names anyway."""
    if not survey.anonymous:
        return 0
    return max(0, min_group() - survey.responded_count)


def withheld_message(survey: Survey) -> str:
    needed = answers_needed(survey)
    answered = survey.responded_count
    return (
        f"The results of this anonymous survey are shown once at least {min_group()} people "
        f"have answered, so nobody can tell who answered what. {answered} "
        f"{'person has' if answered == 1 else 'people have'} answered so far: {needed} more "
        f"{'answer is' if needed == 1 else 'answers are'} needed."
    )


def survey_results(survey: Survey) -> SurveyResults:
    """Counts per option (and the free-text answers, sorted) for every question: two queries,
    whatever the number of responses. An anonymous survey shows nothing but its questions until
    `min_group()` people answered (one query), and a question answered by fewer people than that
    (an optional one) stays withheld after."""
    questions = list(survey.questions.all())
    needed = answers_needed(survey)
    threshold = min_group()
    if needed:
        blank = [
            QuestionResult(question=question, number=number)
            for number, question in enumerate(questions, start=1)
        ]
        return SurveyResults(survey=survey, questions=blank, needed=needed, min_group=threshold)
    answers = list(Response.objects.filter(survey=survey).values_list("answers", flat=True))
    results = []
    for number, question in enumerate(questions, start=1):
        key = str(question.pk)
        given = [answer[key] for answer in answers if key in answer]
        result = QuestionResult(question=question, number=number, answered=len(given))
        if survey.anonymous and len(given) < threshold:
            result.withheld = True
        elif question.kind == QuestionKind.TEXT:
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
    return SurveyResults(survey=survey, questions=results, min_group=threshold)


def results_json(results: SurveyResults) -> dict[str, Any]:
    survey = results.survey
    return {
        "id": survey.pk,
        "invited": survey.invited_count,
        "responded": survey.responded_count,
        "response_rate": survey.response_rate,
        "withheld": results.withheld,
        "answers_needed": results.needed,
        "detail": results.withheld_message,
        "questions": [
            {
                "id": item.question.pk,
                "text": item.question.text,
                "kind": item.question.kind,
                "answered": item.answered,
                "counts": [{"label": row.label, "count": row.count} for row in item.rows],
                "average": item.average,
                "texts": item.texts,
                "withheld": item.withheld,
            }
            for item in results.questions
        ],
    }


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return "" if value is None else str(value)


def check_results_shown(survey: Survey) -> None:
    """The CSV of an anonymous survey is refused (409, saying how many more answers are
    needed) until `min_group()` people answered."""
    if answers_needed(survey):
        raise Conflict(withheld_message(survey))


def results_csv(survey: Survey) -> str:
    """One row per response. Named surveys carry name and e-mail, sorted by name; anonymous
    ones carry no person and no time, and are sorted by their content, never by arrival.
    Refused for an anonymous survey with too few answers (see `check_results_shown`)."""
    check_results_shown(survey)
    questions = list(survey.questions.all())
    header = [question.text for question in questions]
    rows: list[list[str]] = []
    if survey.anonymous:
        given = list(Response.objects.filter(survey=survey).values_list("answers", flat=True))
        # An optional question answered by too few people stays withheld, as on the page.
        shown = [
            sum(1 for answers in given if str(question.pk) in answers) >= min_group()
            for question in questions
        ]
        header = [
            text if show else f"{text} (withheld: fewer than {min_group()} answers)"
            for text, show in zip(header, shown, strict=True)
        ]
        for answers in given:
            rows.append(
                [
                    _cell(answers.get(str(question.pk))) if show else ""
                    for question, show in zip(questions, shown, strict=True)
                ]
            )
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
