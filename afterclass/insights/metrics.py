"""A space's insights over a period: adoption, purpose, value and connection, against its
targets, with the recommendation. A fixed number of queries whatever the number of events
(the rollups are read, never the raw events)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from afterclass.insights.access import insight_settings
from afterclass.insights.models import (
    DailyActivity,
    DailyInteraction,
    EventKind,
    InsightSettings,
    PulseAnswer,
)
from afterclass.insights.periods import Period
from afterclass.insights.privacy import Breakdown, group_of, merge_small, min_group
from afterclass.insights.recommend import Recommendation, recommend
from afterclass.insights.rollups import RollupState, rollup_state
from afterclass.insights.targets import TargetCheck, targets
from afterclass.insights.vitals import Vitals, percent, vitals
from afterclass.learning.models import FINISHED_STATES, Activity, ActivityKind, Progress
from afterclass.people.models import Department, ManagementLevel, Person
from afterclass.posts.models import Comment, ContentState, ReactionKind
from afterclass.spaces.models import Membership, MembershipState, Mode, Role, Space

# The participation pattern people know: 90 % read, 9 % contribute, 1 % create.
PATTERN_90_9_1 = (90, 9, 1)
ENGAGED_DAYS = 10
# A new contributor: contributed or posted in the period, and not in the 90 days before it.
NEW_AFTER_DAYS = 90

KIND_LABELS: dict[tuple[str, str], str] = {
    (EventKind.POSTED, "discussion"): "Discussions",
    (EventKind.POSTED, "question"): "Questions",
    (EventKind.POSTED, "update"): "Updates",
    (EventKind.POSTED, "image"): "Image posts",
    (EventKind.POSTED, "resource"): "Resources",
    (EventKind.POSTED, "announcement"): "Announcements",
    (EventKind.POSTED, "poll"): "Polls",
    (EventKind.ANSWERED, ""): "Answers",
    (EventKind.COMMENTED, ""): "Comments",
    (EventKind.REACTED, ""): "Reactions",
    (EventKind.VOTED, ""): "Votes on answers",
    (EventKind.POLL_ANSWERED, ""): "Poll answers",
    (EventKind.ACTIVITY_COMPLETED, ""): "Activities completed",
    (EventKind.ACTIVITY_SUBMITTED, ""): "Work submitted",
    (EventKind.FEEDBACK_GIVEN, ""): "Feedback given",
}


@dataclass(frozen=True)
class Ladder:
    """Members by what they did in the period: nothing, read only, contributed, created."""

    inactive: int
    readers: int
    contributors: int
    creators: int

    @property
    def total(self) -> int:
        return self.inactive + self.readers + self.contributors + self.creators

    @property
    def active(self) -> int:
        return self.readers + self.contributors + self.creators

    def shares(self) -> tuple[float, float, float]:
        """Readers, contributors and creators as percentages of the active people."""
        active = self.active
        if not active:
            return (0.0, 0.0, 0.0)
        return (
            round(100 * self.readers / active, 1),
            round(100 * self.contributors / active, 1),
            round(100 * self.creators / active, 1),
        )


@dataclass(frozen=True)
class ActivityCompletion:
    unit: str
    activity: str
    done: int
    learners: int

    @property
    def pct(self) -> float | None:
        return percent(self.done, self.learners)


@dataclass(frozen=True)
class UnitCompletion:
    """A unit's released activities finished, over activities times learners."""

    unit: str
    done: int
    possible: int

    @property
    def pct(self) -> float | None:
        return percent(self.done, self.possible)


@dataclass(frozen=True)
class GoTo:
    person: Person
    cross_answers: int


@dataclass(frozen=True)
class MemberActivity:
    person: Person
    days: int
    contributions: int
    creations: int


@dataclass
class Matrix:
    """Interactions between departments: rows act, columns are acted on. Cells of fewer people
    than the threshold hold None and their count goes to `withheld`."""

    labels: list[str] = field(default_factory=list)
    values: list[list[int | None]] = field(default_factory=list)
    withheld: int = 0


@dataclass
class SpaceInsights:
    space: Space
    period: Period
    vitals: Vitals
    recommendation: Recommendation
    engaged: int
    ladder: Ladder
    new_contributors: int
    by_kind: list[tuple[str, int, int]]  # label, this period, previous period
    departments: Breakdown
    levels: Breakdown
    cross_department_pct: float | None
    cross_department_pct_previous: float | None
    cross_level_pct: float | None
    cross_level_pct_previous: float | None
    matrix: Matrix
    completion: list[ActivityCompletion]
    settings: InsightSettings  # what the owner switched on (pulse, health summary)
    pulse_average: float | None
    pulse_answers: int
    targets: list[TargetCheck]
    go_to: list[GoTo] | None  # None: the viewer may not see individuals
    most_active: list[MemberActivity] | None  # None: the viewer may not see individuals
    min_group: int
    rollups: RollupState

    @property
    def unit_completion(self) -> list[UnitCompletion]:
        """Completion per unit, in the units' order, from the activities' figures."""
        units: dict[str, list[int]] = {}
        for item in self.completion:
            done, possible = units.setdefault(item.unit, [0, 0])
            units[item.unit] = [done + item.done, possible + item.learners]
        return [UnitCompletion(unit, done, possible) for unit, (done, possible) in units.items()]

    @property
    def pulse_enabled(self) -> bool:
        return self.settings.pulse_enabled

    @property
    def helped_per_post(self) -> float | None:
        """“This helped me” reactions given in the period per post written in it."""
        helped = self.vitals.counts.get((EventKind.REACTED, ReactionKind.HELPED), 0)
        posts = self.vitals.posts
        return round(helped / posts, 2) if posts else None

    @property
    def pulse_note(self) -> str:
        if self.pulse_average is None and self.pulse_answers:
            return f"({self.pulse_answers} answers: shown from {self.min_group})"
        return f"({self.pulse_answers} answer{'s' if self.pulse_answers != 1 else ''})"

    @property
    def daily(self) -> list[tuple[date, int]]:
        return list(zip(self.period.each_day(), self.vitals.daily_active, strict=True))


def _earliest(period: Period) -> date:
    """The first day the figures of `period` read: the previous period, the 28 days that end
    the period, and the look-back that tells a new contributor from a returning one."""
    return min(
        period.previous.first,
        period.last - timedelta(days=27),
        period.first - timedelta(days=NEW_AFTER_DAYS),
    )


def space_health(space: Space, period: Period) -> Vitals:
    """The few figures of the members' health summary, from the rollups as they are."""
    return vitals([space], period)[space.pk]


def space_insights(space: Space, period: Period, *, individuals: bool) -> SpaceInsights:
    """Everything the space's insight page shows. `individuals`: whether the viewer may see
    named people (the space's owners only). Read from the rollups as the background job left
    them: `rollups` says when."""
    rollups = rollup_state(Period(_earliest(period), period.last))
    found = vitals([space], period)[space.pk]
    activity = DailyActivity.objects.filter(space=space, day__range=(period.first, period.last))
    month = DailyActivity.objects.filter(
        space=space, day__range=(period.last - timedelta(days=27), period.last)
    )
    engaged = (
        month.values("person_id")
        .annotate(days=Count("day", distinct=True))
        .filter(days__gte=ENGAGED_DAYS)
        .count()
    )
    readers = contributors = creators = 0
    for row in (
        activity.values("person_id").annotate(c=Sum("contributions"), k=Sum("creations")).order_by()
    ):
        if row["k"]:
            creators += 1
        elif row["c"]:
            contributors += 1
        else:
            readers += 1
    active = readers + contributors + creators
    ladder = Ladder(max(0, found.members - active), readers, contributors, creators)
    new_contributors = (
        DailyActivity.objects.filter(
            space=space, day__range=(period.first - timedelta(days=NEW_AFTER_DAYS), period.last)
        )
        .filter(Q(contributions__gt=0) | Q(creations__gt=0))
        .values("person_id")
        .annotate(first=Min("day"))
        .filter(first__gte=period.first)
        .count()
    )
    by_kind = _by_kind(found)
    departments, levels = _breakdowns(activity)
    cross = _cross_shares(space, period)
    matrix = _matrix(space, period)
    completion = _completion(space, found.learners) if space.mode == Mode.STRUCTURED else []
    pulse = PulseAnswer.objects.filter(
        space=space, answered_at__gte=period.start, answered_at__lt=period.end
    ).aggregate(average=Avg("score"), n=Count("id"))
    pulse_average = round(pulse["average"], 2) if pulse["n"] >= min_group() else None
    go_to = _go_to(activity) if individuals else None
    most_active = _most_active(activity) if individuals else None
    return SpaceInsights(
        space=space,
        period=period,
        vitals=found,
        recommendation=recommend(found),
        engaged=engaged,
        ladder=ladder,
        new_contributors=new_contributors,
        by_kind=by_kind,
        departments=departments,
        levels=levels,
        cross_department_pct=cross[0],
        cross_department_pct_previous=cross[1],
        cross_level_pct=cross[2],
        cross_level_pct_previous=cross[3],
        matrix=matrix,
        completion=completion,
        settings=insight_settings(space),
        pulse_average=pulse_average,
        pulse_answers=pulse["n"],
        targets=targets(found),
        go_to=go_to,
        most_active=most_active,
        min_group=min_group(),
        rollups=rollups,
    )


def _by_kind(v: Vitals) -> list[tuple[str, int, int]]:
    """Counts by kind for this and the previous period; only posts keep their detail."""
    now: dict[tuple[str, str], int] = defaultdict(int)
    before: dict[tuple[str, str], int] = defaultdict(int)
    for counts, into in ((v.counts, now), (v.counts_previous, before)):
        for (kind, detail), n in counts.items():
            into[(kind, detail if kind == EventKind.POSTED else "")] += n
    return [
        (label, now.get(key, 0), before.get(key, 0))
        for key, label in KIND_LABELS.items()
        if now.get(key) or before.get(key)
    ]


def _breakdowns(activity: QuerySet[DailyActivity]) -> tuple[Breakdown, Breakdown]:
    """Active people and their actions by department and by level, small groups merged."""
    by_department: dict[int | None, int] = {}
    actions_department: dict[int | None, float] = {}
    by_level: dict[int | None, int] = {}
    actions_level: dict[int | None, float] = {}
    for row in (
        activity.values("department_id")
        .annotate(people=Count("person_id", distinct=True), n=Sum("actions"))
        .order_by()
    ):
        by_department[row["department_id"]] = row["people"]
        actions_department[row["department_id"]] = row["n"]
    for level in (
        activity.values("level_id")
        .annotate(people=Count("person_id", distinct=True), n=Sum("actions"))
        .order_by()
    ):
        by_level[level["level_id"]] = level["people"]
        actions_level[level["level_id"]] = level["n"]
    department_names = dict(Department.objects.values_list("id", "name"))
    level_names = dict(ManagementLevel.objects.values_list("id", "name"))
    return (
        merge_small(by_department, actions_department, department_names),
        merge_small(by_level, actions_level, level_names),
    )


def _cross_shares(
    space: Space, period: Period
) -> tuple[float | None, float | None, float | None, float | None]:
    """Shares of interactions between people of different departments (both known), and of
    different levels (both known), in the period and the previous one."""
    previous = period.previous
    rows = DailyInteraction.objects.filter(
        space=space, day__range=(previous.first, period.last)
    ).aggregate(
        **{
            f"{name}_{when}": Sum("count", filter=condition & window)
            for when, window in (
                ("now", Q(day__gte=period.first)),
                ("before", Q(day__lte=previous.last)),
            )
            for name, condition in (
                ("dept", Q(department_id__isnull=False, other_department_id__isnull=False)),
                (
                    "dept_cross",
                    Q(department_id__isnull=False, other_department_id__isnull=False)
                    & ~Q(department_id=F("other_department_id")),
                ),
                ("level", Q(level_id__isnull=False, other_level_id__isnull=False)),
                (
                    "level_cross",
                    Q(level_id__isnull=False, other_level_id__isnull=False)
                    & ~Q(level_id=F("other_level_id")),
                ),
            )
        }
    )

    def share(name: str, when: str) -> float | None:
        return percent(rows[f"{name}_cross_{when}"] or 0, rows[f"{name}_{when}"] or 0)

    return (
        share("dept", "now"),
        share("dept", "before"),
        share("level", "now"),
        share("level", "before"),
    )


def _matrix(space: Space, period: Period) -> Matrix:
    """Department x department interactions; departments with fewer active people than the
    threshold become "Other", cells of fewer acting people than the threshold are withheld."""
    rows = list(
        DailyInteraction.objects.filter(
            space=space,
            day__range=(period.first, period.last),
            department_id__isnull=False,
            other_department_id__isnull=False,
        )
        .values("department_id", "other_department_id", "person_id")
        .annotate(n=Sum("count"))
        .order_by()
    )
    people: dict[int | None, set[int]] = defaultdict(set)
    for row in rows:
        people[row["department_id"]].add(row["person_id"])
    sizes = {key: len(members) for key, members in people.items()}
    cells: dict[tuple[int | None, int | None], int] = defaultdict(int)
    actors: dict[tuple[int | None, int | None], set[int]] = defaultdict(set)
    for row in rows:
        key = (group_of(row["department_id"], sizes), group_of(row["other_department_id"], sizes))
        cells[key] += row["n"]
        actors[key].add(row["person_id"])
    if not cells:
        return Matrix()
    names = dict(Department.objects.values_list("id", "name"))
    groups = sorted(
        {key for pair in cells for key in pair if key is not None}, key=lambda k: names.get(k, "")
    )
    order: list[int | None] = [*groups, None]
    matrix = Matrix(labels=[names.get(k, "") if k is not None else "Other" for k in order])
    threshold = min_group()
    for row_key in order:
        line: list[int | None] = []
        for col_key in order:
            key = (row_key, col_key)
            if key not in cells:
                line.append(0)
            elif len(actors[key]) < threshold:
                line.append(None)
                matrix.withheld += cells[key]
            else:
                line.append(cells[key])
        matrix.values.append(line)
    return matrix


def _completion(space: Space, learners: int) -> list[ActivityCompletion]:
    """Each released activity with the number of learners (active members who are not
    facilitators) who finished it: a discussion prompt by a visible comment on its post, the
    others by their progress. One query, counted in SQL whatever the numbers of learners."""

    def is_learner(person: str) -> Exists:
        return Exists(
            Membership.objects.filter(
                space_id=space.pk,
                person_id=OuterRef(person),
                state=MembershipState.ACTIVE,
                role=Role.MEMBER,
            )
        )

    finished = (
        Progress.objects.filter(activity=OuterRef("pk"), state__in=FINISHED_STATES)
        .filter(is_learner("person_id"))
        .order_by()
        .values("activity")
        .annotate(n=Count("person_id", distinct=True))
        .values("n")
    )
    commented = (
        Comment.objects.filter(post=OuterRef("post_id"), state=ContentState.VISIBLE)
        .filter(is_learner("author_id"))
        .order_by()
        .values("post")
        .annotate(n=Count("author_id", distinct=True))
        .values("n")
    )
    activities = (
        Activity.objects.filter(unit__space=space, unit__release_at__lte=timezone.now())
        .select_related("unit")
        .annotate(
            finished=Case(
                When(kind=ActivityKind.DISCUSSION, then=Coalesce(Subquery(commented), 0)),
                default=Coalesce(Subquery(finished), 0),
            )
        )
        .order_by("unit__position", "position")
    )
    return [
        ActivityCompletion(activity.unit.title, activity.title, activity.finished, learners)
        for activity in activities
    ]


def _go_to(activity: QuerySet[DailyActivity]) -> list[GoTo]:
    """The people who answered most across departments (named: owners only)."""
    rows = list(
        activity.values("person_id")
        .annotate(n=Sum("cross_answers"))
        .filter(n__gt=0)
        .order_by("-n", "person_id")[:5]
    )
    people = Person.objects.in_bulk([row["person_id"] for row in rows])
    return [GoTo(people[row["person_id"]], row["n"]) for row in rows if row["person_id"] in people]


MOST_ACTIVE = 20


def _most_active(activity: QuerySet[DailyActivity]) -> list[MemberActivity]:
    """Who was active on most days of the period (named: owners only). Anonymous acts are not
    in the rollups' people, so they never show here."""
    rows = list(
        activity.values("person_id")
        .annotate(days=Count("day", distinct=True), c=Sum("contributions"), k=Sum("creations"))
        .order_by("-days", "-k", "-c", "person_id")[:MOST_ACTIVE]
    )
    people = Person.objects.in_bulk([row["person_id"] for row in rows])
    return [
        MemberActivity(people[row["person_id"]], row["days"], row["c"], row["k"])
        for row in rows
        if row["person_id"] in people
    ]
