"""Surveys API: my surveys, one survey, answering it, and for its managers creating, opening,
closing and reminding, and the results as JSON and CSV. Surveys are loaded with `access_survey`
(404 for people it is not for); writes go through surveys.actions, as on the pages."""

from typing import Any

from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Path, Query, Router, Status

from afterclass.core.api import Id, PageParams, current_person, errors
from afterclass.core.errors import InvalidInput, NotAllowed
from afterclass.core.pagination import paginate
from afterclass.people.models import Department, ManagementLevel
from afterclass.spaces.access import access_space
from afterclass.surveys.access import (
    access_survey,
    can_create_surveys,
    check_can_manage_survey,
    visible_to,
)
from afterclass.surveys.actions import (
    DEFAULT_DURATION,
    do_answer_survey,
    do_close_survey,
    do_create_survey,
    do_export_survey_results,
    do_open_survey,
    do_remind_survey,
)
from afterclass.surveys.models import SurveyInvitation
from afterclass.surveys.queries import my_invitation, results_json, survey_results
from afterclass.surveys.schemas import (
    AnsweredOut,
    AnswersIn,
    RemindedOut,
    ResultsOut,
    SurveyCreateIn,
    SurveyOut,
    SurveyPage,
)

router = Router(tags=["surveys"])

READ_ERRORS = errors(400, 401, 403, 404, 422)


@router.get("", response={200: SurveyPage, **READ_ERRORS}, summary="My surveys")
def survey_list(request: HttpRequest, params: Query[PageParams]) -> SurveyPage:
    """Surveys I am invited to or manage, newest first, with whether I answered."""
    viewer = current_person(request)
    mine = SurveyInvitation.objects.filter(survey=OuterRef("pk"), person=viewer)
    surveys = (
        visible_to(viewer)
        .select_related("space")
        .annotate(invited=Exists(mine), answered=Exists(mine.filter(responded=True)))
    )
    page = paginate(surveys, order=["-created_at", "-pk"], cursor=params.cursor, limit=params.limit)
    return SurveyPage(
        items=[
            SurveyOut.build(
                survey,
                responded=getattr(survey, "answered", False)
                if getattr(survey, "invited", False)
                else None,
            )
            for survey in page.items
        ],
        next=page.next,
    )


@router.post(
    "",
    response={201: SurveyOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Create a survey",
)
def survey_create(request: HttpRequest, payload: SurveyCreateIn) -> Status[SurveyOut]:
    """A draft survey, as on the New survey page: organisation admins ask everyone, departments
    or levels; a space's owners its members or, while it is in planning, its planned audience.
    Open it with `POST /surveys/{id}/open`. Unknown departments or levels are refused (400)."""
    viewer = current_person(request)
    if not can_create_surveys(viewer):
        raise NotAllowed("Organisation admins and space owners create surveys.")
    opens_at = payload.opens_at or timezone.now()
    survey = do_create_survey(
        actor=viewer,
        title=payload.title,
        intro=payload.intro,
        audience=payload.audience,
        space=access_space(viewer, payload.space) if payload.space else None,
        departments=_departments(payload.departments),
        levels=_levels(payload.levels),
        anonymous=payload.anonymous,
        opens_at=opens_at,
        closes_at=payload.closes_at or opens_at + DEFAULT_DURATION,
        questions=[question.model_dump() for question in payload.questions],
    )
    return Status(
        201, SurveyOut.build(survey, responded=None, questions=list(survey.questions.all()))
    )


def _departments(ids: list[int]) -> list[Department]:
    found = list(Department.objects.filter(pk__in=ids))
    _check_all_found(ids, {row.pk for row in found}, "departments", "department")
    return found


def _levels(ids: list[int]) -> list[ManagementLevel]:
    found = list(ManagementLevel.objects.filter(pk__in=ids))
    _check_all_found(ids, {row.pk for row in found}, "levels", "level")
    return found


def _check_all_found(ids: list[int], found: set[int], field: str, noun: str) -> None:
    missing = sorted(set(ids) - found)
    if missing:
        raise InvalidInput(f"There is no {noun} with the id {missing[0]}.", field=field)


MANAGE_ERRORS = errors(400, 401, 403, 404, 409, 422)


@router.post("/{survey_id}/open", response={200: SurveyOut, **MANAGE_ERRORS}, summary="Open")
def survey_open(request: HttpRequest, survey_id: Path[Id]) -> SurveyOut:
    """Open a draft: its audience, resolved now, is invited and told (409 when it is no longer
    a draft, 400 when its closing time has passed). For the people who manage it."""
    viewer = current_person(request)
    survey = do_open_survey(access_survey(viewer, survey_id), actor=viewer)
    return SurveyOut.build(survey, responded=None)


@router.post("/{survey_id}/close", response={200: SurveyOut, **MANAGE_ERRORS}, summary="Close")
def survey_close(request: HttpRequest, survey_id: Path[Id]) -> SurveyOut:
    """Stop taking answers now (409 unless it is open). For the people who manage it."""
    viewer = current_person(request)
    survey = do_close_survey(access_survey(viewer, survey_id), actor=viewer)
    return SurveyOut.build(survey, responded=None)


@router.post("/{survey_id}/remind", response={200: RemindedOut, **MANAGE_ERRORS}, summary="Remind")
def survey_remind(request: HttpRequest, survey_id: Path[Id]) -> RemindedOut:
    """Remind the invited people who have not answered (409 unless it is open)."""
    viewer = current_person(request)
    count = do_remind_survey(access_survey(viewer, survey_id), actor=viewer)
    return RemindedOut(reminded=count)


@router.get("/{survey_id}", response={200: SurveyOut, **READ_ERRORS}, summary="A survey")
def survey_detail(request: HttpRequest, survey_id: Path[Id]) -> SurveyOut:
    viewer = current_person(request)
    survey = access_survey(viewer, survey_id)
    invitation = my_invitation(survey, viewer)
    return SurveyOut.build(
        survey,
        responded=invitation.responded if invitation is not None else None,
        questions=list(survey.questions.all()),
    )


@router.post(
    "/{survey_id}/answers",
    response={201: AnsweredOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Answer a survey",
)
def survey_answer(
    request: HttpRequest, survey_id: Path[Id], payload: AnswersIn
) -> Status[AnsweredOut]:
    """Answer once while the survey is open (409 when closed, not yet open or answered). The
    reply says nothing that could identify the response of an anonymous survey."""
    viewer = current_person(request)
    survey = access_survey(viewer, survey_id)
    do_answer_survey(survey, payload.answers, actor=viewer)
    return Status(201, AnsweredOut(detail="Thank you: your answers are in."))


@router.get(
    "/{survey_id}/results", response={200: ResultsOut, **READ_ERRORS}, summary="Survey results"
)
def survey_results_json(request: HttpRequest, survey_id: Path[Id]) -> dict[str, Any]:
    """For the survey's creator, its space's owners and organisation admins. An anonymous
    survey's counts and texts are withheld until enough people answered (`withheld`,
    `answers_needed`), and a question answered by too few people stays withheld."""
    viewer = current_person(request)
    survey = access_survey(viewer, survey_id)
    check_can_manage_survey(viewer, survey)
    return results_json(survey_results(survey))


@router.get(
    "/{survey_id}/results.csv",
    response={200: None, **errors(400, 401, 403, 404, 409, 422)},
    summary="Survey results as CSV",
)
def survey_results_export(request: HttpRequest, survey_id: Path[Id]) -> HttpResponse:
    """One row per response; anonymous surveys carry no names and are sorted by content, and
    are refused (409, saying how many more answers are needed) until enough people answered."""
    viewer = current_person(request)
    survey = access_survey(viewer, survey_id)
    check_can_manage_survey(viewer, survey)
    response = HttpResponse(
        do_export_survey_results(survey, actor=viewer), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.csv"'
    return response
