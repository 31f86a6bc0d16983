"""Insight pages: a space's insights (or, for members, its health summary), its printable
report, each chart as CSV, the owner's settings, the pulse question, reads recorded from the
page, and the organisation view."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from afterclass.core.errors import AfterclassError
from afterclass.core.http import SignedInRequest
from afterclass.core.pagecache import remembered_page
from afterclass.insights.access import (
    access_space_health,
    can_see_individuals,
    can_view_insights,
    check_can_view_organisation,
    insight_settings,
    is_due_for_pulse,
)
from afterclass.insights.actions import do_answer_pulse, do_change_insight_settings, do_record_view
from afterclass.insights.csv_export import chart_csv_response, table_csv_response
from afterclass.insights.metrics import space_health, space_insights
from afterclass.insights.models import PULSE_QUESTION, PulseAnswer
from afterclass.insights.organisation import OrganisationInsights, organisation_insights
from afterclass.insights.periods import PRESETS, Period, parse_period, today
from afterclass.insights.presentation import organisation_charts, space_charts, space_sparklines
from afterclass.insights.recommend import RULES
from afterclass.spaces.access import access_space, my_place
from afterclass.spaces.models import Space
from afterclass.spaces.views import space_context

PULSE_EVERY_DAYS = 28
# The organisation table's rows on first load (the spaces to look at first sort on top); the
# rest on asking ("Show all"), since each row costs its figures' rendering and a sparkline.
TABLE_ROWS = 25
# The spaces to look at first on first load, the most urgent first; the rest on asking, as for
# the table (an organisation of many struggling spaces would list nearly all of them).
LOOK_FIRST_ROWS = 10
# The organisation table's columns: (sort key, heading); no key = not sortable.
HEADINGS = (
    ("name", "Space"),
    ("members", "Members"),
    ("weekly", "Weekly active"),
    ("", "Active per day"),
    ("posts", "Posts"),
    ("answered", "Questions answered"),
    ("verdict", "Recommendation"),
)


def _period(request: SignedInRequest) -> Period:
    return parse_period(request.GET.get("period"), request.GET.get("from"), request.GET.get("to"))


def _period_context(request: SignedInRequest, period: Period) -> dict[str, Any]:
    return {
        "period": period,
        "presets": PRESETS,
        "today": today(),
        "time_zone": django_settings.TIME_ZONE,
        "chosen": request.GET.get("period") or ("" if request.GET.get("from") else "28"),
    }


@login_required
@require_GET
@remembered_page
def space_page(request: SignedInRequest, slug: str) -> HttpResponse:
    """The full insights for owners, moderators and admins; the health summary for members
    when the owner shares it; 404 for everyone else."""
    space = access_space_health(request.user, slug)
    context = space_context(request, space, "insights")
    try:
        period = _period(request)
    except AfterclassError as error:
        context.update(_period_context(request, Period.last_days(28)), period_error=error.message)
        return render(request, "insights/space.html", context, status=400)
    context.update(_period_context(request, period))
    if not can_view_insights(request.user, space):
        found = space_health(space, period)
        context["health"] = found
        return render(request, "insights/health.html", context)
    context.update(_space_figures(request, space, period))
    return render(request, "insights/space.html", context)


def _space_figures(request: SignedInRequest, space: Space, period: Period) -> dict[str, Any]:
    found = space_insights(space, period, individuals=can_see_individuals(request.user, space))
    return {
        "insights": found,
        "charts": space_charts(found),
        "rules": [
            (rule, any(f.rule == rule.text for f in found.recommendation.findings))
            for rule in RULES
        ],
        "settings": found.settings,
        "pulse_question": PULSE_QUESTION,
    }


@login_required
@require_GET
def space_report(request: SignedInRequest, slug: str) -> HttpResponse:
    """One printable page for a period: what the L&D lead takes to a meeting."""
    space = access_space_health(request.user, slug)
    if not can_view_insights(request.user, space):
        raise Http404
    context = space_context(request, space, "insights")
    context.update(_period_context(request, _period(request)))
    context.update(_space_figures(request, space, context["period"]))
    return render(request, "insights/report.html", context)


@login_required
@require_GET
def space_chart_csv(request: SignedInRequest, slug: str, chart: str) -> HttpResponse:
    space = access_space_health(request.user, slug)
    if not can_view_insights(request.user, space):
        raise Http404
    period = _period(request)
    found = space_insights(space, period, individuals=False)
    charts = space_charts(found)
    if chart not in charts:
        raise Http404
    return chart_csv_response(charts[chart], f"{space.slug}-{chart}-{period.first}-{period.last}")


@login_required
@require_POST
def space_settings(request: SignedInRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    do_change_insight_settings(
        space,
        actor=request.user,
        pulse_enabled=request.POST.get("pulse_enabled") == "on",
        health_visible_to_members=request.POST.get("health_visible_to_members") == "on",
    )
    return redirect("insights-space", slug=space.slug)


@login_required
@require_POST
def seen(request: SignedInRequest, slug: str) -> HttpResponse:
    """Called by the space's pages once loaded: records the read (once a day) and answers with
    the pulse question when the space asks it and the member has not answered lately."""
    space = access_space(request.user, slug)
    do_record_view(space, actor=request.user)
    return _pulse_card(request, space)


def _pulse_card(request: SignedInRequest, space: Space, *, thanks: bool = False) -> HttpResponse:
    settings = insight_settings(space)
    member = my_place(request.user, space).is_active_member
    health = (
        settings.health_visible_to_members and member and not can_view_insights(request.user, space)
    )
    if not settings.pulse_enabled:
        if health and not thanks:
            return render(request, "insights/_pulse.html", {"space": space, "health": True})
        return HttpResponse("")
    if not thanks:
        answered = PulseAnswer.objects.filter(space=space, person=request.user).first()
        recent = (
            answered is not None
            and (today() - timezone.localdate(answered.answered_at)).days < PULSE_EVERY_DAYS
        )
        if recent or not member or not is_due_for_pulse(request.user, space):
            if health:
                return render(request, "insights/_pulse.html", {"space": space, "health": True})
            return HttpResponse("")
    return render(
        request,
        "insights/_pulse.html",
        {"space": space, "pulse_question": PULSE_QUESTION, "thanks": thanks, "health": health,
         "ask": True},
    )  # fmt: skip


@login_required
@require_POST
def pulse(request: SignedInRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    try:
        do_answer_pulse(space, actor=request.user, score=request.POST.get("score", ""))
    except AfterclassError as error:
        if not request.htmx:
            raise
        return render(
            request,
            "insights/_pulse.html",
            {"space": space, "pulse_question": PULSE_QUESTION, "error": error.message},
            status=error.status,
        )
    if request.htmx:
        return _pulse_card(request, space, thanks=True)
    return redirect("space-home", slug=space.slug)


@login_required
@require_GET
@remembered_page
def organisation_page(request: SignedInRequest) -> HttpResponse:
    check_can_view_organisation(request.user)
    try:
        period = _period(request)
    except AfterclassError as error:
        context = _period_context(request, Period.last_days(28))
        context["period_error"] = error.message
        return render(request, "insights/organisation.html", context, status=400)
    sort = request.GET.get("sort", "verdict")
    found = organisation_insights(period, sort=sort)
    show_all = request.GET.get("all") == "1"
    shown = found.rows if show_all else found.rows[:TABLE_ROWS]
    sparklines = space_sparklines(shown)
    look_first = found.look_first
    context = _period_context(request, period)
    context.update(
        insights=found,
        look_first=look_first if show_all else look_first[:LOOK_FIRST_ROWS],
        look_first_count=len(look_first),
        charts=organisation_charts(found),
        table=[(row, sparklines[row.space.pk]) for row in shown],
        hidden_rows=len(found.rows) - len(shown),
        show_all=show_all,
        headings=HEADINGS,
        rules=RULES,
    )
    return render(request, "insights/organisation.html", context)


@login_required
@require_GET
def organisation_csv(request: SignedInRequest, chart: str) -> HttpResponse:
    check_can_view_organisation(request.user)
    period = _period(request)
    found = organisation_insights(period)
    if chart == "spaces":
        return _spaces_csv(found)
    charts = organisation_charts(found)
    if chart not in charts:
        raise Http404
    return chart_csv_response(charts[chart], f"organisation-{chart}-{period.first}-{period.last}")


def _spaces_csv(found: OrganisationInsights) -> HttpResponse:

    headers = [
        "Space",
        "Status",
        "Members",
        "Signed in at least once %",
        "Weekly active %",
        "Active in period",
        "Posts",
        "Posts in previous period",
        "Questions",
        "Answer rate %",
        "No answer in 48 h %",
        "On purpose %",
        "Completion %",
        "Recommendation",
        "Because",
    ]
    rows: list[list[Any]] = [
        [
            row.space.name,
            row.space.status,
            row.vitals.members,
            row.vitals.activated_pct,
            row.vitals.weekly_active_pct,
            row.vitals.active_period,
            row.vitals.posts,
            row.vitals.posts_previous,
            row.vitals.questions.asked,
            row.vitals.questions.answer_rate,
            row.vitals.questions.unanswered_48h_pct,
            row.vitals.on_purpose_pct,
            row.vitals.completion_pct,
            row.recommendation.label,
            "; ".join(f.reason for f in row.recommendation.findings),
        ]
        for row in found.rows
    ]
    period = found.period
    return table_csv_response(headers, rows, f"organisation-spaces-{period.first}-{period.last}")
