"""Insights API: a space's insights (owners, moderators, admins), its health summary (members,
when shared), the organisation view (admins), the owner's settings and the pulse answer."""

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router

from afterclass.core.api import current_person, errors
from afterclass.insights.access import (
    access_space_health,
    access_space_insights,
    can_see_individuals,
    check_can_view_organisation,
)
from afterclass.insights.actions import do_answer_pulse, do_change_insight_settings
from afterclass.insights.metrics import space_health, space_insights
from afterclass.insights.organisation import organisation_insights
from afterclass.insights.periods import Period, parse_period
from afterclass.insights.schemas import (
    HealthOut,
    InsightSettingsIn,
    InsightSettingsOut,
    OrganisationOut,
    OrganisationParams,
    PeriodParams,
    PulseIn,
    PulseOut,
    SpaceInsightsOut,
)
from afterclass.insights.serialize import health_data, organisation_data, space_data
from afterclass.spaces.access import access_space
from afterclass.spaces.schemas import Slug

router = Router(tags=["insights"])

READ_ERRORS = errors(400, 401, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 422)


def _period(params: PeriodParams) -> Period:
    return parse_period(params.period, params.from_, params.to)


@router.get(
    "/insights/spaces/{slug}",
    response={200: SpaceInsightsOut, **READ_ERRORS},
    summary="A space's insights",
)
def space(request: HttpRequest, slug: Path[Slug], params: Query[PeriodParams]) -> dict[str, Any]:
    """For the space's owners and moderators and organisation admins (404 for others). The
    go-to colleagues (named people) are given only to the space's owners."""
    viewer = current_person(request)
    found = access_space_insights(viewer, slug)
    period = _period(params)
    return space_data(space_insights(found, period, individuals=can_see_individuals(viewer, found)))


@router.get(
    "/insights/spaces/{slug}/health",
    response={200: HealthOut, **READ_ERRORS},
    summary="A space's health summary",
)
def health(request: HttpRequest, slug: Path[Slug], params: Query[PeriodParams]) -> dict[str, Any]:
    """For members when the owners share it, and for those who see the full insights."""
    found = access_space_health(current_person(request), slug)
    period = _period(params)
    return health_data(space_health(found, period))


@router.get(
    "/insights/organisation",
    response={200: OrganisationOut, **READ_ERRORS},
    summary="The organisation's insights",
)
def organisation(request: HttpRequest, params: Query[OrganisationParams]) -> dict[str, Any]:
    """Every launched or archived space side by side (organisation admins; 404 for others)."""
    check_can_view_organisation(current_person(request))
    return organisation_data(organisation_insights(_period(params), sort=params.sort))


@router.put(
    "/insights/spaces/{slug}/settings",
    response={200: InsightSettingsOut, **WRITE_ERRORS},
    summary="Change what a space's insights ask and share",
)
def settings(request: HttpRequest, slug: Path[Slug], body: InsightSettingsIn) -> Any:
    """Owners (and organisation admins): the pulse question and the members' health summary."""
    viewer = current_person(request)
    found = access_space(viewer, slug)
    return do_change_insight_settings(
        found,
        actor=viewer,
        pulse_enabled=body.pulse_enabled,
        health_visible_to_members=body.health_visible_to_members,
    )


@router.post(
    "/spaces/{slug}/pulse",
    response={200: PulseOut, **WRITE_ERRORS},
    summary="Answer a space's pulse question",
)
def pulse(request: HttpRequest, slug: Path[Slug], body: PulseIn) -> dict[str, str]:
    """A member's answer from 1 to 5; answering again replaces it. Only averages are shown."""
    viewer = current_person(request)
    found = access_space(viewer, slug)
    do_answer_pulse(found, actor=viewer, score=body.score)
    return {"detail": "Thank you: your answer counts in the space's average."}
