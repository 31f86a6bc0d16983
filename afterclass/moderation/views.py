"""The report pages: reporting a post or comment, and the moderators' queue of a space.

A report's target is loaded with posts' access functions (404 when unknown or unseen), a report
with `access_report` (404 for anyone who may not handle it); the queue page is for moderators
(403 for members, 404 when the space is unknown or invisible).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from afterclass.core.errors import Conflict, InvalidInput
from afterclass.core.http import SignedInRequest, next_url
from afterclass.moderation.access import (
    access_report,
    check_can_report,
    check_can_resolve,
    check_can_see_reports,
)
from afterclass.moderation.actions import do_report, do_resolve_report
from afterclass.moderation.forms import ReportForm, ResolveForm
from afterclass.moderation.models import Outcome, Report
from afterclass.moderation.queries import (
    COUNT_CAP,
    excerpt_of,
    open_report_count,
    report_queue,
)
from afterclass.posts.access import access_comment
from afterclass.posts.models import Comment, Post
from afterclass.posts.views import back_to_post, load_post
from afterclass.spaces.access import access_space
from afterclass.spaces.views import space_context

THANKS = "Thank you. The space's moderators will look at it; only they see who reported."
DONE = {
    Outcome.HIDDEN: "The {noun} is hidden; its author sees your note.",
    Outcome.REMOVED: "The {noun} is removed.",
    Outcome.DISMISSED: "The report is dismissed; the {noun} stays as it is.",
}


def _report_page(
    request: SignedInRequest, target: Post | Comment, post: Post, url: str
) -> HttpResponse:
    space = post.space
    check_can_report(request.user, target, space)
    noun = "post" if isinstance(target, Post) else "comment"
    # Its fields' ids name the target: a thread can have several comments' forms open at once.
    form = ReportForm(
        request.POST if request.method == "POST" else None, auto_id=f"report-{noun}-{target.pk}-%s"
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                do_report(
                    target,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    text=form.cleaned_data["text"],
                )
            except (InvalidInput, Conflict) as error:
                # Next to the field it is about ("reason", "text"), or above the form.
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = error.status
            else:
                messages.success(request, THANKS)
                return back_to_post(post, "" if noun == "post" else f"comment-{target.pk}")
    context = {
        "space": space,
        "post": post,
        "noun": noun,
        "excerpt": excerpt_of(target),
        "form": form,
        "action": url,
    }
    if request.htmx and request.method == "GET":
        # "Report" opened under a comment in a thread: the form alone, sent as a normal form.
        return render(request, "moderation/report.html#report-form", context)
    return render(request, "moderation/report.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def report_post(request: SignedInRequest, post_id: int) -> HttpResponse:
    post = load_post(request, post_id)
    return _report_page(request, post, post, reverse("post-report", args=[post.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def report_comment(request: SignedInRequest, comment_id: int) -> HttpResponse:
    comment = access_comment(request.user, comment_id)
    post = load_post(request, comment.post_id)
    comment.post = post
    return _report_page(request, comment, post, reverse("comment-report", args=[comment.pk]))


@login_required
@require_GET
def queue(request: SignedInRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    check_can_see_reports(request.user, space)
    page = report_queue(space, request.user, cursor=request.GET.get("cursor"))
    context = space_context(request, space, "reports")
    context.update({"page": page, "next_url": next_url(request, page.next)})
    if request.htmx and request.GET.get("cursor"):
        return render(request, "moderation/queue.html#report-page", context)
    return render(request, "moderation/queue.html", context)


@login_required
@require_GET
def count(request: SignedInRequest, slug: str) -> HttpResponse:
    """The open count beside "Reports" in the space navigation, loaded after the page."""
    space = access_space(request.user, slug)
    check_can_see_reports(request.user, space)
    context = {"count": open_report_count(space, request.user), "cap": COUNT_CAP}
    return render(request, "moderation/_count.html", context)


@login_required
@require_POST
def resolve(request: SignedInRequest, report_id: int) -> HttpResponse:
    """Hide, remove or dismiss; an htmx click gets its row back, already handled."""
    report = access_report(request.user, report_id)
    check_can_resolve(request.user, report)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Choose hide, remove or dismiss. A note has 300 characters at most."
        )
        return _after_resolving(request, report)
    outcome = form.cleaned_data["outcome"]
    try:
        do_resolve_report(
            report, actor=request.user, outcome=outcome, note=form.cleaned_data["note"]
        )
    except (InvalidInput, Conflict) as error:
        messages.error(request, f"{error.message} Nothing was changed.")
        return _after_resolving(request, report)
    done = DONE[outcome].format(noun=report.target_kind)
    if request.htmx:
        return render(request, "moderation/queue.html#report-row", {"lead": report, "done": done})
    messages.success(request, done)
    return _after_resolving(request, report)


def _after_resolving(request: SignedInRequest, report: Report) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRefresh()
    return redirect("space-reports", report.space.slug)
