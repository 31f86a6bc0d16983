"""Daily rollups of the analytics events, so that the insight pages never scan the raw event
table: computed by the periodic background job (`rollup_insights`, which also brings today up to
date) or `afterclass insights rollup`; pages only read them, and say when they were computed.
A day computed before it ended is computed again."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
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
    WINDOW_DAYS,
    ActivePeople,
    DailyActivity,
    DailyCount,
    DailyHidden,
    DailyInteraction,
    Event,
    EventKind,
    RolledUpDay,
    SpaceTotals,
    SpaceWindow,
)
from afterclass.insights.periods import Period, day_end, day_start, today
from afterclass.insights.space_windows import space_totals, space_windows
from afterclass.posts.models import Comment, ContentState, Post
from afterclass.spaces.models import Membership, MembershipState

BATCH = 1000
# What a moderator took out of sight: the content the "hidden" share counts.
MODERATED_STATES = (ContentState.HIDDEN, ContentState.REMOVED_BY_MODERATOR)
# An arbitrary constant naming the lock that keeps two rollups of the same days apart (PG).
LOCK_KEY = 7_406_130


def fresh_seconds() -> int:
    """How old today's rollup may be before `ensure_rollups` computes it again."""
    return int(getattr(settings, "AFTERCLASS_INSIGHTS_FRESH_SECONDS", 300))


@dataclass(frozen=True)
class RollupState:
    """What the rollups of the days a page reads hold: when the latest of them was computed,
    and how many of them (up to today) were never computed."""

    computed_at: datetime | None
    missing: int


def rollup_state(period: Period) -> RollupState:
    """The state of the rollups of `period` (one query): pages show it instead of computing."""
    last = min(period.last, today())
    if last < period.first:
        return RollupState(None, 0)
    known = dict(
        RolledUpDay.objects.filter(day__range=(period.first, last)).values_list(
            "day", "computed_at"
        )
    )
    latest = known.get(last)
    return RollupState(latest, Period(period.first, last).days - len(known))


def roll_up_recent(days: int) -> int:
    """The periodic job's work: the days of the last `days` that are stale (see
    ensure_rollups), and today whatever its age, so that today's figures are never older than
    the job's period. Returns how many days were computed."""
    now = timezone.now()
    recent = Period.last_days(days)
    known = dict(
        RolledUpDay.objects.filter(day__range=(recent.first, recent.last)).values_list(
            "day", "computed_at"
        )
    )
    stale = [day for day in recent.each_day() if _is_stale(day, known, now)]
    first = stale[0] if stale else recent.last
    compute_rollups(Period(first, recent.last))
    return recent.last.toordinal() - first.toordinal() + 1


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
    transaction: a few statements per day (the INSERTs in batches of 1,000 rows), the hidden
    content of every day (see DailyHidden), the windows that read the days, and every space's
    totals (see SpaceTotals)."""
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
        _roll_up_windows(period)
        SpaceTotals.objects.all().delete()
        SpaceTotals.objects.bulk_create(space_totals(), batch_size=BATCH)
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


def _roll_up_windows(period: Period) -> None:
    """Recompute the windows that read the days of `period`: those ending from its first day
    to WINDOW_DAYS[-1] days after its last, among the ends kept; drop the windows too old to
    be read."""
    longest = max(WINDOW_DAYS)
    now = today()
    kept_from = now - timedelta(days=longest)
    first = max(period.first, kept_from)
    last = min(period.last + timedelta(days=longest - 1), now)
    for model in (ActivePeople, SpaceWindow):
        model.objects.filter(day__lt=kept_from).delete()
    if last < first:
        return
    for model in (ActivePeople, SpaceWindow):
        model.objects.filter(day__range=(first, last)).delete()
    ActivePeople.objects.bulk_create(_active_people(Period(first, last)), batch_size=BATCH)
    SpaceWindow.objects.bulk_create(space_windows(Period(first, last)), batch_size=BATCH)


def _active_people(ends: Period) -> list[ActivePeople]:
    """The windows ending on each day of `ends`, counted in one pass over their days."""
    longest = max(WINDOW_DAYS)
    members = set(
        Membership.objects.filter(state=MembershipState.ACTIVE).values_list("space_id", "person_id")
    )
    by_day: dict[date, list[tuple[int | None, int]]] = {}
    for day, space_id, person_id in (
        DailyActivity.objects.filter(
            day__range=(ends.first - timedelta(days=longest - 1), ends.last)
        )
        .values_list("day", "space_id", "person_id")
        .order_by()
    ):
        by_day.setdefault(day, []).append((space_id, person_id))
    rows: list[ActivePeople] = []
    for days in WINDOW_DAYS:
        window = _Window(members)
        for day in Period(ends.first - timedelta(days=days - 1), ends.first).each_day():
            window.add(by_day.get(day, ()))
        for end in ends.each_day():
            if end > ends.first:
                window.add(by_day.get(end, ()))
                window.remove(by_day.get(end - timedelta(days=days), ()))
            rows.extend(window.rows(end, days))
    return rows


class _Window:
    """Who was active over a sliding run of days: days are added at the end and removed at the
    start, and the distinct people per space (and anywhere) are kept counted."""

    def __init__(self, members: set[tuple[int, int]]) -> None:
        self.members = members
        self.pair_days: Counter[tuple[int, int]] = Counter()
        self.person_days: Counter[int] = Counter()
        self.people: Counter[int] = Counter()
        self.member_people: Counter[int] = Counter()
        self.anywhere = 0

    def add(self, entries: Iterable[tuple[int | None, int]]) -> None:
        for space_id, person_id in entries:
            self.person_days[person_id] += 1
            if self.person_days[person_id] == 1:
                self.anywhere += 1
            if space_id is None:
                continue
            pair = (space_id, person_id)
            self.pair_days[pair] += 1
            if self.pair_days[pair] == 1:
                self.people[space_id] += 1
                if pair in self.members:
                    self.member_people[space_id] += 1

    def remove(self, entries: Iterable[tuple[int | None, int]]) -> None:
        for space_id, person_id in entries:
            self.person_days[person_id] -= 1
            if not self.person_days[person_id]:
                del self.person_days[person_id]
                self.anywhere -= 1
            if space_id is None:
                continue
            pair = (space_id, person_id)
            self.pair_days[pair] -= 1
            if not self.pair_days[pair]:
                del self.pair_days[pair]
                self.people[space_id] -= 1
                if pair in self.members:
                    self.member_people[space_id] -= 1

    def rows(self, end: date, days: int) -> list[ActivePeople]:
        # The row without a space is always written: it tells "nobody" from "not computed".
        found = [ActivePeople(day=end, days=days, space_id=None, people=self.anywhere)]
        found.extend(
            ActivePeople(
                day=end,
                days=days,
                space_id=space_id,
                people=n,
                members=self.member_people[space_id],
            )
            for space_id, n in self.people.items()
            if n
        )
        return found
