"""The daily rollups: they agree with a direct computation over the raw events on a generated
history of 100,000 events, and ensure_rollups computes exactly the days that are missing or
stale (a day computed before it ended; today when older than the freshness limit)."""

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.utils import timezone

from afterclass.insights.metrics import ENGAGED_DAYS, NEW_AFTER_DAYS, space_insights
from afterclass.insights.models import (
    CONTRIBUTING_KINDS,
    CREATING_KINDS,
    INTERACTION_KINDS,
    NOT_ACTIVE_KINDS,
    ActivePeople,
    DailyActivity,
    DailyCount,
    DailyHidden,
    Event,
    EventKind,
    RolledUpDay,
)
from afterclass.insights.organisation import organisation_insights
from afterclass.insights.periods import Period, day_end, day_start
from afterclass.insights.privacy import merge_small
from afterclass.insights.rollups import WINDOW_DAYS, compute_rollups, ensure_rollups
from afterclass.insights.tasks import rollup_insights
from afterclass.insights.tests.factories import event, local
from afterclass.insights.vitals import Vitals, _count_active, active_windows, percent, vitals
from afterclass.people.models import Department, ManagementLevel, Person
from afterclass.people.tests.factories import DepartmentFactory, LevelFactory, PersonFactory
from afterclass.posts.actions import (
    do_hide_comment,
    do_hide_post,
    do_remove_comment,
    do_restore_post,
)
from afterclass.posts.models import Comment, Post, PostKind, ReactionKind
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import Membership, MembershipState, Role, Space
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

# --- Rollups against the raw events ----------------------------------------------------------

FIRST = date(2026, 7, 15)
DAYS = 120
LAST = FIRST + timedelta(days=DAYS - 1)  # 11 November 2026: spans the clocks going back
EVENTS = 100_000
PERIODS = [
    Period(date(2026, 8, 1), date(2026, 8, 28)),
    Period(date(2026, 10, 19), date(2026, 10, 31)),  # 25 October has 25 hours
    Period(LAST - timedelta(days=6), LAST),
    Period(LAST - timedelta(days=89), LAST),  # its previous period starts before the history
    Period(FIRST, FIRST),
]


def generate_history(seed: int = 20261130) -> list[tuple]:
    """200 people in 8 departments (some in none, some moving department halfway), 6 spaces,
    100,000 events of every kind over 120 days, 4 % of them anonymous."""
    rng = random.Random(seed)
    departments = [DepartmentFactory() for _ in range(8)]
    levels = [LevelFactory() for _ in range(4)]
    people = [
        PersonFactory(
            department=rng.choice([*departments, None]), level=rng.choice([*levels, None])
        )
        for _ in range(200)
    ]
    movers = {person.pk: rng.choice(departments).pk for person in people[:20]}
    owner = PersonFactory(is_org_admin=True)
    spaces = [make_space(owner, name=f"Space {n}") for n in range(6)]
    Membership.objects.bulk_create(
        Membership(space=space, person=person, role=Role.MEMBER, state=MembershipState.ACTIVE)
        for space in spaces
        for person in rng.sample(people, 120)
    )
    # As in life, a few people do most things: the n-th busiest about 1/n as much as the first.
    busy = [1 / rank for rank in range(1, len(people) + 1)]
    kinds = list(EventKind)
    weights = [20 if kind == EventKind.VIEWED else 3 for kind in kinds]
    start = day_start(FIRST)
    seconds = int((day_end(LAST) - start).total_seconds())
    halfway = start + timedelta(seconds=seconds // 2)
    batch: list[Event] = []
    for _ in range(EVENTS):
        kind = rng.choices(kinds, weights)[0]
        when = start + timedelta(seconds=rng.randrange(seconds))
        space = None if kind == EventKind.SIGNED_IN else rng.choice(spaces)
        detail = ""
        if kind == EventKind.POSTED:
            detail = rng.choice(list(PostKind))
        elif kind == EventKind.REACTED:
            detail = rng.choice(list(ReactionKind))
        person = None if rng.random() < 0.04 else rng.choices(people, busy)[0]
        fields = {}
        if person is not None:
            fields["department_id"] = person.department_id
            if person.pk in movers and when >= halfway:
                fields["department_id"] = movers[person.pk]
            fields["level_id"] = person.level_id
            if kind in INTERACTION_KINDS and rng.random() < 0.8:
                other = rng.choice(people)
                fields["other_department_id"] = other.department_id
                fields["other_level_id"] = other.level_id
        batch.append(
            Event(
                time=when,
                kind=kind,
                detail=detail,
                person_id=person.pk if person else None,
                space_id=space.pk if space else None,
                **fields,
            )
        )
        if len(batch) == 5000:
            Event.objects.bulk_create(batch)
            batch = []
    Event.objects.bulk_create(batch)
    zone = timezone.get_default_timezone()
    stored = Event.objects.filter(time__gte=start, time__lt=day_end(LAST)).values_list(
        "time", "kind", "detail", "person_id", "space_id", "department_id", "level_id",
        "other_department_id", "other_level_id",
    )  # fmt: skip
    return [(timezone.localtime(when, zone).date(), *rest) for when, *rest in stored]


class Direct:
    """The figures computed in plain Python over the raw events of one space."""

    def __init__(self, rows: list[tuple]):
        self.rows = rows

    def attributed(self, first: date, last: date) -> list[tuple]:
        return [
            row
            for row in self.rows
            if first <= row[0] <= last and row[3] is not None and row[1] not in NOT_ACTIVE_KINDS
        ]

    def active(self, first: date, last: date) -> int:
        return len({row[3] for row in self.attributed(first, last)})

    def daily(self, period: Period) -> list[int]:
        by_day = defaultdict(set)
        for row in self.attributed(period.first, period.last):
            by_day[row[0]].add(row[3])
        return [len(by_day[day]) for day in period.each_day()]

    def counts(self, first: date, last: date) -> dict[tuple[str, str], int]:
        found: dict[tuple[str, str], int] = defaultdict(int)
        for row in self.rows:
            if first <= row[0] <= last:
                found[(row[1], row[2])] += 1
        return dict(found)

    def ladder(self, period: Period) -> tuple[int, int, int]:
        kinds = defaultdict(set)
        for row in self.attributed(period.first, period.last):
            kinds[row[3]].add(row[1])
        creators = sum(1 for done in kinds.values() if done & CREATING_KINDS)
        contributors = sum(
            1 for done in kinds.values() if not done & CREATING_KINDS and done & CONTRIBUTING_KINDS
        )
        return len(kinds) - creators - contributors, contributors, creators

    def engaged(self, last: date) -> int:
        days = defaultdict(set)
        for row in self.attributed(last - timedelta(days=27), last):
            days[row[3]].add(row[0])
        return sum(1 for found in days.values() if len(found) >= ENGAGED_DAYS)

    def new_contributors(self, period: Period) -> int:
        """Contributed in the period, and not in the NEW_AFTER_DAYS days before it."""
        first_day: dict[int, date] = {}
        for row in self.attributed(period.first - timedelta(days=NEW_AFTER_DAYS), period.last):
            if row[1] in CONTRIBUTING_KINDS | CREATING_KINDS:
                first_day[row[3]] = min(first_day.get(row[3], date.max), row[0])
        return sum(1 for day in first_day.values() if day >= period.first)

    def cross(self, first: date, last: date, mine: int, theirs: int) -> float | None:
        pairs = [
            (row[mine], row[theirs])
            for row in self.rows
            if first <= row[0] <= last and row[3] is not None and row[1] in INTERACTION_KINDS
            if row[mine] is not None and row[theirs] is not None
        ]
        return percent(sum(1 for a, b in pairs if a != b), len(pairs))

    def breakdown(self, period: Period, column: int, names: dict[int, str]):
        # A person-day keeps one department (or level): the highest id of the day's events.
        of_day: dict[tuple[date, int], set] = defaultdict(set)
        actions: dict[tuple[date, int], int] = defaultdict(int)
        for row in self.attributed(period.first, period.last):
            of_day[(row[0], row[3])].add(row[column])
            actions[(row[0], row[3])] += 1
        people: dict[int | None, set[int]] = defaultdict(set)
        values: dict[int | None, float] = defaultdict(float)
        for (day, person), keys in of_day.items():
            known = {key for key in keys if key is not None}
            key = max(known) if known else None
            people[key].add(person)
            values[key] += actions[(day, person)]
        return merge_small({k: len(v) for k, v in people.items()}, values, names)

    def go_to(self, period: Period) -> list[tuple[int, int]]:
        answers: dict[int, int] = defaultdict(int)
        for row in self.attributed(period.first, period.last):
            if row[1] == EventKind.ANSWERED and None not in (row[5], row[7]) and row[5] != row[7]:
                answers[row[3]] += 1
        return sorted(answers.items(), key=lambda item: (-item[1], item[0]))[:5]


def test_rollups_agree_with_the_raw_events_on_a_generated_history():
    rows = generate_history()
    assert len(rows) == EVENTS
    assert sum(1 for row in rows if row[3] is None) > 3000  # anonymous acts are in it
    compute_rollups(Period(FIRST - timedelta(days=100), LAST + timedelta(days=1)))
    assert DailyActivity.objects.count() > 20_000
    assert sum(DailyCount.objects.values_list("count", flat=True)) == EVENTS
    by_space: dict[int | None, list[tuple]] = defaultdict(list)
    for row in rows:
        by_space[row[4]].append(row)
    spaces = list(Space.objects.filter(name__startswith="Space ").order_by("pk"))
    assert len(spaces) == 6
    department_names = dict(Department.objects.values_list("id", "name"))
    level_names = dict(ManagementLevel.objects.values_list("id", "name"))
    people = Person.objects.in_bulk()
    for period in PERIODS:
        previous = period.previous
        found = vitals(spaces, period)
        for space in spaces:
            direct, got = Direct(by_space[space.pk]), found[space.pk]
            where = f"space {space.pk}, {period}"
            assert got.daily_active == direct.daily(period), where
            assert got.active_period == direct.active(period.first, period.last), where
            assert got.active_previous == direct.active(previous.first, previous.last), where
            assert got.active_7 == direct.active(period.last - timedelta(days=6), period.last)
            assert got.active_28 == direct.active(period.last - timedelta(days=27), period.last)
            assert got.counts == direct.counts(period.first, period.last), where
            assert got.counts_previous == direct.counts(previous.first, previous.last), where
            insights = space_insights(space, period, individuals=True)
            ladder = insights.ladder
            assert (ladder.readers, ladder.contributors, ladder.creators) == direct.ladder(
                period
            ), where
            assert ladder.inactive == max(0, got.members - ladder.active)
            assert insights.engaged == direct.engaged(period.last), where
            assert insights.new_contributors == direct.new_contributors(period), where
            for mine, theirs, now, before in (
                (5, 7, insights.cross_department_pct, insights.cross_department_pct_previous),
                (6, 8, insights.cross_level_pct, insights.cross_level_pct_previous),
            ):
                assert now == direct.cross(period.first, period.last, mine, theirs), where
                assert before == direct.cross(previous.first, previous.last, mine, theirs)
            assert insights.departments == direct.breakdown(period, 5, department_names), where
            assert insights.levels == direct.breakdown(period, 6, level_names), where
            assert [(g.person, g.cross_answers) for g in insights.go_to] == [
                (people[person], n) for person, n in direct.go_to(period)
            ], where
        everywhere = Direct(rows)
        organisation = organisation_insights(period)
        assert organisation.daily_active == list(
            zip(period.each_day(), everywhere.daily(period), strict=True)
        )
        assert organisation.active_period == everywhere.active(period.first, period.last)
        assert organisation.active_previous == everywhere.active(previous.first, previous.last)
        assert organisation.active_7 == everywhere.active(
            period.last - timedelta(days=6), period.last
        )


# --- Bringing the rollups up to date ---------------------------------------------------------


class Clock:
    """The time as django.utils.timezone sees it (timezone.now and localdate)."""

    def __init__(self, monkeypatch):
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def set(self, day: date, hour: int, minute: int = 0, second: int = 0) -> None:
        self.now = local(day, hour, minute) + timedelta(seconds=second)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


MAY_9, MAY_10, MAY_11 = date(2026, 5, 9), date(2026, 5, 10), date(2026, 5, 11)


def actions_on(person, day: date) -> int:
    return sum(
        DailyActivity.objects.filter(person=person, day=day).values_list("actions", flat=True)
    )


def test_ensure_rollups_computes_missing_days_and_keeps_fresh_ones(space, clock):
    person = add_member(space).person
    event(EventKind.VIEWED, person, space, MAY_9, 18)
    event(EventKind.VIEWED, person, space, MAY_10, 9)
    clock.set(MAY_10, 12)

    assert ensure_rollups(Period(MAY_9, MAY_10)) == 2
    assert (actions_on(person, MAY_9), actions_on(person, MAY_10)) == (1, 1)
    assert dict(RolledUpDay.objects.values_list("day", "computed_at")) == {
        MAY_9: clock.now,
        MAY_10: clock.now,
    }

    # Today's rollup is fresh for 300 seconds: a later event waits, and it costs one query.
    event(EventKind.COMMENTED, person, space, MAY_10, 12, 1)
    clock.set(MAY_10, 12, 5, 0)
    assert ensure_rollups(Period(MAY_9, MAY_10)) == 0
    assert actions_on(person, MAY_10) == 1

    # Older than that, today (only today) is computed again.
    clock.set(MAY_10, 12, 5, 1)
    assert ensure_rollups(Period(MAY_9, MAY_10)) == 1
    assert actions_on(person, MAY_10) == 2
    assert RolledUpDay.objects.get(day=MAY_9).computed_at == local(MAY_10, 12)


def test_ensure_rollups_computes_again_a_day_computed_before_it_ended(space, clock):
    person = add_member(space).person
    clock.set(MAY_10, 12)
    ensure_rollups(Period(MAY_9, MAY_10))
    event(EventKind.VIEWED, person, space, MAY_10, 23, 59)
    event(EventKind.VIEWED, person, space, MAY_11, 0, 1)

    clock.set(MAY_11, 0, 2)
    assert ensure_rollups(Period(MAY_9, MAY_11)) == 2  # 10 May (computed at noon) and today

    assert (actions_on(person, MAY_10), actions_on(person, MAY_11)) == (1, 1)
    assert RolledUpDay.objects.get(day=MAY_10).computed_at == local(MAY_11, 0, 2)
    clock.set(MAY_11, 0, 3)
    assert ensure_rollups(Period(MAY_9, MAY_11)) == 0


def test_ensure_rollups_freshness_follows_the_setting(space, clock, settings):
    settings.AFTERCLASS_INSIGHTS_FRESH_SECONDS = 60
    clock.set(MAY_10, 12)
    ensure_rollups(Period(MAY_10, MAY_10))

    clock.set(MAY_10, 12, 1)
    assert ensure_rollups(Period(MAY_10, MAY_10)) == 0
    clock.set(MAY_10, 12, 1, 1)
    assert ensure_rollups(Period(MAY_10, MAY_10)) == 1


def test_ensure_rollups_never_computes_the_future(space, clock):
    clock.set(MAY_10, 12)

    assert ensure_rollups(Period(MAY_11, date(2026, 5, 20))) == 0
    assert ensure_rollups(Period(MAY_10, date(2026, 5, 20))) == 1
    assert list(RolledUpDay.objects.values_list("day", flat=True)) == [MAY_10]


def test_ensure_rollups_fresh_rollups_cost_one_query(space, clock, django_assert_num_queries):
    person = add_member(space).person
    for day in range(1, 11):
        event(EventKind.VIEWED, person, space, date(2026, 5, day))
    clock.set(MAY_10, 12)
    ensure_rollups(Period(date(2026, 4, 1), MAY_10))
    clock.set(MAY_10, 12, 4)

    with django_assert_num_queries(1):
        assert ensure_rollups(Period(date(2026, 4, 1), MAY_10)) == 0


def test_compute_rollups_replaces_the_days_rows(space, clock):
    person = add_member(space).person
    event(EventKind.POSTED, person, space, MAY_9, detail="question")
    clock.set(MAY_11, 9)
    compute_rollups(Period(MAY_9, MAY_9))
    event(EventKind.POSTED, person, space, MAY_9, detail="question")

    compute_rollups(Period(MAY_9, MAY_9))

    row = DailyActivity.objects.get(person=person, day=MAY_9)
    assert (row.actions, row.creations) == (2, 2)
    assert DailyCount.objects.get(space=space, day=MAY_9).count == 2
    assert RolledUpDay.objects.get(day=MAY_9).computed_at == clock.now


def hidden_rows() -> dict[tuple[date, int], int]:
    return {(row.day, row.space_id): row.count for row in DailyHidden.objects.all()}


def test_hidden_content_counts_by_the_local_day_it_was_made_on_every_run(space, owner, clock):
    author = add_member(space).person
    post = make_post(space, author)
    removed = make_comment(post, author)
    make_comment(post, author)  # stays visible
    taken_back = make_comment(post, author)
    Post.objects.filter(pk=post.pk).update(created_at=local(MAY_9, 23, 30))
    Comment.objects.filter(pk=removed.pk).update(created_at=local(MAY_10, 0, 30))
    Comment.objects.filter(pk=taken_back.pk).update(created_at=local(MAY_10, 1))
    do_hide_post(post, actor=owner, reason="Off topic")
    do_remove_comment(removed, actor=owner)  # by a moderator: counted
    do_remove_comment(taken_back, actor=author)  # by its author: not a moderator's doing
    clock.set(MAY_11, 9)

    # Whatever days a run computes, it counts the hidden content of every day again.
    compute_rollups(Period(MAY_11, MAY_11))
    assert hidden_rows() == {(MAY_9, space.pk): 1, (MAY_10, space.pk): 1}
    compute_rollups(Period(MAY_11, MAY_11))
    assert hidden_rows() == {(MAY_9, space.pk): 1, (MAY_10, space.pk): 1}

    do_restore_post(post, actor=owner)
    compute_rollups(Period(MAY_11, MAY_11))
    assert hidden_rows() == {(MAY_10, space.pk): 1}


def test_hidden_share_is_of_the_content_made_in_the_period(space, owner, clock):
    author = add_member(space).person
    for _ in range(3):
        event(EventKind.POSTED, author, space, MAY_9, detail=PostKind.DISCUSSION)
    for _ in range(6):
        event(EventKind.COMMENTED, author, space, MAY_10)
    event(EventKind.ANSWERED, None, space, MAY_10)  # anonymous: content all the same
    event(EventKind.REACTED, author, space, MAY_10)  # not content
    post = make_post(space, author)
    comment = make_comment(post, author)
    Post.objects.filter(pk=post.pk).update(created_at=local(MAY_9, 12))
    Comment.objects.filter(pk=comment.pk).update(created_at=local(MAY_11, 12))  # after
    do_hide_post(post, actor=owner, reason="Off topic")
    do_hide_comment(comment, actor=owner, reason="Off topic")
    clock.set(MAY_11, 18)
    compute_rollups(Period(MAY_9, MAY_11))

    found = vitals([space], Period(MAY_9, MAY_10))[space.pk]

    assert (found.content_created, found.content_hidden, found.hidden_pct) == (10, 1, 10.0)


# --- The periodic job, and distinct people over windows ---------------------------------------


def test_rollup_job_computes_today_every_run_and_is_idempotent(space, clock):
    person = add_member(space).person
    event(EventKind.VIEWED, person, space, MAY_9, 18)
    event(EventKind.VIEWED, person, space, MAY_10, 9)
    clock.set(MAY_10, 12)

    assert rollup_insights.call() == 2  # yesterday and today, never computed
    # A minute later today is fresh for ensure_rollups, but the job computes it all the same:
    # today's figures are never older than the job's period.
    event(EventKind.COMMENTED, person, space, MAY_10, 12)
    clock.set(MAY_10, 12, 1)
    assert rollup_insights.call() == 1
    assert (actions_on(person, MAY_9), actions_on(person, MAY_10)) == (1, 2)
    assert RolledUpDay.objects.get(day=MAY_10).computed_at == clock.now

    def rows() -> tuple[list[tuple], list[tuple]]:
        return (
            sorted(DailyActivity.objects.values_list("day", "space_id", "person_id", "actions")),
            sorted(
                ActivePeople.objects.values_list("day", "days", "space_id", "people", "members"),
                key=lambda row: (row[0], row[1], row[2] or 0),
            ),
        )

    before = rows()
    clock.set(MAY_10, 12, 6)
    assert rollup_insights.call() == 1
    assert rows() == before  # run again, the same rows: none added twice
    assert (MAY_10, 7, space.pk, 1, 1) in before[1]


def test_rollup_job_drops_windows_no_page_reads(space, clock):
    person = add_member(space).person
    event(EventKind.VIEWED, person, space, MAY_10, 9)
    clock.set(MAY_10, 12)
    rollup_insights.call()
    assert ActivePeople.objects.filter(day=MAY_10).exists()

    clock.set(MAY_10 + timedelta(days=91), 12)
    rollup_insights.call()
    assert not ActivePeople.objects.filter(day=MAY_10).exists()
    assert ActivePeople.objects.filter(day=MAY_10 + timedelta(days=91), space=None).exists()


def test_active_people_windows_agree_with_the_daily_activity(clock):
    """Rolled-up windows and the count from the daily activity, side by side, for the periods
    the presets show (ending today) and a 28-day period ending three days ago."""
    last = date(2026, 11, 11)
    spaces = [make_space(PersonFactory(), name=f"Window {n}", slug=f"window-{n}") for n in range(3)]
    people = [PersonFactory() for _ in range(12)]
    for n, person in enumerate(people):
        for space in spaces[: 1 + n % 3]:
            add_member(space, person)
    Membership.objects.filter(person=people[0], space=spaces[0]).update(state=MembershipState.LEFT)
    chance = random.Random(19)
    for _ in range(600):
        day = last - timedelta(days=chance.randrange(200))
        space = chance.choice([*spaces, None])
        kind = EventKind.SIGNED_IN if space is None else EventKind.VIEWED
        event(kind, chance.choice(people), space, day, chance.randrange(24))
    clock.set(last, 23)
    compute_rollups(Period(last - timedelta(days=199), last))
    ids = [space.pk for space in spaces]
    periods = [Period.last_days(days, until=last) for days in WINDOW_DAYS]
    periods.append(Period.last_days(28, until=last - timedelta(days=3)))
    for period in periods:
        assert active_windows(ids, period) is not None, period
        rolled = vitals(spaces, period)
        counted = {space.pk: Vitals(space, period) for space in spaces}
        _count_active(ids, period, counted)
        for space in spaces:
            got, want = rolled[space.pk], counted[space.pk]
            assert (got.active_period, got.active_previous, got.active_7, got.active_28) == (
                want.active_period, want.active_previous, want.active_7, want.active_28
            ), (space, period)  # fmt: skip
            assert (got.members_active_7, got.members_active_28) == (
                want.members_active_7, want.members_active_28
            ), (space, period)  # fmt: skip
        organisation = organisation_insights(period)

        def people_between(first: date, until: date) -> int:
            rows = DailyActivity.objects.filter(day__range=(first, until))
            return rows.values("person_id").distinct().count()

        assert organisation.active_period == people_between(period.first, period.last)
        assert organisation.active_previous == people_between(
            period.previous.first, period.previous.last
        )
        assert organisation.active_7 == people_between(period.last - timedelta(days=6), period.last)
    assert sum(v.active_period for v in vitals(spaces, periods[1]).values()) > 0
