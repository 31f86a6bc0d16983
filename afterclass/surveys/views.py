"""The survey pages: my surveys, creating and editing a draft, opening, reminding and closing,
answering, results with their CSV, the pre-launch survey and the launch sign-up.

Surveys are loaded with `access_survey` (404 when unknown or not for this person); managing
needs `check_can_manage_survey` (403 for invited people who do not manage it).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from afterclass.core.errors import AfterclassError, Conflict, InvalidInput, NotAllowed
from afterclass.core.http import SignedInRequest, next_url
from afterclass.notifications.actions import do_mark_read_about
from afterclass.spaces.access import access_space
from afterclass.surveys.access import (
    access_planning_space,
    access_survey,
    can_create_surveys,
    can_manage_survey,
    check_can_manage_survey,
)
from afterclass.surveys.actions import (
    do_answer_survey,
    do_close_survey,
    do_create_prelaunch_survey,
    do_create_survey,
    do_export_survey_results,
    do_open_survey,
    do_remind_survey,
    do_sign_up_for_launch,
    do_update_survey,
    do_withdraw_launch_sign_up,
)
from afterclass.surveys.charts import bar_chart
from afterclass.surveys.forms import (
    SurveyForm,
    answers_from_post,
    question_formset,
    question_specs,
)
from afterclass.surveys.models import Survey, SurveyState
from afterclass.surveys.queries import (
    is_interested,
    managed_surveys,
    my_invitation,
    survey_results,
    surveys_for,
)


@login_required
@require_GET
def survey_list(request: SignedInRequest) -> HttpResponse:
    page = managed_surveys(request.user, cursor=request.GET.get("cursor"))
    context: dict[str, Any] = {"page": page, "next_url": next_url(request, page.next)}
    if request.htmx and request.GET.get("cursor"):
        return render(request, "surveys/list.html#managed-page", context)
    context["for_me"] = surveys_for(request.user)
    context["can_create"] = can_create_surveys(request.user)
    return render(request, "surveys/list.html", context)


def _form_page(
    request: SignedInRequest,
    form: SurveyForm,
    formset: Any,
    survey: Survey | None,
    status: int = 200,
) -> HttpResponse:
    context = {"form": form, "formset": formset, "survey": survey}
    return render(request, "surveys/edit.html", context, status=status)


def _add_error(form: SurveyForm, error: AfterclassError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request: SignedInRequest) -> HttpResponse:
    if not can_create_surveys(request.user):
        raise NotAllowed("Organisation admins and space owners create surveys.")
    data = request.POST if request.method == "POST" else None
    form = SurveyForm(data, person=request.user)
    formset = question_formset(data)
    if request.method == "GET":
        return _form_page(request, form, formset, None)
    if form.is_valid() and formset.is_valid():
        fields = form.cleaned_data
        try:
            survey = do_create_survey(
                actor=request.user,
                title=fields["title"],
                intro=fields["intro"],
                audience=fields["audience"],
                space=fields.get("space"),
                departments=list(fields.get("departments") or []),
                levels=list(fields.get("levels") or []),
                anonymous=fields["anonymous"],
                opens_at=fields["opens_at"],
                closes_at=fields["closes_at"],
                questions=question_specs(formset),
            )
        except (InvalidInput, NotAllowed, Conflict) as error:
            _add_error(form, error)
            return _form_page(request, form, formset, None, status=error.status)
        messages.success(request, "The survey is saved as a draft. Open it when it is ready.")
        return redirect("survey-detail", survey.pk)
    return _form_page(request, form, formset, None, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def survey_edit(request: SignedInRequest, survey_id: int) -> HttpResponse:
    survey = access_survey(request.user, survey_id)
    check_can_manage_survey(request.user, survey)
    if survey.state != SurveyState.DRAFT:
        raise Conflict("Only a draft survey can be edited.")
    if request.method == "GET":
        form = SurveyForm(initial=SurveyForm.initial_for(survey), person=request.user, editing=True)
        formset = question_formset(None, list(survey.questions.all()))
        return _form_page(request, form, formset, survey)
    form = SurveyForm(request.POST, person=request.user, editing=True)
    formset = question_formset(request.POST)
    if form.is_valid() and formset.is_valid():
        fields = form.cleaned_data
        try:
            do_update_survey(
                survey,
                actor=request.user,
                title=fields["title"],
                intro=fields["intro"],
                anonymous=fields["anonymous"],
                opens_at=fields["opens_at"],
                closes_at=fields["closes_at"],
                questions=question_specs(formset),
            )
        except (InvalidInput, Conflict) as error:
            _add_error(form, error)
            return _form_page(request, form, formset, survey, status=error.status)
        messages.success(request, "The draft is saved.")
        return redirect("survey-detail", survey.pk)
    return _form_page(request, form, formset, survey, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def survey_detail(request: SignedInRequest, survey_id: int) -> HttpResponse:
    """The survey's page: the answer form for invited people, the controls for managers."""
    survey = access_survey(request.user, survey_id)
    questions = list(survey.questions.all())
    invitation = my_invitation(survey, request.user)
    status, error_message, given = 200, None, {}
    if request.method == "POST":
        given = answers_from_post(questions, request.POST)
        try:
            do_answer_survey(survey, given, actor=request.user)
        except (InvalidInput, Conflict, NotAllowed) as error:
            status, error_message = error.status, error.message
        else:
            messages.success(request, "Thank you: your answers are in.")
            return redirect("survey-detail", survey.pk)
    context = {
        "survey": survey,
        "questions": questions,
        "invitation": invitation,
        "can_manage": can_manage_survey(request.user, survey),
        "error": error_message,
        "given": given,
        "interested": (
            is_interested(survey.space, request.user)
            if survey.space is not None and survey.is_prelaunch
            else False
        ),
    }
    response = render(request, "surveys/detail.html", context, status=status)
    do_mark_read_about(actor=request.user, url=reverse("survey-detail", args=[survey.pk]))
    return response


def _manage(request: SignedInRequest, survey_id: int, what: str) -> HttpResponse:
    survey = access_survey(request.user, survey_id)
    try:
        if what == "open":
            do_open_survey(survey, actor=request.user)
            done = f"The survey is open: {survey.invited_count} people are invited."
        elif what == "close":
            do_close_survey(survey, actor=request.user)
            done = "The survey is closed."
        else:
            count = do_remind_survey(survey, actor=request.user)
            done = f"{count} people who have not answered yet are reminded."
    except (InvalidInput, Conflict) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("survey-detail", survey.pk)


@login_required
@require_POST
def survey_open(request: SignedInRequest, survey_id: int) -> HttpResponse:
    return _manage(request, survey_id, "open")


@login_required
@require_POST
def survey_close(request: SignedInRequest, survey_id: int) -> HttpResponse:
    return _manage(request, survey_id, "close")


@login_required
@require_POST
def survey_remind(request: SignedInRequest, survey_id: int) -> HttpResponse:
    return _manage(request, survey_id, "remind")


@login_required
@require_GET
def survey_results_page(request: SignedInRequest, survey_id: int) -> HttpResponse:
    survey = access_survey(request.user, survey_id)
    check_can_manage_survey(request.user, survey)
    results = survey_results(survey)
    charts = [(item, bar_chart(item.rows) if item.rows else None) for item in results.questions]
    context = {"survey": survey, "results": results, "charts": charts}
    return render(request, "surveys/results.html", context)


@login_required
@require_GET
def survey_results_csv(request: SignedInRequest, survey_id: int) -> HttpResponse:
    survey = access_survey(request.user, survey_id)
    check_can_manage_survey(request.user, survey)
    response = HttpResponse(
        do_export_survey_results(survey, actor=request.user), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.csv"'
    return response


@login_required
@require_POST
def prelaunch_create(request: SignedInRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    survey = do_create_prelaunch_survey(space, actor=request.user)
    messages.success(request, "The pre-launch survey is ready as a draft: check it, then open it.")
    return redirect("survey-detail", survey.pk)


@login_required
@require_POST
def launch_sign_up(request: SignedInRequest, space_id: int) -> HttpResponse:
    """ "Tell me at launch", or withdraw it (`withdraw=1`); htmx gets the button back."""
    space = access_planning_space(request.user, space_id)
    if request.POST.get("withdraw"):
        do_withdraw_launch_sign_up(space, actor=request.user)
        interested = False
    else:
        do_sign_up_for_launch(space, actor=request.user)
        interested = True
    context = {"space": space, "interested": interested, "done": True}
    if request.htmx:
        return render(request, "surveys/_sign_up.html", context)
    messages.success(
        request,
        "You will be told when it launches." if interested else "Your sign-up is withdrawn.",
    )
    back = request.POST.get("survey", "")
    if back.isdigit():
        return redirect("survey-detail", int(back))
    return redirect("survey-list")
