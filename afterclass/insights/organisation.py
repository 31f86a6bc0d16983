"""The organisation view: every space side by side, adoption across the organisation over time,
and the spaces to look at first. A fixed number of queries whatever the number of spaces, and
for the presets (periods that end today) one or two rolled-up rows per space, whatever the
numbers of people, posts and events (see space_windows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from afterclass.insights.models import WINDOW_DAYS, ActivePeople, DailyActivity
from afterclass.insights.periods import Period, today
from afterclass.insights.recommend import IMPROVE, KEEP, SCALE_DOWN, Recommendation, recommend
from afterclass.insights.rollups import RollupState, rollup_state
from afterclass.insights.space_windows import rolled_up_vitals
from afterclass.insights.vitals import Vitals, active_windows, percent, vitals
from afterclass.people.models import Invitation, Person
from afterclass.spaces.models import Space, Status

SORTS = {
    "name": lambda row: row.space.name.lower(),
    "members": lambda row: row.vitals.members,
    "weekly": lambda row: row.vitals.weekly_active_pct or 0,
    "posts": lambda row: row.vitals.posts,
    "answered": lambda row: row.vitals.questions.answer_rate or 0,
    "verdict": lambda row: {SCALE_DOWN: 0, IMPROVE: 1, KEEP: 2}.get(row.recommendation.verdict, 3),
}


@dataclass(frozen=True)
class SpaceRow:
    space: Space
    vitals: Vitals
    recommendation: Recommendation


@dataclass(frozen=True)
class OrganisationInsights:
    period: Period
    rows: list[SpaceRow]
    sort: str
    people: int
    invited: int  # invitations still open: invited, not yet registered
    activated: int
    active_period: int
    active_previous: int
    active_7: int
    daily_active: list[tuple[date, int]]
    rollups: RollupState

    @property
    def computed_at(self) -> datetime | None:
        """When the figures of the period's last day were rolled up."""
        return self.rollups.computed_at

    @property
    def activated_pct(self) -> float | None:
        return percent(self.activated, self.people)

    @property
    def weekly_active_pct(self) -> float | None:
        return percent(self.active_7, self.people)

    @property
    def look_first(self) -> list[SpaceRow]:
        """Spaces to scale down first, then those to improve with the most findings."""
        flagged = [row for row in self.rows if row.recommendation.verdict in (SCALE_DOWN, IMPROVE)]
        return sorted(
            flagged,
            key=lambda row: (
                row.recommendation.verdict != SCALE_DOWN,
                -len(row.recommendation.findings),
                row.space.name.lower(),
            ),
        )


def organisation_insights(period: Period, *, sort: str = "verdict") -> OrganisationInsights:
    """Every launched or archived space over `period` (admins only: see access)."""
    earliest = min(period.previous.first, period.last - timedelta(days=27))
    rollups = rollup_state(Period(earliest, period.last))
    spaces = list(
        Space.objects.filter(status__in=(Status.LAUNCHED, Status.ARCHIVED)).order_by("name", "pk")
    )
    # Read from the rolled-up windows when they hold the period (a preset, or a range ending
    # today, of a window's length); counted from the day rollups otherwise.
    found = rolled_up_vitals(spaces, period)
    if found is None:
        found = vitals(spaces, period, previous_questions=False)
    rows = [SpaceRow(space, found[space.pk], recommend(found[space.pk])) for space in spaces]
    if sort.lstrip("-") not in SORTS:
        sort = "verdict"
    rows.sort(key=SORTS[sort.lstrip("-")], reverse=sort.startswith("-"))
    invited = Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()
    everyone = Person.objects.filter(is_active=True).aggregate(
        people=Count("id"), activated=Count("id", filter=Q(last_login__isnull=False))
    )
    distinct = _active_anywhere(period)
    per_day = _active_each_day(period)
    return OrganisationInsights(
        period=period,
        rows=rows,
        sort=sort,
        people=everyone["people"],
        invited=invited,
        activated=everyone["activated"],
        active_period=distinct["now"],
        active_previous=distinct["before"],
        active_7=distinct["week"],
        daily_active=[(day, per_day.get(day, 0)) for day in period.each_day()],
        rollups=rollups,
    )


def _active_each_day(period: Period) -> dict[date, int]:
    """People active anywhere on each day of the period: the rolled-up one-day windows when
    the rollups hold every day, counted from the daily activity otherwise."""
    if period.first >= today() - timedelta(days=max(WINDOW_DAYS)):
        rolled = dict(
            ActivePeople.objects.filter(
                space__isnull=True, days=1, day__range=(period.first, period.last)
            ).values_list("day", "people")
        )
        if len(rolled) == period.days:
            return rolled
    return dict(
        DailyActivity.objects.filter(day__range=(period.first, period.last))
        .values("day")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
        .values_list("day", "n")
    )


def _active_anywhere(period: Period) -> dict[str, int]:
    """Different people active anywhere in the period, the previous one and the last week:
    rolled up when the rollups hold them, counted from the daily activity otherwise."""
    windows = active_windows([], period)
    if windows is not None:
        return {
            "now": windows[(None, period.last, period.days)][0],
            "before": windows[(None, period.previous.last, period.days)][0],
            "week": windows[(None, period.last, 7)][0],
        }
    # The week may start before the previous period: a period of fewer than 4 days.
    first = min(period.previous.first, period.last - timedelta(days=6))
    activity = DailyActivity.objects.filter(day__range=(first, period.last))
    return activity.aggregate(
        now=Count("person_id", distinct=True, filter=Q(day__gte=period.first)),
        before=Count(
            "person_id",
            distinct=True,
            filter=Q(day__range=(period.previous.first, period.previous.last)),
        ),
        week=Count("person_id", distinct=True, filter=Q(day__gte=period.last - timedelta(days=6))),
    )
