"""Facilitators follow progress: the grid (and its CSV), the review queue, and nudges."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from afterclass.core.errors import AfterclassError
from afterclass.core.http import SignedInRequest, next_url, page_or_partial
from afterclass.learning.access import access_activity, access_submission, check_is_facilitator
from afterclass.learning.actions import do_give_feedback, do_nudge, do_record_progress_export
from afterclass.learning.forms import FeedbackForm
from afterclass.learning.models import ProgressState, SubmissionState
from afterclass.learning.queries import GRID_SORTS, progress_grid, review_queue
from afterclass.learning.views import learning_context, load_space
from afterclass.learning.views.files import with_files

STATE_LABELS = dict(ProgressState.choices)


@login_required
@require_GET
def grid(request: SignedInRequest, slug: str) -> HttpResponse:
    """Learners by activities; `?sort=name|-name|completion|-completion`; `?format=csv`."""
    space = load_space(request, slug)
    check_is_facilitator(request.user, space)
    table = progress_grid(space, sort=request.GET.get("sort", "name"))
    if request.GET.get("format") == "csv":
        do_record_progress_export(space, actor=request.user)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{space.slug}-progress.csv"'
        writer = csv.writer(response)
        writer.writerow(["Member", *[c.activity.title for c in table.columns], "Completion %"])
        for row in table.rows:
            writer.writerow([row.person.display_name,
                             *[STATE_LABELS[s] for s in row.states], row.rate])  # fmt: skip
        writer.writerow(["Completion %", *[c.rate for c in table.columns], ""])
        return response
    context = learning_context(request, space, "learning")
    context.update(grid=table, sorts=GRID_SORTS)
    return render(request, "learning/grid.html", context)


@login_required
@require_GET
def queue(request: SignedInRequest, slug: str) -> HttpResponse:
    space = load_space(request, slug)
    check_is_facilitator(request.user, space)
    state = request.GET.get("state", SubmissionState.SUBMITTED)
    if state not in SubmissionState.values:
        state = SubmissionState.SUBMITTED
    page = review_queue(space, request.user, state=state, cursor=request.GET.get("cursor"))
    with_files(page.items)
    context = learning_context(request, space, "learning")
    context.update(page=page, next_url=next_url(request, page.next), state=state,
                   states=SubmissionState.choices, form=FeedbackForm())  # fmt: skip
    return page_or_partial(request, "learning/queue.html", "queue-page", context)


@login_required
@require_POST
def feedback(request: SignedInRequest, submission_id: int) -> HttpResponse:
    """Feedback in place: an htmx request gets the submission's card back."""
    submission = access_submission(request.user, submission_id)
    form = FeedbackForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            do_give_feedback(submission, actor=request.user,
                             feedback=form.cleaned_data["feedback"],
                             complete=form.cleaned_data["verdict"] == "complete")  # fmt: skip
        except AfterclassError as error:
            form.add_error(None, error.message)
            status = error.status
    else:
        status = 400
    if request.htmx:
        with_files([submission])
        return render(
            request,
            "learning/_submission.html",
            {"submission": submission, "form": form, "review": True},
            status=status,
        )
    if status == 200:
        messages.success(request, "Feedback sent.")
    else:
        messages.error(request, "; ".join(str(m) for ms in form.errors.values() for m in ms))
    return redirect("learning-review", submission.activity.unit.space.slug)


@login_required
@require_POST
def nudge(request: SignedInRequest, activity_id: int) -> HttpResponse:
    activity = access_activity(request.user, activity_id)
    count = do_nudge(activity, actor=request.user)
    messages.success(request, f"Reminded {count} learner{'s' if count != 1 else ''}.")
    return redirect("learning-activity", activity.pk)
