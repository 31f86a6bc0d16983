"""The few figures every space is judged by, computed for many spaces at once in a fixed number
of queries (the organisation table, the recommendation, the members' health summary)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from afterclass.insights.models import (
    WINDOW_DAYS,
    ActivePeople,
    DailyActivity,
    DailyCount,
    DailyHidden,
    EventKind,
)
from afterclass.insights.periods import Period, today
from afterclass.learning.models import FINISHED_STATES, Activity, ActivityKind, Progress
from afterclass.moderation.models import Report, ReportReason
from afterclass.posts.models import Comment, ContentState, Post, PostKind
from afterclass.spaces.models import Membership, MembershipState, Role, Space, Template

HOUR = 3600
# Questions count whatever became of them, unless their author took them back.
COUNTED_QUESTION_STATES = tuple(
    state for state in ContentState if state != ContentState.REMOVED_BY_AUTHOR
)
UNANSWERED_HOURS = 48

# What each template is for: the kinds of activity that count as "on purpose".
PURPOSE_KINDS: dict[str, tuple[str, frozenset[tuple[str, str]]]] = {
    Template.DISCUSSION: (
        "discussions, questions and answers",
        frozenset(
            {
                (EventKind.POSTED, PostKind.DISCUSSION),
                (EventKind.POSTED, PostKind.QUESTION),
                (EventKind.POSTED, PostKind.RESOURCE),
                (EventKind.ANSWERED, ""),
                (EventKind.COMMENTED, ""),
                (EventKind.ACCEPTED, ""),
            }
        ),
    ),
    Template.COURSE: (
        "learning activities and discussion of them",
        frozenset(
            {
                (EventKind.ACTIVITY_COMPLETED, ""),
                (EventKind.ACTIVITY_SUBMITTED, ""),
                (EventKind.FEEDBACK_GIVEN, ""),
                (EventKind.POSTED, PostKind.DISCUSSION),
                (EventKind.POSTED, PostKind.QUESTION),
                (EventKind.POSTED, PostKind.RESOURCE),
                (EventKind.ANSWERED, ""),
                (EventKind.COMMENTED, ""),
            }
        ),
    ),
    Template.TIPS: (
        "short updates and replies to them",
        frozenset({(EventKind.POSTED, PostKind.UPDATE), (EventKind.COMMENTED, "")}),
    ),
    Template.VISUAL: (
        "image posts and comments on them",
        frozenset({(EventKind.POSTED, PostKind.IMAGE), (EventKind.COMMENTED, "")}),
    ),
}
# What people make: the posts, comments and answers the hidden share is of.
CONTENT_KINDS = frozenset({EventKind.POSTED, EventKind.COMMENTED, EventKind.ANSWERED})
# Counted as activity when judging purpose: what people make and do, not joining or reading.
PURPOSE_COUNTED = frozenset(
    {
        EventKind.POSTED,
        EventKind.COMMENTED,
        EventKind.ANSWERED,
        EventKind.ACCEPTED,
        EventKind.ACTIVITY_COMPLETED,
        EventKind.ACTIVITY_SUBMITTED,
        EventKind.FEEDBACK_GIVEN,
    }
)


def percent(part: float, whole: float) -> float | None:
    """part/whole as a percentage rounded to one decimal, None when there is no whole."""
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Questions:
    """The questions asked in a period and how they were answered."""

    asked: int = 0
    answered: int = 0
    accepted: int = 0
    # Asked more than 48 hours before the end of the period (or now) and not answered within 48h.
    waited_48h: int = 0
    old_enough: int = 0
    within_target: int = 0
    first_answer_hours: list[float] = field(default_factory=list)
    accepted_hours: list[float] = field(default_factory=list)
    # Read from a rollup (SpaceWindow), which keeps the medians but not the hours themselves.
    rolled_up_medians: tuple[float | None, float | None] | None = None

    @property
    def answer_rate(self) -> float | None:
        return percent(self.answered, self.asked)

    @property
    def accepted_rate(self) -> float | None:
        return percent(self.accepted, self.asked)

    @property
    def unanswered_48h_pct(self) -> float | None:
        return percent(self.waited_48h, self.old_enough)

    @property
    def within_target_pct(self) -> float | None:
        return percent(self.within_target, self.asked)

    @property
    def median_first_answer_hours(self) -> float | None:
        if self.rolled_up_medians is not None:
            return self.rolled_up_medians[0]
        return round(median(self.first_answer_hours), 1) if self.first_answer_hours else None

    @property
    def median_accepted_hours(self) -> float | None:
        if self.rolled_up_medians is not None:
            return self.rolled_up_medians[1]
        return round(median(self.accepted_hours), 1) if self.accepted_hours else None

    def add(
        self,
        asked: datetime,
        first_answer: datetime | None,
        accepted_at: datetime | None,
        *,
        cutoff: datetime,
        target: timedelta,
    ) -> None:
        """Count a question asked at `asked`, answered and accepted as known at `cutoff`."""
        self.asked += 1
        if first_answer is not None and first_answer < cutoff:
            self.answered += 1
            self.first_answer_hours.append((first_answer - asked).total_seconds() / HOUR)
            if first_answer - asked <= target:
                self.within_target += 1
        # Like answers, an accepted answer counts when written before the cutoff: a past
        # period's figures do not change with what happened after it.
        if accepted_at is not None and accepted_at < cutoff:
            self.accepted += 1
            self.accepted_hours.append(max(0.0, (accepted_at - asked).total_seconds() / HOUR))
        if cutoff - asked >= timedelta(hours=UNANSWERED_HOURS):
            self.old_enough += 1
            late = first_answer is None or first_answer - asked > timedelta(hours=UNANSWERED_HOURS)
            if late:
                self.waited_48h += 1


@dataclass
class Vitals:
    space: Space
    period: Period
    members: int = 0
    activated: int = 0
    active_period: int = 0
    active_previous: int = 0
    active_7: int = 0
    active_28: int = 0
    members_active_7: int = 0
    members_active_28: int = 0
    daily_active: list[int] = field(default_factory=list)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    counts_previous: dict[tuple[str, str], int] = field(default_factory=dict)
    last_post_at: datetime | None = None
    questions: Questions = field(default_factory=Questions)
    questions_previous: Questions = field(default_factory=Questions)
    released_activities: int = 0
    learners: int = 0
    finished: int = 0
    content_created: int = 0
    content_hidden: int = 0
    off_topic_reports: int = 0

    @property
    def activated_pct(self) -> float | None:
        return percent(self.activated, self.members)

    @property
    def weekly_active_pct(self) -> float | None:
        """Current members active in the last 7 days of the period, of all current members
        (people who have left since do not count on either side)."""
        return percent(self.members_active_7, self.members)

    @property
    def monthly_active_pct(self) -> float | None:
        return percent(self.members_active_28, self.members)

    @property
    def daily_active_avg(self) -> float | None:
        days = self.daily_active
        return round(sum(days) / len(days), 1) if days else None

    @property
    def posts(self) -> int:
        return sum(n for (kind, _), n in self.counts.items() if kind == EventKind.POSTED)

    @property
    def posts_previous(self) -> int:
        return sum(n for (kind, _), n in self.counts_previous.items() if kind == EventKind.POSTED)

    @property
    def purpose_label(self) -> str:
        return PURPOSE_KINDS[self.space.template][0]

    def _on_purpose(self, counts: dict[tuple[str, str], int]) -> tuple[int, int]:
        intended = PURPOSE_KINDS[self.space.template][1]
        total = on = 0
        for (kind, detail), n in counts.items():
            if kind not in PURPOSE_COUNTED:
                continue
            total += n
            if (kind, detail if kind == EventKind.POSTED else "") in intended:
                on += n
        return on, total

    @property
    def on_purpose(self) -> tuple[int, int]:
        return self._on_purpose(self.counts)

    @property
    def on_purpose_pct(self) -> float | None:
        return percent(*self.on_purpose)

    @property
    def on_purpose_pct_previous(self) -> float | None:
        return percent(*self._on_purpose(self.counts_previous))

    @property
    def completion_pct(self) -> float | None:
        return percent(self.finished, self.released_activities * self.learners)

    @property
    def hidden_pct(self) -> float | None:
        return percent(self.content_hidden, self.content_created)

    @property
    def days_since_last_post(self) -> int | None:
        if self.last_post_at is None:
            return None
        return (timezone.now() - self.last_post_at).days


def vitals(
    spaces: Sequence[Space], period: Period, *, previous_questions: bool = True
) -> dict[int, Vitals]:
    """The vitals of `spaces` over `period`, from the rollups as they are (see
    rollup_state). Ten queries, whatever the numbers of spaces, people and events.
    `previous_questions=False` leaves `questions_previous` empty: the organisation's pages
    compare no questions, and reading them doubles the questions read."""
    ids = [space.pk for space in spaces]
    result = {space.pk: Vitals(space, period) for space in spaces}
    if not ids:
        return result
    count_members(ids, result)
    _activity(ids, period, result)
    _counts(ids, period, result)
    _questions(ids, period, result, previous=previous_questions)
    count_completion(ids, result)
    _moderation(ids, period, result)
    return result


def count_members(ids: list[int], result: dict[int, Vitals]) -> None:
    rows = (
        Membership.objects.filter(space_id__in=ids, state=MembershipState.ACTIVE)
        .values("space_id")
        .annotate(
            members=Count("id"),
            activated=Count("id", filter=Q(person__last_login__isnull=False)),
            learners=Count("id", filter=Q(role=Role.MEMBER)),
        )
        .order_by()
    )
    for row in rows:
        found = result[row["space_id"]]
        found.members, found.activated, found.learners = (
            row["members"], row["activated"], row["learners"])  # fmt: skip


# (space id, or None for anywhere; the window's last day; its length) -> (people, members)
Windows = dict[tuple[int | None, date, int], tuple[int, int]]


def active_windows(ids: list[int], period: Period) -> Windows | None:
    """The rolled-up distinct active people (see ActivePeople) that the figures of `period`
    read, for the spaces `ids` and anywhere; None when the rollups do not hold them all (a
    period of another length, or ends not rolled up): the figures are then counted from the
    daily activity. One query, or none."""
    days = period.days
    before = period.previous.last
    if days not in WINDOW_DAYS or before < today() - timedelta(days=max(WINDOW_DAYS)):
        return None  # no such window is rolled up, or it is no longer kept
    wanted = {(period.last, days), (before, days), (period.last, 7), (period.last, 28)}
    rows = ActivePeople.objects.filter(
        Q(day=period.last, days__in={days, 7, 28}) | Q(day=before, days=days),
        Q(space_id__in=ids) | Q(space__isnull=True),
    ).values_list("space_id", "day", "days", "people", "members")
    found: Windows = {
        (space_id, day, n): (people, members) for space_id, day, n, people, members in rows
    }
    if any((None, day, n) not in found for day, n in wanted):
        return None
    return found


def _activity(ids: list[int], period: Period, result: dict[int, Vitals]) -> None:
    last = period.last
    windows = active_windows(ids, period)
    if windows is not None:
        set_active_from_windows(windows, period, result)
    else:
        _count_active(ids, period, result)
    # A person has one row per space and day: counting rows counts people, from the (space,
    # day) index alone.
    daily: dict[int, dict[date, int]] = defaultdict(dict)
    for space_id, day, n in (
        DailyActivity.objects.filter(space_id__in=ids, day__range=(period.first, last))
        .values("space_id", "day").annotate(n=Count("*")).values_list("space_id", "day", "n")
        .order_by()
    ):  # fmt: skip
        daily[space_id][day] = n
    for space_id, found in result.items():
        found.daily_active = [daily[space_id].get(day, 0) for day in period.each_day()]


def set_active_from_windows(windows: Windows, period: Period, result: dict[int, Vitals]) -> None:
    """The distinct active people of each space, read from the rolled-up windows."""
    last = period.last
    for space_id, found in result.items():
        found.active_period = windows.get((space_id, last, period.days), (0, 0))[0]
        found.active_previous = windows.get((space_id, period.previous.last, period.days), (0, 0))[
            0
        ]
        found.active_7, found.members_active_7 = windows.get((space_id, last, 7), (0, 0))
        found.active_28, found.members_active_28 = windows.get((space_id, last, 28), (0, 0))


def _count_active(ids: list[int], period: Period, result: dict[int, Vitals]) -> None:
    """The distinct active people of `active_windows`, counted from the daily activity."""
    last = period.last
    first = min(period.previous.first, last - timedelta(days=27))
    activity = DailyActivity.objects.filter(space_id__in=ids, day__range=(first, last)).annotate(
        is_member=Exists(
            Membership.objects.filter(
                space_id=OuterRef("space_id"),
                person_id=OuterRef("person_id"),
                state=MembershipState.ACTIVE,
            )
        )
    )

    def people(condition: Q) -> Count:
        return Count("person_id", distinct=True, filter=condition)

    for row in (
        activity.values("space_id")
        .annotate(
            period=people(Q(day__gte=period.first)),
            previous=people(Q(day__range=(period.previous.first, period.previous.last))),
            week=people(Q(day__gte=last - timedelta(days=6))),
            month=people(Q(day__gte=last - timedelta(days=27))),
            members_week=people(Q(is_member=True, day__gte=last - timedelta(days=6))),
            members_month=people(Q(is_member=True, day__gte=last - timedelta(days=27))),
        )
        .order_by()
    ):
        found = result[row["space_id"]]
        found.active_period, found.active_previous = row["period"], row["previous"]
        found.active_7, found.active_28 = row["week"], row["month"]
        found.members_active_7, found.members_active_28 = row["members_week"], row["members_month"]


def _counts(ids: list[int], period: Period, result: dict[int, Vitals]) -> None:
    previous = period.previous
    rows = (
        DailyCount.objects.filter(space_id__in=ids, day__range=(previous.first, period.last))
        .values("space_id", "kind", "detail")
        .annotate(
            now=Sum("count", filter=Q(day__gte=period.first)),
            before=Sum("count", filter=Q(day__lte=previous.last)),
        )
        .order_by()
    )
    for row in rows:
        found = result[row["space_id"]]
        key = (row["kind"], row["detail"])
        if row["now"]:
            found.counts[key] = row["now"]
        if row["before"]:
            found.counts_previous[key] = row["before"]
    last_posts(ids, result)


def last_posts(ids: list[int], result: dict[int, Vitals]) -> None:
    """Each space's latest visible post that is not an announcement."""
    # Each space's latest visible post, from the top of its (space, state, created_at) index
    # range: not an aggregate over all its posts.
    latest = (
        Post.objects.filter(space_id=OuterRef("pk"), state=ContentState.VISIBLE)
        .exclude(kind=PostKind.ANNOUNCEMENT)
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    for space_id, last in (
        Space.objects.filter(pk__in=ids).annotate(last=Subquery(latest)).values_list("pk", "last")
    ):
        result[space_id].last_post_at = last


def question_facts(ids: list[int], start: datetime, end: datetime) -> QuerySet[Post, Any]:
    """(space id, asked at, first answer at, accepted answer written at) of each question asked
    in [start, end), visible or hidden but not removed by its author; answers are visible
    top-level comments of someone other than the asker."""
    answers = Comment.objects.filter(
        post=OuterRef("pk"), parent__isnull=True, state=ContentState.VISIBLE
    ).exclude(author=OuterRef("author"))
    return (
        Post.objects.filter(
            space_id__in=ids,
            kind=PostKind.QUESTION,
            # The states listed rather than one excluded: the index on (space, kind, state,
            # created_at) then reads the period's questions only, not all the space's.
            state__in=COUNTED_QUESTION_STATES,
            created_at__gte=start,
            created_at__lt=end,
        )
        .annotate(
            first_answer=Subquery(
                answers.order_by().values("post").annotate(first=Min("created_at"))
                .values("first")[:1]
            ),
            accepted_at=Subquery(
                Comment.objects.filter(pk=OuterRef("accepted_answer_id")).values("created_at")[:1]
            ),
        )
        .values_list("space_id", "created_at", "first_answer", "accepted_at")
        .order_by()
    )  # fmt: skip


def answer_target(space: Space) -> timedelta:
    """How soon the space's plan wants a question answered."""
    return timedelta(hours=space.target_answer_hours or 24)


def _questions(
    ids: list[int], period: Period, result: dict[int, Vitals], *, previous: bool = True
) -> None:
    """Questions asked in the period (and the previous one, unless not `previous`)."""
    start = period.start
    rows = question_facts(ids, period.previous.start if previous else start, period.end)
    now = min(timezone.now(), period.end)
    for space_id, asked, first_answer, accepted_at in rows:
        found = result[space_id]
        in_period = asked >= start
        tally = found.questions if in_period else found.questions_previous
        tally.add(
            asked,
            first_answer,
            accepted_at,
            cutoff=now if in_period else start,
            target=answer_target(found.space),
        )


def count_completion(ids: list[int], result: dict[int, Vitals]) -> None:
    """Completion of released activities (reading, task, reflection, quick check) by learners
    (members who are not owners or moderators). Each activity's progress is read through its
    own index range, not the whole progress table."""
    learners = Membership.objects.filter(
        space_id=OuterRef(OuterRef("unit__space_id")),
        person_id=OuterRef("person_id"),
        state=MembershipState.ACTIVE,
        role=Role.MEMBER,
    )
    finished = (
        Progress.objects.filter(activity_id=OuterRef("pk"), state__in=FINISHED_STATES)
        .filter(Exists(learners))
        .order_by()
        .values("activity_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    released = (
        Activity.objects.filter(unit__space_id__in=ids, unit__release_at__lte=timezone.now())
        .exclude(kind=ActivityKind.DISCUSSION)
        .annotate(finished=Subquery(finished))
        .values_list("unit__space_id", "finished")
        .order_by()
    )
    for space_id, done in released:
        found = result[space_id]
        found.released_activities += 1
        found.finished += done or 0


def content_created(counts: dict[tuple[str, str], int]) -> int:
    """The posts, comments and answers among counts by kind and detail."""
    return sum(n for (kind, _), n in counts.items() if kind in CONTENT_KINDS)


def _moderation(ids: list[int], period: Period, result: dict[int, Vitals]) -> None:
    """Content made in the period (from the daily counts, read by `_counts` before), how much of
    it a moderator has hidden or removed since (from the rollups), and off-topic reports."""
    for found in result.values():
        found.content_created = content_created(found.counts)
    for row in (
        DailyHidden.objects.filter(space_id__in=ids, day__range=(period.first, period.last))
        .values("space_id").annotate(n=Sum("count")).order_by()
    ):  # fmt: skip
        result[row["space_id"]].content_hidden = row["n"]
    window = Q(created_at__gte=period.start, created_at__lt=period.end)
    for reports in (
        Report.objects.filter(window, space_id__in=ids, reason=ReportReason.OFF_TOPIC)
        .values("space_id").annotate(n=Count("id")).order_by()
    ):  # fmt: skip
        result[reports["space_id"]].off_topic_reports = reports["n"]
