"""The read side of learning: a space's units for one person, the facilitators' progress grid,
the review queue and "my learning" across spaces. Each is a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from afterclass.core.pagination import Page, paginate
from afterclass.learning.access import (
    learner_units_filter,
    submissions_visible_filter,
)
from afterclass.learning.models import (
    FINISHED_STATES,
    Activity,
    ActivityKind,
    Progress,
    ProgressState,
    Session,
    Submission,
    SubmissionState,
    Unit,
)
from afterclass.posts.models import Comment, ContentState
from afterclass.spaces.models import Membership, MembershipState, Role

if TYPE_CHECKING:
    from afterclass.people.models import Person
    from afterclass.spaces.models import Space

DUE_SOON = timedelta(days=7)
RECENT = timedelta(days=14)
MY_LEARNING_LIMIT = 50


def with_my_state(activities: QuerySet[Activity], person: Person) -> QuerySet[Activity]:
    """Annotate `my_state`, `my_best` and `commented` (posted in a discussion's thread)."""
    mine = Progress.objects.filter(activity=OuterRef("pk"), person=person)
    commented = Comment.objects.filter(
        post_id=OuterRef("post_id"), author=person, state=ContentState.VISIBLE
    )
    return activities.annotate(
        # Coalesced: a NULL would make `exclude(finished_filter())` drop the row.
        my_state=Coalesce(Subquery(mine.values("state")[:1]), Value(ProgressState.NOT_STARTED)),
        my_best=Subquery(mine.values("best_score")[:1]),
        my_updated_at=Subquery(mine.values("updated_at")[:1]),
        commented=Exists(commented),
    )


def state_of(activity: Activity) -> str:
    """The person's state on an activity annotated by `with_my_state`."""
    if activity.kind == ActivityKind.DISCUSSION:
        return ProgressState.DONE if getattr(activity, "commented", False) else (
            ProgressState.NOT_STARTED)  # fmt: skip
    return getattr(activity, "my_state", None) or ProgressState.NOT_STARTED


def finished_filter() -> Q:
    return Q(my_state__in=FINISHED_STATES) | Q(kind=ActivityKind.DISCUSSION, commented=True)


@dataclass
class UnitView:
    unit: Unit
    activities: list[Activity]
    released: bool
    overdue: bool
    done: int = 0

    @property
    def total(self) -> int:
        return len(self.activities)

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.done == self.total


@dataclass
class LearningPage:
    units: list[UnitView]
    next_activity: Activity | None
    sessions: list[Session] = field(default_factory=list)


def space_learning(space: Space, person: Person, now: datetime | None = None) -> LearningPage:
    """The units the person may see in order, each activity with their state; the next thing to
    do is the first unfinished activity of a released unit. Three queries."""
    now = now or timezone.now()
    activities = with_my_state(Activity.objects.order_by("position"), person)
    units = list(
        Unit.objects.visible_to(person, space, now)
        .select_related("session")
        .prefetch_related(Prefetch("activities", queryset=activities))
        .order_by("position")
    )
    views = []
    next_activity = None
    for unit in units:
        listed = list(unit.activities.all())
        view = UnitView(unit, listed, released=unit.release_at <= now,
                        overdue=bool(unit.due_at and unit.due_at < now))  # fmt: skip
        for activity in listed:
            activity.unit = unit
            activity.state = state_of(activity)  # type: ignore[attr-defined]
            if activity.state in FINISHED_STATES:  # type: ignore[attr-defined]
                view.done += 1
            elif next_activity is None and view.released:
                next_activity = activity
        views.append(view)
    sessions = list(Session.objects.filter(space=space).order_by("starts_at", "id"))
    return LearningPage(views, next_activity, sessions)


@dataclass
class GridRow:
    person: Person
    states: list[str]
    finished: int
    rate: int


@dataclass
class GridColumn:
    activity: Activity
    finished: int
    rate: int


@dataclass
class Grid:
    columns: list[GridColumn]
    rows: list[GridRow]
    sort: str


GRID_SORTS = ("name", "-name", "completion", "-completion")


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def progress_grid(space: Space, *, sort: str = "name") -> Grid:
    """Learners (active members who are not facilitators) by activities, with rates. Four
    queries, whatever the numbers of people and activities."""
    if sort not in GRID_SORTS:
        sort = "name"
    learners = [
        m.person
        for m in Membership.objects.filter(
            space=space, state=MembershipState.ACTIVE, role=Role.MEMBER
        ).select_related("person").order_by("person__display_name", "person_id")
    ]  # fmt: skip
    activities = list(
        Activity.objects.filter(unit__space=space).select_related("unit")
        .order_by("unit__position", "position")
    )  # fmt: skip
    states: dict[tuple[int, int], str] = {
        (activity_id, person_id): state
        for activity_id, person_id, state in Progress.objects.filter(
            activity__unit__space=space
        ).values_list("activity_id", "person_id", "state")
    }
    posts = {a.post_id: a.pk for a in activities if a.post_id is not None}
    commented: set[tuple[int, int]] = set()
    if posts:
        for post_id, author_id in (
            Comment.objects.filter(post_id__in=list(posts), state=ContentState.VISIBLE)
            .values_list("post_id", "author_id").distinct()
        ):  # fmt: skip
            commented.add((posts[post_id], author_id))
    column_done: dict[int, int] = defaultdict(int)
    rows = []
    for person in learners:
        row_states = []
        for activity in activities:
            key = (activity.pk, person.pk)
            state: str
            if activity.kind == ActivityKind.DISCUSSION:
                state = ProgressState.DONE if key in commented else ProgressState.NOT_STARTED
            else:
                state = states.get(key, ProgressState.NOT_STARTED)
            if state in FINISHED_STATES:
                column_done[activity.pk] += 1
            row_states.append(state)
        finished = sum(state in FINISHED_STATES for state in row_states)
        rows.append(GridRow(person, row_states, finished, _percent(finished, len(activities))))
    if sort in ("completion", "-completion"):
        rows.sort(key=lambda row: (row.rate, row.person.display_name),
                  reverse=sort == "-completion")  # fmt: skip
    elif sort == "-name":
        rows.reverse()
    columns = [
        GridColumn(a, column_done[a.pk], _percent(column_done[a.pk], len(learners)))
        for a in activities
    ]
    return Grid(columns, rows, sort)


def review_queue(
    space: Space, viewer: Person, *, state: str = SubmissionState.SUBMITTED,
    cursor: str | None = None, limit: int = 25,
) -> Page[Submission]:  # fmt: skip
    """Task submissions waiting for feedback (or in another state), oldest first."""
    rows = (
        Submission.objects.filter(submissions_visible_filter(viewer, space))
        .filter(activity__kind=ActivityKind.TASK, state=state)
        .select_related("person", "activity", "activity__unit")
    )
    return paginate(rows, order=["submitted_at", "pk"], cursor=cursor, limit=limit)


def activity_submissions(
    activity: Activity, viewer: Person, *, cursor: str | None = None, limit: int = 25
) -> Page[Submission]:
    rows = Submission.objects.filter(
        submissions_visible_filter(viewer, activity.unit.space), activity=activity
    ).select_related("person", "feedback_by")
    return paginate(rows, order=["submitted_at", "pk"], cursor=cursor, limit=limit)


@dataclass
class MyLearning:
    due_soon: list[Activity]
    overdue: list[Activity]
    done_recently: list[Activity]


def my_learning(person: Person, now: datetime | None = None) -> MyLearning:
    """Across my spaces (as a member): activities due within a week that I have not finished,
    those overdue, and those I finished in the last two weeks. Three queries."""
    now = now or timezone.now()
    base = with_my_state(
        Activity.objects.filter(learner_units_filter(person, now, prefix="unit__")),
        person,
    ).select_related("unit", "unit__space")
    unfinished = base.exclude(finished_filter())
    due_soon = unfinished.filter(unit__due_at__gt=now, unit__due_at__lte=now + DUE_SOON)
    overdue = unfinished.filter(unit__due_at__lte=now)
    done = base.filter(Q(my_state__in=FINISHED_STATES) & Q(my_updated_at__gte=now - RECENT))
    return MyLearning(
        due_soon=_stated(due_soon.order_by("unit__due_at", "position", "pk")),
        overdue=_stated(overdue.order_by("-unit__due_at", "position", "pk")),
        done_recently=_stated(done.order_by(F("my_updated_at").desc(), "pk")),
    )


def _stated(activities: QuerySet[Activity]) -> list[Activity]:
    rows = list(activities[:MY_LEARNING_LIMIT])
    for activity in rows:
        activity.state = state_of(activity)  # type: ignore[attr-defined]
    return rows
