"""Surveys API: my surveys, one survey, answering it, and for its managers the results as JSON
and CSV. Surveys are loaded with `access_survey` (404 for people it is not for); writes go
through surveys.actions."""

from typing import Any

from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router, Status

from afterclass.api.auth import current_person
from afterclass.api.schemas import Id, PageParams, errors
from afterclass.core.pagination import paginate
from afterclass.surveys.access import access_survey, check_can_manage_survey, visible_to
from afterclass.surveys.actions import do_answer_survey
from afterclass.surveys.models import SurveyInvitation
from afterclass.surveys.queries import my_invitation, results_csv, results_json, survey_results
from afterclass.surveys.schemas import AnsweredOut, AnswersIn, ResultsOut, SurveyOut, SurveyPage

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
    response = HttpResponse(results_csv(survey), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.csv"'
    return response
