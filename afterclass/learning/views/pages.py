"""What learners do: the space's learning page, an activity, and "My learning"."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from afterclass.attachments.models import Attachment
from afterclass.core.errors import AfterclassError
from afterclass.core.http import SignedInRequest, next_url
from afterclass.core.pagecache import remembered_page
from afterclass.core.updates import announce
from afterclass.learning.access import access_activity, is_facilitator
from afterclass.learning.actions import (
    QuickCheckResult,
    do_answer_quick_check,
    do_mark_done,
    do_submit,
    do_view_activity,
)
from afterclass.learning.forms import SubmissionForm, add_file_fields, show_action_error
from afterclass.learning.models import Activity, ActivityKind, Progress, Submission
from afterclass.learning.queries import activity_submissions, my_learning, space_learning
from afterclass.learning.views import learning_context, load_space
from afterclass.learning.views.files import discard, send_files, with_files


@login_required
@require_GET
def space_page(request: SignedInRequest, slug: str) -> HttpResponse:
    space = load_space(request, slug)
    context = learning_context(request, space, "learning")
    context["page"] = space_learning(space, request.user)
    return render(request, "learning/space.html", context)


def _submission_form(
    request: SignedInRequest, activity: Activity, current: list[Attachment], *, bound: bool = False
) -> SubmissionForm:
    """The answer form; a task's also takes files, and keeps (or not) the `current` ones."""
    form = SubmissionForm(request.POST if bound else None, request.FILES if bound else None)
    if activity.kind == ActivityKind.TASK:
        add_file_fields(form, current, label="Files (optional)", actor=request.user)
    return form


def _activity_context(request: SignedInRequest, activity: Activity, **extra: Any) -> dict[str, Any]:
    viewer = request.user
    space = activity.unit.space
    context = learning_context(request, space, "learning")
    progress = Progress.objects.filter(activity=activity, person=viewer).first()
    mine = Submission.objects.filter(activity=activity, person=viewer).first()
    context.update(
        activity=activity,
        unit=activity.unit,
        progress=progress,
        state=progress.state if progress else "not_started",
        mine=mine,
        files=list(activity.attachments.order_by("position", "id")),
    )
    shown = [mine] if mine is not None else []
    if activity.kind == ActivityKind.QUICK_CHECK:
        context["questions"] = list(activity.questions.all())
    reviewed = activity.kind in (ActivityKind.TASK, ActivityKind.REFLECTION)
    if reviewed and (is_facilitator(viewer, space) or activity.shared_with_group):
        page = activity_submissions(activity, viewer, cursor=request.GET.get("cursor"))
        context["submissions"] = page
        context["submissions_next"] = next_url(request, page.next)
        for submission in page.items:
            submission.activity = activity  # the card asks its kind: no query per card
        shown += page.items
    if activity.kind == ActivityKind.TASK:
        with_files(shown)
    context.update(extra)
    if "submission_form" not in context:
        current = getattr(mine, "shown_files", [])
        context["submission_form"] = _submission_form(request, activity, current)
    return context


@login_required
@require_GET
def activity_page(request: SignedInRequest, activity_id: int) -> HttpResponse:
    activity = access_activity(request.user, activity_id)
    do_view_activity(activity, actor=request.user)
    return render(request, "learning/activity.html", _activity_context(request, activity))


@login_required
@require_POST
def mark_done(request: SignedInRequest, activity_id: int) -> HttpResponse:
    """One click: done (or undone). An htmx request gets the page's units back, updated."""
    activity = access_activity(request.user, activity_id)
    do_mark_done(activity, actor=request.user, done=request.POST.get("done") != "0")
    if request.htmx:
        if request.POST.get("from") == "activity":
            return render(request, "learning/activity.html#done-form",
                          _activity_context(request, activity))  # fmt: skip
        space = activity.unit.space
        context = learning_context(request, space, "learning")
        context["page"] = space_learning(space, request.user)
        return render(request, "learning/space.html#units", context)
    if request.POST.get("from") == "activity":
        return redirect("learning-activity", activity.pk)
    return redirect("learning-space", activity.unit.space.slug)


@login_required
@require_POST
def submit(request: SignedInRequest, activity_id: int) -> HttpResponse:
    activity = access_activity(request.user, activity_id)
    mine = Submission.objects.filter(activity=activity, person=request.user).first()
    current = list(mine.attachments.order_by("position", "id")) if mine else []
    form = _submission_form(request, activity, current, bound=True)
    if form.is_valid():
        sent: list[int] = []
        try:
            files = None
            if activity.kind == ActivityKind.TASK:
                files = send_files(form, request.user, sent)
            do_submit(activity, actor=request.user, text=form.cleaned_data["text"],
                      attachment_ids=files)  # fmt: skip
        except AfterclassError as error:
            discard(sent, request.user)
            show_action_error(form, error)
        else:
            return redirect("learning-activity", activity.pk)
    context = _activity_context(request, activity, submission_form=form)
    return render(request, "learning/activity.html", context, status=400)


def _answers(request: SignedInRequest, activity: Activity) -> dict[int, list[int]]:
    answers: dict[int, list[int]] = {}
    for question in activity.questions.all():
        chosen = [int(v) for v in request.POST.getlist(f"q{question.pk}") if v.isdigit()]
        if chosen:
            answers[question.pk] = chosen
    return answers


@login_required
@require_POST
def answer_check(request: SignedInRequest, activity_id: int) -> HttpResponse:
    """A quick check is answered; the explanations come back in place (htmx) or in the page."""
    activity = access_activity(request.user, activity_id)
    error_message = None
    result: QuickCheckResult | None = None
    answers = _answers(request, activity)
    try:
        result = do_answer_quick_check(activity, actor=request.user, answers=answers)
    except AfterclassError as error:
        error_message = error.message
    context = _activity_context(request, activity, result=result, check_error=error_message)
    # The learner's choices stay ticked beside the explanations (and after a refusal).
    for question in context["questions"]:
        question.chosen = answers.get(question.pk, [])
    if result is not None:
        context["results"] = dict(zip(
            [q.pk for q in context["questions"]], result.questions, strict=True))  # fmt: skip
    status = 200 if result is not None else 400
    if not request.htmx:
        return render(request, "learning/activity.html", context, status=status)
    response = render(request, "learning/activity.html#quick-check", context, status=status)
    if result is None:
        return response
    said = f"You scored {result.score} of {result.total}. The explanations are shown."
    return announce(response, said, focus="#quick-check-result")


@login_required
@require_GET
@remembered_page
def mine(request: SignedInRequest) -> HttpResponse:
    return render(request, "learning/mine.html", {"mine": my_learning(request.user)})
