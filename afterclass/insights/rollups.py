"""Daily rollups of the analytics events, so that the insight pages never scan the raw event
table: computed for past days by a background task (`afterclass insights rollup`, nightly) and
brought up to date on demand for today. A day computed before it ended is computed again."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, DateField, F, Max, Q, QuerySet, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from afterclass.insights.models import (
    CONTRIBUTING_KINDS,
    CREATING_KINDS,
    INTERACTION_KINDS,
    NOT_ACTIVE_KINDS,
    DailyActivity,
    DailyCount,
    DailyHidden,
    DailyInteraction,
    Event,
    EventKind,
    RolledUpDay,
)
from afterclass.insights.periods import Period, day_end, day_start, today
from afterclass.posts.models import Comment, ContentState, Post

BATCH = 1000
# What a moderator took out of sight: the content the "hidden" share counts.
MODERATED_STATES = (ContentState.HIDDEN, ContentState.REMOVED_BY_MODERATOR)
# An arbitrary constant naming the lock that keeps two rollups of the same days apart (PG).
LOCK_KEY = 7_406_130


def fresh_seconds() -> int:
    """How old today's rollup may be before a page computes it again."""
    return int(getattr(settings, "AFTERCLASS_INSIGHTS_FRESH_SECONDS", 300))


def ensure_rollups(period: Period) -> int:
    """Bring the rollups of `period` up to date: days never computed, days computed before they
    ended, and today when its rollup is older than `fresh_seconds()`. Returns how many days
    were computed (0 when all were fresh: one query)."""
    now = timezone.now()
    last = min(period.last, today())
    if last < period.first:
        return 0
    known = dict(
        RolledUpDay.objects.filter(day__range=(period.first, last)).values_list(
            "day", "computed_at"
        )
    )
    stale = [day for day in Period(period.first, last).each_day() if _is_stale(day, known, now)]
    if not stale:
        return 0
    compute_rollups(Period(stale[0], stale[-1]))
    return len(stale)


def _is_stale(day: date, known: dict[date, datetime], now: datetime) -> bool:
    computed = known.get(day)
    if computed is None:
        return True
    if computed >= day_end(day):
        return False
    if day == today():
        return (now - computed) > timedelta(seconds=fresh_seconds())
    return True


def compute_rollups(period: Period) -> None:
    """(Re)compute every rollup row of the days of `period`, for all spaces, in one
    transaction: a few statements per day (the INSERTs in batches of 1,000 rows), and the
    hidden content of every day (see DailyHidden)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        for model in (DailyActivity, DailyCount, DailyInteraction):
            model.objects.filter(day__range=(period.first, period.last)).delete()
        # Day by day: each day's events are one range of the time index, and the day is a
        # constant (no per-row time zone conversion, which SQLite does in Python).
        for day in period.each_day():
            events = Event.objects.filter(time__gte=day_start(day), time__lt=day_end(day))
            events = events.annotate(day=Value(day, output_field=DateField()))
            DailyActivity.objects.bulk_create(_activity(events), batch_size=BATCH)
            DailyCount.objects.bulk_create(_counts(events), batch_size=BATCH)
            DailyInteraction.objects.bulk_create(_interactions(events), batch_size=BATCH)
        DailyHidden.objects.all().delete()
        DailyHidden.objects.bulk_create(_hidden(), batch_size=BATCH)
        computed_at = timezone.now()
        RolledUpDay.objects.bulk_create(
            [RolledUpDay(day=day, computed_at=computed_at) for day in period.each_day()],
            update_conflicts=True,
            unique_fields=["day"],
            update_fields=["computed_at"],
            batch_size=BATCH,
        )


def _activity(events: QuerySet[Any]) -> list[DailyActivity]:
    cross = Q(
        kind=EventKind.ANSWERED,
        department_id__isnull=False,
        other_department_id__isnull=False,
    ) & ~Q(other_department_id=F("department_id"))
    rows = (
        events.filter(person__isnull=False)
        .exclude(kind__in=NOT_ACTIVE_KINDS)
        .values("day", "space_id", "person_id")
        .annotate(
            # Named apart from the event's own columns; a day's last department is kept.
            department=Max("department_id"),
            level=Max("level_id"),
            actions=Count("id"),
            contributions=Count("id", filter=Q(kind__in=CONTRIBUTING_KINDS)),
            creations=Count("id", filter=Q(kind__in=CREATING_KINDS)),
            answers=Count("id", filter=Q(kind=EventKind.ANSWERED)),
            cross_answers=Count("id", filter=cross),
        )
        .order_by()
    )
    return [_activity_row(row) for row in rows]


def _activity_row(row: dict[str, Any]) -> DailyActivity:
    department, level = row.pop("department"), row.pop("level")
    return DailyActivity(department_id=department, level_id=level, **row)


def _counts(events: QuerySet[Any]) -> list[DailyCount]:
    rows = events.values("day", "space_id", "kind", "detail").annotate(count=Count("id"))
    return [DailyCount(**row) for row in rows.order_by()]


def _interactions(events: QuerySet[Any]) -> list[DailyInteraction]:
    rows = (
        events.filter(kind__in=INTERACTION_KINDS, person__isnull=False, space__isnull=False)
        .filter(Q(other_department_id__isnull=False) | Q(other_level_id__isnull=False))
        .values(
            "day",
            "space_id",
            "person_id",
            "department_id",
            "level_id",
            "other_department_id",
            "other_level_id",
        )
        .annotate(count=Count("id"))
        .order_by()
    )
    return [DailyInteraction(**row) for row in rows]


def _hidden() -> list[DailyHidden]:
    """Posts and comments hidden or removed by a moderator, by space and the (local) day they
    were made."""
    made = TruncDate("created_at", tzinfo=timezone.get_default_timezone())
    counts: dict[tuple[Any, int], int] = {}
    for rows in (
        Post.objects.filter(state__in=MODERATED_STATES)
        .values(made_on=made, in_space=F("space_id"))
        .annotate(n=Count("id"))
        .order_by(),
        Comment.objects.filter(state__in=MODERATED_STATES)
        .values(made_on=made, in_space=F("post__space_id"))
        .annotate(n=Count("id"))
        .order_by(),
    ):
        for row in rows:
            key = (row["made_on"], row["in_space"])
            counts[key] = counts.get(key, 0) + row["n"]
    return [
        DailyHidden(day=day, space_id=space_id, count=n) for (day, space_id), n in counts.items()
    ]
