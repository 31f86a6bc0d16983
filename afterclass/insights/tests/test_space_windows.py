"""The organisation's page reads every space's figures from the rolled-up windows and totals:
the same figures as counting them from the day rollups and the content, in a fixed number of
queries that read no raw table, whatever the numbers of spaces and events."""

from dataclasses import fields
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from afterclass.insights.models import (
    WINDOW_DAYS,
    Event,
    EventKind,
    SpaceTotals,
    SpaceWindow,
)
from afterclass.insights.organisation import organisation_insights
from afterclass.insights.periods import Period, day_start, today
from afterclass.insights.rollups import compute_rollups, ensure_rollups
from afterclass.insights.space_windows import rolled_up_vitals
from afterclass.insights.tasks import rollup_insights
from afterclass.insights.tests.factories import event
from afterclass.insights.vitals import Questions, Vitals, vitals
from afterclass.learning.actions import do_mark_done
from afterclass.learning.tests.factories import make_activity, make_course, make_unit
from afterclass.moderation.actions import do_report
from afterclass.people.models import Person
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import do_accept_answer
from afterclass.posts.models import Comment, ContentState, Post
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import Space
from afterclass.spaces.tests.factories import add_member, make_space

QUESTION_FIGURES = (
    "asked",
    "answered",
    "accepted",
    "waited_48h",
    "old_enough",
    "within_target",
    "answer_rate",
    "unanswered_48h_pct",
    "within_target_pct",
    "median_first_answer_hours",
    "median_accepted_hours",
)
# What the page may read: no posts, comments, events, progress, memberships or day rollups.
RAW_TABLES = (
    "posts_post",
    "posts_comment",
    "insights_event",
    "insights_dailyactivity",
    "insights_dailycount",
    "insights_dailyhidden",
    "learning_progress",
    "spaces_membership",
    "moderation_report",
)


def ago(**delta: float):
    return timezone.now() - timedelta(**delta)


def backdate(item: Post | Comment, at) -> None:
    type(item).objects.filter(pk=item.pk).update(created_at=at)
    item.created_at = at


@pytest.fixture
def world(space, owner):
    """Two launched spaces with 120 days of members' activity, posts of several kinds,
    questions answered early, late, never and after an acceptance, hidden content, an
    off-topic report and a structured space's learners' progress."""
    Space.objects.filter(pk=space.pk).update(target_answer_hours=12, target_answer_rate_pct=50)
    space.refresh_from_db()
    people = [add_member(space).person for _ in range(6)]
    Person.objects.filter(pk__in=[p.pk for p in people[:4]]).update(last_login=timezone.now())
    course = make_course(owner, slug="course")
    learners = [add_member(course, person).person for person in people[:3]]
    unit = make_unit(course, owner)
    first, second = make_activity(unit, owner), make_activity(unit, owner, title="Second")
    for learner in learners:
        do_mark_done(first, actor=learner)
    do_mark_done(second, actor=learners[0])
    for n in range(120):
        day = today() - timedelta(days=n)
        person = people[n % len(people)]
        kind = (EventKind.VIEWED, EventKind.POSTED, EventKind.COMMENTED, EventKind.REACTED)[n % 4]
        detail = ("discussion", "question", "update")[n % 3] if kind == EventKind.POSTED else ""
        event(kind, person, space if n % 3 else course, day, detail=detail)
        event(EventKind.VIEWED, people[(n + 1) % 6], space, day, hour=9)
        event(EventKind.SIGNED_IN, person, None, day, hour=8)
    asker, helper = people[0], people[1]
    # Asked today whatever the hour the suite runs (3 hours ago is yesterday before 3 am).
    today_hours = (timezone.now() - day_start(today())).total_seconds() / 3600
    for hours, answer_after, accept in (
        (today_hours * 2 / 3, today_hours / 3, False),  # too young to judge 48 hours
        (60, 2, True),
        (80, 20, False),  # answered, late for the 12-hour target
        (100, None, False),  # never answered
        (24 * 10, 50, True),  # answered after 48 hours
        (24 * 40, 5, False),  # the previous 28 days
        (24 * 100, 1, True),  # the previous 90 days
    ):
        question = make_post(space, asker, kind="question")
        backdate(question, ago(hours=hours))
        if answer_after is not None:
            answer = make_comment(question, helper)
            backdate(answer, ago(hours=hours - answer_after))
            if accept:
                do_accept_answer(question, answer, actor=asker)
    removed = make_post(space, asker, kind="question")
    Post.objects.filter(pk=removed.pk).update(state=ContentState.REMOVED_BY_AUTHOR)
    hidden = make_post(space, people[2])
    backdate(hidden, ago(days=2))
    Post.objects.filter(pk=hidden.pk).update(state=ContentState.HIDDEN)
    do_report(make_post(space, people[3]), actor=people[4], reason="off_topic")
    # Before the days the figures read, and the announcement the last post never is.
    backdate(make_post(course, owner), ago(days=30))
    make_post(course, owner, kind="announcement")
    ensure_rollups(Period.last_days(200))
    return [space, course]


def same_figures(rolled: Vitals, counted: Vitals, *, skip: tuple[str, ...] = ()) -> list[str]:
    differences = []
    for name in (f.name for f in fields(Vitals) if f.name not in skip):
        if name in {"questions", "questions_previous"}:
            ours: Questions = getattr(rolled, name)
            theirs: Questions = getattr(counted, name)
            differences.extend(
                f"{name}.{figure}: {getattr(ours, figure)} != {getattr(theirs, figure)}"
                for figure in QUESTION_FIGURES
                if getattr(ours, figure) != getattr(theirs, figure)
            )
        elif getattr(rolled, name) != getattr(counted, name):
            differences.append(f"{name}: {getattr(rolled, name)} != {getattr(counted, name)}")
    return differences


@pytest.mark.parametrize("days", WINDOW_DAYS)
def test_rolled_up_vitals_are_the_counted_vitals(world, days):
    period = Period.last_days(days)

    rolled = rolled_up_vitals(world, period)
    counted = vitals(world, period)

    assert rolled is not None
    for space in world:
        assert same_figures(rolled[space.pk], counted[space.pk]) == [], space.name
    space, course = (rolled[space.pk] for space in world)
    assert space.members == 7
    assert space.questions.asked
    assert space.posts
    assert space.daily_active[-1]
    assert course.released_activities == 2
    assert course.finished == 4


def test_organisation_insights_are_the_same_rolled_up_or_counted(world):
    period = Period.last_days(28)
    rolled = organisation_insights(period)
    SpaceWindow.objects.all().delete()  # as right after the migration: counted again
    counted = organisation_insights(period)

    assert [(row.space, row.recommendation) for row in rolled.rows] == [
        (row.space, row.recommendation) for row in counted.rows
    ]
    for ours, theirs in zip(rolled.rows, counted.rows, strict=True):
        # Counted for the organisation, the previous period's questions are left out.
        assert same_figures(ours.vitals, theirs.vitals, skip=("questions_previous",)) == []
    assert rolled.daily_active == counted.daily_active


def test_rolled_up_vitals_only_for_periods_the_windows_hold(world):
    assert rolled_up_vitals(world, Period.last_days(28)) is not None
    # Ending before today: content hidden or answered since would not be counted.
    assert rolled_up_vitals(world, Period.last_days(28, until=today() - timedelta(days=1))) is None
    assert rolled_up_vitals(world, Period.last_days(14)) is None  # no such window
    SpaceWindow.objects.filter(day=today() - timedelta(days=28), space__isnull=True).delete()
    assert rolled_up_vitals(world, Period.last_days(28)) is None  # not computed
    assert rolled_up_vitals([], Period.last_days(28)) == {}


def test_the_periodic_job_brings_the_windows_and_totals_up_to_date(world, owner):
    space = world[0]
    before = organisation_insights(Period.last_days(7)).rows
    question = make_post(space, add_member(space).person, kind="question")

    rollup_insights.call()

    after = {row.space.pk: row.vitals for row in organisation_insights(Period.last_days(7)).rows}
    found = next(row.vitals for row in before if row.space.pk == space.pk)
    assert after[space.pk].members == found.members + 1
    assert after[space.pk].posts == found.posts + 1
    assert after[space.pk].questions.asked == found.questions.asked + 1
    assert after[space.pk].last_post_at == question.created_at
    assert SpaceTotals.objects.count() == Space.objects.count()


def test_windows_of_days_no_longer_read_are_dropped(space, owner):
    event(EventKind.VIEWED, owner, space, today() - timedelta(days=95))
    compute_rollups(Period.last_days(100))
    assert SpaceWindow.objects.filter(space=space, days=7).count() == 3  # ends -90 to -88
    SpaceWindow.objects.create(day=today() - timedelta(days=100), days=7, space=space)

    compute_rollups(Period.last_days(1))

    oldest = SpaceWindow.objects.order_by("day").values_list("day", flat=True).first()
    assert oldest == today() - timedelta(days=max(WINDOW_DAYS))


def _page_queries(client, spaces: int) -> list[str]:
    owners = [PersonFactory() for _ in range(3)]
    made = [
        make_space(owners[n % 3], name=f"Space {n:02}", slug=f"space-{n}") for n in range(spaces)
    ]
    now = timezone.now()
    Event.objects.bulk_create(
        Event(kind=EventKind.VIEWED, person=owners[n % 3], space=space,
              time=now - timedelta(hours=hours))
        for n, space in enumerate(made)
        for hours in range(0, 24 * 100, 7)
    )  # fmt: skip
    for n, space in enumerate(made):
        make_post(space, owners[n % 3], kind="question")
    ensure_rollups(Period.last_days(120))
    admin = PersonFactory(is_org_admin=True)
    client.force_login(admin)
    client.get(reverse("insights-organisation"))  # warms the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("insights-organisation"))
    assert response.status_code == 200
    assert "Space 00" in response.content.decode()
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.django_db
def test_organisation_page_reads_rollups_in_as_many_queries_for_1_or_30_spaces(client, settings):
    settings.AFTERCLASS_PAGE_CACHE = False  # what building the page reads, not a remembered one
    few = _page_queries(client, 1)
    Space.objects.all().delete()
    many = _page_queries(client, 30)

    assert len(few) == len(many)
    for sql in many:
        assert not any(f'"{table}"' in sql for table in RAW_TABLES), sql
    assert any('"insights_spacewindow"' in sql for sql in many)


def test_organisation_page_counts_again_until_the_windows_are_rolled_up(client, world):
    SpaceWindow.objects.all().delete()
    admin = PersonFactory(is_org_admin=True)
    client.force_login(admin)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("insights-organisation"))
    assert response.status_code == 200
    assert any('"posts_post"' in query["sql"] for query in captured.captured_queries)


def test_organisation_page_lists_the_first_spaces_to_look_at_then_all_on_asking(client):
    from afterclass.insights.views import LOOK_FIRST_ROWS

    owner = PersonFactory()
    for n in range(LOOK_FIRST_ROWS + 2):
        space = make_space(owner, name=f"Quiet {n:02}", slug=f"quiet-{n}")
        for _ in range(3):
            add_member(space)
    # Launched a month ago, and nobody has done anything since: each is to look at.
    Space.objects.update(launched_at=timezone.now() - timedelta(days=30))
    rollup_insights.call()
    admin = PersonFactory(is_org_admin=True)
    client.force_login(admin)
    flagged = organisation_insights(Period.last_days(28)).look_first
    assert len(flagged) == LOOK_FIRST_ROWS + 2

    body = client.get(reverse("insights-organisation")).content.decode()
    listed = body.split('<ol class="look-first">')[1].split("</ol>")[0]
    assert listed.count("<li>") == LOOK_FIRST_ROWS
    assert f"Show all {LOOK_FIRST_ROWS + 2}" in body
    body = client.get(reverse("insights-organisation") + "?all=1").content.decode()
    listed = body.split('<ol class="look-first">')[1].split("</ol>")[0]
    assert listed.count("<li>") == LOOK_FIRST_ROWS + 2
    assert f"Show all {LOOK_FIRST_ROWS + 2}" not in body
