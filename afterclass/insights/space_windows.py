"""What the organisation's page reads of every space, rolled up by the rollup job: each space's
figures over the windows of days the pages compare (SpaceWindow) and those of no period
(SpaceTotals). The page then reads a row or two per space, whatever the numbers of people,
posts, comments, events and learners; the figures are those of the job's last run, as the pages
say ("Figures as of …"). The counting itself is vitals' own, so both give the same figures."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from afterclass.insights.models import (
    WINDOW_DAYS,
    DailyActivity,
    DailyCount,
    DailyHidden,
    SpaceTotals,
    SpaceWindow,
)
from afterclass.insights.periods import Period, day_end, today
from afterclass.insights.vitals import (
    Questions,
    Vitals,
    active_windows,
    answer_target,
    content_created,
    count_completion,
    count_members,
    last_posts,
    set_active_from_windows,
)
from afterclass.insights.vitals import question_facts as read_question_facts
from afterclass.moderation.models import Report, ReportReason
from afterclass.spaces.models import Space

# A question as the windows count it: asked at, first answer at, accepted answer written at.
Question = tuple[datetime, datetime | None, datetime | None]
Key = tuple[int, str, str]  # space id, kind, detail


def space_totals() -> list[SpaceTotals]:
    """Every space's figures of no period, counted now (three queries)."""
    spaces = list(Space.objects.all())
    found = {space.pk: Vitals(space, Period.last_days(1)) for space in spaces}
    ids = list(found)
    if ids:
        count_members(ids, found)
        count_completion(ids, found)
        last_posts(ids, found)
    return [
        SpaceTotals(
            space_id=pk,
            members=v.members,
            activated=v.activated,
            learners=v.learners,
            released_activities=v.released_activities,
            finished=v.finished,
            last_post_at=v.last_post_at,
        )
        for pk, v in found.items()
    ]


@dataclass
class _Day:
    """What the windows add up of one day, by space."""

    counts: dict[Key, int] = field(default_factory=dict)
    active: dict[int, int] = field(default_factory=dict)
    hidden: dict[int, int] = field(default_factory=dict)
    reports: dict[int, int] = field(default_factory=dict)
    questions: list[tuple[int, Question]] = field(default_factory=list)


def _read_days(days: Period) -> dict[date, _Day]:
    """The day rollups of `days` (and the off-topic reports and questions made on them): one
    query each, over the (space, day) or (day) indexes and the questions' (space, kind, state,
    created_at) index."""
    found: dict[date, _Day] = defaultdict(_Day)
    for day, space_id, kind, detail, n in (
        DailyCount.objects.filter(day__range=(days.first, days.last), space__isnull=False)
        .values_list("day", "space_id", "kind", "detail", "count")
        .order_by()
    ):
        key = (space_id, kind, detail)
        found[day].counts[key] = found[day].counts.get(key, 0) + n
    # A person has one row per space and day: counting rows counts people (as vitals does).
    for day, space_id, n in (
        DailyActivity.objects.filter(day__range=(days.first, days.last), space__isnull=False)
        .values("day", "space_id")
        .annotate(n=Count("*"))
        .values_list("day", "space_id", "n")
        .order_by()
    ):
        found[day].active[space_id] = n
    for day, space_id, n in DailyHidden.objects.filter(
        day__range=(days.first, days.last)
    ).values_list("day", "space_id", "count"):
        found[day].hidden[space_id] = found[day].hidden.get(space_id, 0) + n
    zone = timezone.get_default_timezone()
    for space_id, created_at in Report.objects.filter(
        created_at__gte=days.start,
        created_at__lt=days.end,
        reason=ReportReason.OFF_TOPIC,
    ).values_list("space_id", "created_at"):
        local = timezone.localdate(created_at, timezone=zone)
        found[local].reports[space_id] = found[local].reports.get(space_id, 0) + 1
    ids = list(Space.objects.values_list("pk", flat=True))
    for space_id, asked, first_answer, accepted_at in read_question_facts(
        ids, days.start, days.end
    ):
        local = timezone.localdate(asked, timezone=zone)
        found[local].questions.append((space_id, (asked, first_answer, accepted_at)))
    return found


class _Sliding:
    """A space's sums over a sliding run of days: days are added at the end and removed at the
    start."""

    def __init__(self) -> None:
        self.counts: Counter[Key] = Counter()
        self.hidden: Counter[int] = Counter()
        self.reports: Counter[int] = Counter()

    def add(self, day: _Day, sign: int = 1) -> None:
        for key, n in day.counts.items():
            self.counts[key] += sign * n
        for space_id, n in day.hidden.items():
            self.hidden[space_id] += sign * n
        for space_id, n in day.reports.items():
            self.reports[space_id] += sign * n

    def remove(self, day: _Day) -> None:
        self.add(day, -1)


def space_windows(ends: Period) -> list[SpaceWindow]:
    """The windows of every length of WINDOW_DAYS that end on each day of `ends`, for every
    space, counted in one pass over their days. Questions are counted as of now, as vitals
    counts them for a period that ends today."""
    longest = max(WINDOW_DAYS)
    by_day = _read_days(Period(ends.first - timedelta(days=longest - 1), ends.last))
    spaces = Space.objects.only("pk", "target_answer_hours")
    targets = {space.pk: answer_target(space) for space in spaces}
    now = timezone.now()
    empty = _Day()
    rows: list[SpaceWindow] = []
    for days in WINDOW_DAYS:
        window = _Sliding()
        for day in Period(ends.first - timedelta(days=days - 1), ends.first).each_day():
            window.add(by_day.get(day, empty))
        for end in ends.each_day():
            if end > ends.first:
                window.add(by_day.get(end, empty))
                window.remove(by_day.get(end - timedelta(days=days), empty))
            each_day = list(Period(end - timedelta(days=days - 1), end).each_day())
            rows.extend(
                _window_rows(end, days, window, [by_day.get(d, empty) for d in each_day],
                             cutoff=min(now, day_end(end)), targets=targets)
            )  # fmt: skip
    return rows


def _window_rows(
    end: date,
    days: int,
    window: _Sliding,
    each_day: list[_Day],
    *,
    cutoff: datetime,
    targets: dict[int, timedelta],
) -> list[SpaceWindow]:
    counts: dict[int, list[list[str | int]]] = defaultdict(list)
    for (space_id, kind, detail), n in window.counts.items():
        if n:
            counts[space_id].append([kind, detail, n])
    active: dict[int, list[int]] = {}
    for offset, day in enumerate(each_day):
        for space_id, n in day.active.items():
            active.setdefault(space_id, [0] * days)[offset] = n
    questions: dict[int, Questions] = defaultdict(Questions)
    for day in each_day:
        for space_id, (asked, first_answer, accepted_at) in day.questions:
            questions[space_id].add(
                asked,
                first_answer,
                accepted_at,
                cutoff=cutoff,
                target=targets.get(space_id, timedelta(hours=24)),
            )
    spaces = (
        set(counts)
        | set(active)
        | set(questions)
        | {pk for pk, n in window.hidden.items() if n}
        | {pk for pk, n in window.reports.items() if n}
    )
    # The row without a space says the window was computed.
    rows = [SpaceWindow(day=end, days=days, space_id=None)]
    for space_id in sorted(spaces):
        tally = questions.get(space_id, Questions())
        rows.append(
            SpaceWindow(
                day=end,
                days=days,
                space_id=space_id,
                counts=sorted(counts.get(space_id, []), key=lambda triple: triple[:2]),
                daily_active=active.get(space_id, [0] * days),
                hidden=window.hidden[space_id],
                off_topic_reports=window.reports[space_id],
                questions_asked=tally.asked,
                questions_answered=tally.answered,
                questions_accepted=tally.accepted,
                questions_waited_48h=tally.waited_48h,
                questions_old_enough=tally.old_enough,
                questions_within_target=tally.within_target,
                median_first_answer_hours=tally.median_first_answer_hours,
                median_accepted_hours=tally.median_accepted_hours,
            )
        )
    return rows


def rolled_up_vitals(spaces: Sequence[Space], period: Period) -> dict[int, Vitals] | None:
    """The vitals of `spaces` over `period` as the rollup job left them: three queries, one or
    two rows per space (SpaceWindow, SpaceTotals, ActivePeople). None when the rollups do not
    hold them: a period that does not end today (the windows of earlier ends are not computed
    again when content is hidden or answered later), not of a window's length, or not rolled
    up yet; the caller then counts them from the day rollups (vitals)."""
    ids = [space.pk for space in spaces]
    if not ids:
        return {}
    if period.last != today() or period.days not in WINDOW_DAYS:
        return None
    windows = active_windows(ids, period)
    if windows is None:
        return None
    before = period.previous.last
    # Columns, not model instances: a few hundred rows are read on every page.
    rows: dict[date, dict[int | None, tuple[Any, ...]]] = {period.last: {}, before: {}}
    for day, *row in SpaceWindow.objects.filter(
        Q(day=period.last) | Q(day=before),
        Q(space_id__in=ids) | Q(space__isnull=True),
        days=period.days,
    ).values_list("day", "space_id", *WINDOW_COLUMNS):
        rows[day][row[0]] = tuple(row)
    now, previous = rows[period.last], rows[before]
    if None not in now or None not in previous:
        return None
    totals = {
        row[0]: row
        for row in SpaceTotals.objects.filter(space_id__in=ids).values_list(
            "space_id", *TOTALS_COLUMNS
        )
    }
    result = {space.pk: Vitals(space, period) for space in spaces}
    set_active_from_windows(windows, period, result)
    for space_id, found in result.items():
        total = totals.get(space_id)
        if total is not None:
            (
                _,
                found.members,
                found.activated,
                found.learners,
                found.released_activities,
                found.finished,
                found.last_post_at,
            ) = total
        if space_id in previous:
            found.counts_previous, _, found.questions_previous = _window(previous[space_id])
        if space_id in now:
            found.counts, daily, found.questions = _window(now[space_id])
            found.daily_active = list(daily)
            found.content_hidden, found.off_topic_reports = now[space_id][3:5]
        else:
            found.daily_active = [0] * period.days
        found.content_created = content_created(found.counts)
    return result


WINDOW_COLUMNS = (
    "counts",
    "daily_active",
    "hidden",
    "off_topic_reports",
    "questions_asked",
    "questions_answered",
    "questions_accepted",
    "questions_waited_48h",
    "questions_old_enough",
    "questions_within_target",
    "median_first_answer_hours",
    "median_accepted_hours",
)
TOTALS_COLUMNS = (
    "members",
    "activated",
    "learners",
    "released_activities",
    "finished",
    "last_post_at",
)


def _window(
    row: tuple[Any, ...],
) -> tuple[dict[tuple[str, str], int], list[int], Questions]:
    """A window's counts by kind and detail, people active per day, and questions."""
    _, counts, daily, _, _, *tally, first_answer, accepted = row
    asked, answered, accepted_n, waited, old_enough, within_target = tally
    questions = Questions(
        asked=asked,
        answered=answered,
        accepted=accepted_n,
        waited_48h=waited,
        old_enough=old_enough,
        within_target=within_target,
        rolled_up_medians=(first_answer, accepted),
    )
    return {(kind, detail): n for kind, detail, n in counts}, daily, questions
