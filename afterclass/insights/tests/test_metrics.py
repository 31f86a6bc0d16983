"""Every figure of a space's insights computed on small hand-built histories with known answers:
adoption (daily, weekly, 28-day active, engaged, the ladder, new contributors), the questions'
value figures, the connection shares, the targets, and the period's days in the organisation's
time zone."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from afterclass.insights.metrics import Ladder, space_insights
from afterclass.insights.models import DailyActivity, Event, EventKind
from afterclass.insights.organisation import organisation_insights
from afterclass.insights.periods import Period, today
from afterclass.insights.rollups import compute_rollups, ensure_rollups
from afterclass.insights.tasks import rollup_insights
from afterclass.insights.tests.factories import event, events_on, local
from afterclass.insights.vitals import vitals
from afterclass.people.tests.factories import DepartmentFactory, PersonFactory
from afterclass.posts.actions import do_accept_answer, do_react, do_vote
from afterclass.posts.models import Comment, ContentState, Post
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import Space
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

MARCH = Period(date(2026, 3, 1), date(2026, 3, 28))
LAST_WEEK_OF_MARCH = Period(date(2026, 3, 22), date(2026, 3, 28))
# Fixed, whatever the numbers of spaces, people and events (one query reads the rollups' state;
# March is too long ago for rolled-up windows: distinct people are counted from the days).
SPACE_INSIGHTS_QUERIES = 26
ORGANISATION_QUERIES = 15


def march(day: int) -> date:
    return date(2026, 3, day)


def signed_in(person) -> None:
    person.last_login = timezone.now()
    person.save(update_fields=["last_login"])


@pytest.fixture
def three(space):
    """Three members active on known days, one member and the owner never active, one outsider
    who only asked to join, and activity in another space that must not count.

    A reads every day of March, posts on 5 March (and had posted on 15 February);
    B reads on 1-9 March and comments on 22 March (ten days, first contribution);
    C reads on 22, 25 and 28 March (reacted on 10 February)."""
    a, b, c, d = (add_member(space).person for _ in range(4))
    for person in (a, b, c):
        signed_in(person)
    events_on(EventKind.VIEWED, a, space, [march(day) for day in range(1, 29)])
    event(EventKind.POSTED, a, space, march(5), detail="discussion")
    event(EventKind.POSTED, a, space, date(2026, 2, 15), detail="discussion")
    events_on(EventKind.VIEWED, b, space, [march(day) for day in range(1, 10)])
    event(EventKind.COMMENTED, b, space, march(22))
    events_on(EventKind.VIEWED, c, space, [march(22), march(25), march(28)])
    event(EventKind.REACTED, c, space, date(2026, 2, 10))
    outsider = PersonFactory()
    event(EventKind.REQUESTED, outsider, space, march(24))
    event(EventKind.LEFT, d, space, march(24))
    elsewhere = make_space(name="Elsewhere")
    events_on(EventKind.POSTED, d, elsewhere, [march(day) for day in range(1, 29)])
    event(EventKind.SIGNED_IN, d, None, march(3))
    # Every day the figures of March read: February before it, and 90 days of look-back.
    compute_rollups(Period(date(2025, 11, 1), date(2026, 4, 30)))
    return {"a": a, "b": b, "c": c, "d": d}


def test_vitals_three_people_known_daily_weekly_and_28_day_active(space, three):
    found = vitals([space], MARCH)[space.pk]

    assert found.members == 5  # the owner and four members
    assert found.activated == 3
    assert found.daily_active == [2] * 9 + [1] * 12 + [3, 1, 1, 2, 1, 1, 2]
    assert found.active_period == 3
    assert found.active_7 == 3  # 22-28 March: A, B and C
    assert found.active_28 == 3
    assert found.weekly_active_pct == 60.0
    assert found.activated_pct == 60.0
    assert found.daily_active_avg == round(41 / 28, 1)  # 1.5
    assert found.active_previous == 2  # February: A and C


def test_vitals_counts_by_kind_this_and_the_previous_period(space, three):
    found = vitals([space], MARCH)[space.pk]

    assert found.counts == {
        (EventKind.VIEWED, ""): 28 + 9 + 3,
        (EventKind.POSTED, "discussion"): 1,
        (EventKind.COMMENTED, ""): 1,
        (EventKind.REQUESTED, ""): 1,
        (EventKind.LEFT, ""): 1,
    }
    assert found.counts_previous == {
        (EventKind.POSTED, "discussion"): 1,
        (EventKind.REACTED, ""): 1,
    }
    assert found.posts == 1
    assert found.posts_previous == 1


def test_vitals_a_week_compared_with_the_week_before(space, three):
    found = vitals([space], LAST_WEEK_OF_MARCH)[space.pk]

    assert found.daily_active == [3, 1, 1, 2, 1, 1, 2]
    assert found.active_period == 3
    assert found.active_previous == 1  # 15-21 March: A only
    assert found.active_7 == 3
    assert found.active_28 == 3
    assert found.counts[(EventKind.VIEWED, "")] == 7 + 3


def test_space_insights_engaged_ladder_and_new_contributors(space, three):
    insights = space_insights(space, MARCH, individuals=True)

    # A was active on 28 days and B on exactly 10 of the last 28: engaged; C on 3.
    assert insights.engaged == 2
    assert insights.ladder == Ladder(inactive=2, readers=1, contributors=1, creators=1)
    assert insights.ladder.shares() == (33.3, 33.3, 33.3)
    # A posted before March; only B contributed for the first time.
    assert insights.new_contributors == 1
    assert insights.daily[0] == (march(1), 2)
    assert insights.daily[-1] == (march(28), 2)
    assert ("Discussions", 1, 1) in insights.by_kind
    assert ("Comments", 1, 0) in insights.by_kind
    assert ("Reactions", 0, 1) in insights.by_kind


def test_space_insights_engaged_needs_ten_days_of_the_last_28(space, three):
    # The 28 days ending on 29 March leave out 1 March: B has 2-9 and 22 March, 9 days.
    ending_29 = Period(date(2026, 3, 2), date(2026, 3, 29))

    assert space_insights(space, ending_29, individuals=False).engaged == 1


def test_space_insights_of_the_previous_month_february(space, three):
    insights = space_insights(space, Period(date(2026, 2, 1), date(2026, 2, 28)), individuals=False)

    assert insights.ladder == Ladder(inactive=3, readers=0, contributors=1, creators=1)
    assert insights.new_contributors == 2
    assert insights.engaged == 0
    assert insights.vitals.active_previous == 0


# --- Period boundaries and time zones --------------------------------------------------------


@pytest.fixture(params=["Europe/London", "America/New_York"])
def zone(request, settings):
    settings.TIME_ZONE = request.param
    return request.param


def test_period_days_are_the_organisations_local_days(zone, space):
    # The settings fixture does take effect: the default and current time zone follow it.
    assert timezone.get_default_timezone_name() == zone
    assert timezone.get_current_timezone_name() == zone
    person = add_member(space).person
    late = event(EventKind.VIEWED, person, space, date(2026, 7, 1), 23, 30)
    early = event(EventKind.COMMENTED, person, space, date(2026, 7, 2), 0, 30)
    # In London both are 1 July in UTC; in New York both are 2 July in UTC.
    assert (
        late.time.astimezone(ZoneInfo("UTC")).date()
        == early.time.astimezone(ZoneInfo("UTC")).date()
    )

    compute_rollups(Period(date(2026, 6, 30), date(2026, 7, 3)))

    rows = DailyActivity.objects.filter(person=person).order_by("day")
    assert [(row.day, row.actions, row.contributions) for row in rows] == [
        (date(2026, 7, 1), 1, 0),
        (date(2026, 7, 2), 1, 1),
    ]
    first_day = vitals([space], Period(date(2026, 7, 1), date(2026, 7, 1)))[space.pk]
    assert first_day.counts == {(EventKind.VIEWED, ""): 1}
    assert Period(date(2026, 7, 1), date(2026, 7, 1)).start == late.time - timedelta(
        hours=23, minutes=30
    )


def test_period_start_and_end_are_local_midnights(zone):
    july = Period(date(2026, 7, 1), date(2026, 7, 31))
    offset = {"Europe/London": 1, "America/New_York": -4}[zone]

    assert july.start == datetime(2026, 7, 1, tzinfo=ZoneInfo("UTC")) - timedelta(hours=offset)
    assert july.end == datetime(2026, 8, 1, tzinfo=ZoneInfo("UTC")) - timedelta(hours=offset)
    assert july.days == 31
    assert july.previous == Period(date(2026, 5, 31), date(2026, 6, 30))


def test_period_on_the_days_the_clocks_change_in_london(settings, space):
    settings.TIME_ZONE = "Europe/London"
    person = add_member(space).person
    autumn = date(2026, 10, 25)  # the clocks go back: a day of 25 hours
    spring = date(2026, 3, 29)  # the clocks go forward: a day of 23 hours
    utc = ZoneInfo("UTC")
    for instant in (
        datetime(2026, 10, 24, 22, 59, tzinfo=utc),  # 23:59 BST on 24 October
        datetime(2026, 10, 24, 23, 0, tzinfo=utc),  # 00:00 BST on 25 October
        datetime(2026, 10, 25, 0, 30, tzinfo=utc),  # 01:30 BST
        datetime(2026, 10, 25, 1, 30, tzinfo=utc),  # 01:30 GMT, the second time
        datetime(2026, 10, 25, 23, 59, tzinfo=utc),  # 23:59 GMT on 25 October
        datetime(2026, 10, 26, 0, 0, tzinfo=utc),  # midnight GMT: 26 October
        datetime(2026, 3, 28, 23, 59, tzinfo=utc),  # 23:59 GMT on 28 March
        datetime(2026, 3, 29, 0, 0, tzinfo=utc),  # midnight: 29 March
        datetime(2026, 3, 29, 22, 59, tzinfo=utc),  # 23:59 BST on 29 March
        datetime(2026, 3, 29, 23, 0, tzinfo=utc),  # midnight BST: 30 March
    ):
        event(EventKind.VIEWED, person, space, autumn, time=instant)

    compute_rollups(Period(date(2026, 3, 27), date(2026, 3, 31)))
    compute_rollups(Period(date(2026, 10, 23), date(2026, 10, 27)))

    actions = dict(DailyActivity.objects.filter(person=person).values_list("day", "actions"))
    assert actions == {
        date(2026, 10, 24): 1,
        autumn: 4,
        date(2026, 10, 26): 1,
        date(2026, 3, 28): 1,
        spring: 2,
        date(2026, 3, 30): 1,
    }
    # (In UTC: Python subtracts two times of the same zone by their wall clocks.)
    for day, hours in ((autumn, 25), (spring, 23)):
        one_day = Period(day, day)
        assert one_day.end.astimezone(utc) - one_day.start.astimezone(utc) == timedelta(hours=hours)


def test_period_on_the_day_the_clocks_go_back_in_new_york(settings, space):
    settings.TIME_ZONE = "America/New_York"
    person = add_member(space).person
    utc = ZoneInfo("UTC")
    # 1 November 2026 runs from 04:00 UTC (EDT) to 05:00 UTC on the 2nd (EST).
    for instant in (
        datetime(2026, 11, 1, 3, 59, tzinfo=utc),
        datetime(2026, 11, 1, 4, 0, tzinfo=utc),
        datetime(2026, 11, 2, 4, 59, tzinfo=utc),
        datetime(2026, 11, 2, 5, 0, tzinfo=utc),
    ):
        event(EventKind.VIEWED, person, space, date(2026, 11, 1), time=instant)

    compute_rollups(Period(date(2026, 10, 31), date(2026, 11, 2)))

    actions = dict(DailyActivity.objects.filter(person=person).values_list("day", "actions"))
    assert actions == {date(2026, 10, 31): 1, date(2026, 11, 1): 2, date(2026, 11, 2): 1}
    one_day = Period(date(2026, 11, 1), date(2026, 11, 1))
    assert one_day.start == datetime(2026, 11, 1, 4, 0, tzinfo=utc)
    assert one_day.end == datetime(2026, 11, 2, 5, 0, tzinfo=utc)


# --- Questions: the value figures ------------------------------------------------------------


def asked(space, author, at: datetime, **fields) -> Post:
    question = make_post(space, author, kind="question", **fields)
    Post.objects.filter(pk=question.pk).update(created_at=at)
    question.created_at = at
    return question


def answered(question: Post, author, at: datetime, **fields) -> Comment:
    answer = make_comment(question, author, **fields)
    Comment.objects.filter(pk=answer.pk).update(created_at=at)
    answer.created_at = at
    return answer


@pytest.fixture
def questions(space, owner):
    """Questions of March with known answer times (hours after asking):
    Q1 answers at 2 h and 5 h, the 5 h one accepted; Q2 one answer at 30 h, accepted;
    Q3 one answer at 60 h; Q4 only the asker's own comment, a reply and a hidden answer;
    Q5 asked 36 h before the period ends, answered at 10 h; Q6 asked 4 hours before the end,
    answered (and accepted) after it; a question removed by its asker; one in February."""
    Space.objects.filter(pk=space.pk).update(target_answer_hours=24, target_answer_rate_pct=40)
    space.refresh_from_db()
    asker, helper, other = (add_member(space).person for _ in range(3))
    q1 = asked(space, asker, local(march(2), 10))
    answered(q1, helper, local(march(2), 12))
    accepted = answered(q1, other, local(march(2), 15))
    do_accept_answer(q1, accepted, actor=asker)
    q2 = asked(space, asker, local(march(3), 10))
    do_accept_answer(q2, answered(q2, helper, local(march(4), 16)), actor=asker)
    q3 = asked(space, asker, local(march(4), 10))
    answered(q3, helper, local(march(6), 22))
    q4 = asked(space, asker, local(march(5), 10))
    own = answered(q4, asker, local(march(5), 11))
    answered(q4, helper, local(march(5), 12), parent=own)
    hidden = answered(q4, other, local(march(5), 11))
    Comment.objects.filter(pk=hidden.pk).update(state=ContentState.HIDDEN)
    q5 = asked(space, asker, local(march(27), 12))
    answered(q5, helper, local(march(27), 22))
    q6 = asked(space, asker, local(march(28), 20))
    do_accept_answer(q6, answered(q6, helper, local(march(29), 1)), actor=asker)
    removed = asked(space, asker, local(march(6), 10))
    Post.objects.filter(pk=removed.pk).update(state=ContentState.REMOVED_BY_AUTHOR)
    before = asked(space, asker, local(date(2026, 2, 20), 10))
    answered(before, helper, local(date(2026, 2, 20), 11))
    return space


def test_vitals_questions_known_answer_times(questions):
    found = vitals([questions], MARCH)[questions.pk].questions

    assert found.asked == 6
    assert found.answered == 4
    assert found.answer_rate == 66.7
    assert sorted(found.first_answer_hours) == [2.0, 10.0, 30.0, 60.0]
    assert found.median_first_answer_hours == 20.0
    # Q6's answer came after the period: neither answered nor accepted within it.
    assert found.accepted == 2
    assert found.accepted_rate == 33.3
    assert sorted(found.accepted_hours) == [5.0, 30.0]
    assert found.median_accepted_hours == 17.5
    # Asked at least 48 h before the end: Q1-Q4; of those Q3 (60 h) and Q4 (none) waited.
    assert found.old_enough == 4
    assert found.waited_48h == 2
    assert found.unanswered_48h_pct == 50.0
    # Answered within the space's 24 hours: Q1 and Q5, of six asked.
    assert found.within_target == 2
    assert found.within_target_pct == 33.3


def test_vitals_questions_of_the_previous_period(questions):
    found = vitals([questions], MARCH)[questions.pk].questions_previous

    assert (found.asked, found.answered, found.accepted) == (1, 1, 0)
    assert found.median_first_answer_hours == 1.0
    assert found.old_enough == 1
    assert found.waited_48h == 0


def test_vitals_questions_of_a_previous_period_are_judged_at_its_end(questions):
    # March is the period before 29 March - 25 April: the same figures as March's own.
    april = Period(date(2026, 3, 29), date(2026, 4, 25))

    found = vitals([questions], april)[questions.pk].questions_previous

    assert (found.asked, found.answered, found.accepted) == (6, 4, 2)
    assert (found.old_enough, found.waited_48h, found.within_target) == (4, 2, 2)


def test_targets_against_the_questions_figures(questions):
    checks = space_insights(questions, MARCH, individuals=False).targets

    assert [(c.name, c.target, c.actual, c.status) for c in checks] == [
        ("Questions answered within 24 hours", 40, 33.3, "close")
    ]


def test_targets_met_close_and_missed(space, three):
    Space.objects.filter(pk=space.pk).update(target_weekly_active_pct=60)
    space.refresh_from_db()
    assert space_insights(space, MARCH, individuals=False).targets[0].status == "met"
    Space.objects.filter(pk=space.pk).update(target_weekly_active_pct=75)
    space.refresh_from_db()
    assert space_insights(space, MARCH, individuals=False).targets[0].status == "close"
    Space.objects.filter(pk=space.pk).update(target_weekly_active_pct=76)
    space.refresh_from_db()
    assert space_insights(space, MARCH, individuals=False).targets[0].status == "missed"


# --- Connection: between departments and levels ----------------------------------------------


@pytest.fixture
def pairs(space, sales, it, staff, manager):
    """Interactions through the real actions, today, between people of known departments:
    s1 (Sales, staff), s2 (Sales, manager), i1 (IT, staff), n1 (no department, staff)."""
    s1 = add_member(space, PersonFactory(department=sales, level=staff)).person
    s2 = add_member(space, PersonFactory(department=sales, level=manager)).person
    i1 = add_member(space, PersonFactory(department=it, level=staff)).person
    n1 = add_member(space, PersonFactory(level=staff)).person
    post = make_post(space, s1)
    from_it = make_comment(post, i1)  # IT -> Sales, staff -> staff
    from_s2 = make_comment(post, s2)  # Sales -> Sales, manager -> staff
    make_comment(post, s1)  # on one's own post: with nobody
    do_react(actor=i1, kind="like", comment=from_s2)  # IT -> Sales, staff -> manager
    do_react(actor=n1, kind="helped", post=post)  # ? -> Sales, staff -> staff
    make_comment(post, s1, parent=from_it)  # Sales -> IT, staff -> staff
    question = make_post(space, i1, kind="question")
    answer = make_comment(question, s2)  # Sales -> IT, manager -> staff
    do_vote(answer, actor=s1)  # Sales -> Sales, staff -> manager
    do_accept_answer(question, answer, actor=i1)  # not an interaction
    return {"s1": s1, "s2": s2, "i1": i1, "n1": n1}


def test_space_insights_cross_department_and_level_shares(space, pairs):
    rollup_insights.call()  # the figures read today's rollup as the job left it
    insights = space_insights(space, Period.last_days(7), individuals=True)

    # Both departments known: 6 interactions, 4 across. Both levels known: 7, 4 across.
    assert insights.cross_department_pct == 66.7
    assert insights.cross_level_pct == 57.1
    assert insights.cross_department_pct_previous is None
    assert insights.cross_level_pct_previous is None
    assert [(g.person, g.cross_answers) for g in insights.go_to] == [(pairs["s2"], 1)]


def test_space_insights_cross_shares_of_the_previous_period(space, pairs):
    next_week = Period(today() + timedelta(days=1), today() + timedelta(days=7))
    compute_rollups(Period(today(), today()))

    insights = space_insights(space, next_week, individuals=True)

    assert insights.cross_department_pct is None
    assert insights.cross_department_pct_previous == 66.7
    assert insights.cross_level_pct_previous == 57.1


# --- Query counts ----------------------------------------------------------------------------


def history(spaces: list[Space], events: int) -> None:
    """`events` events of every kind across `spaces` and 20 people of two departments, over
    March, including answers across departments (so that every query of the pages runs)."""
    sales, it = DepartmentFactory(name="Sales"), DepartmentFactory(name="IT")
    people = [PersonFactory(department=sales if n % 2 else it) for n in range(20)]
    for space in spaces:
        for person in people:
            add_member(space, person)
    kinds = [
        (EventKind.ANSWERED, ""),
        (EventKind.VIEWED, ""),
        (EventKind.POSTED, "question"),
        (EventKind.COMMENTED, ""),
        (EventKind.REACTED, "helped"),
    ]
    Event.objects.bulk_create(
        Event(
            kind=kinds[n % len(kinds)][0],
            detail=kinds[n % len(kinds)][1],
            person=people[n % 20],
            space=spaces[n % len(spaces)],
            department_id=people[n % 20].department_id,
            other_department_id=people[(n + 1) % 20].department_id,
            time=local(march(1 + n % 28), n % 24),
        )
        for n in range(events)
    )
    # Every day the figures of March read: February before it, and 90 days of look-back.
    compute_rollups(Period(date(2025, 11, 1), date(2026, 4, 30)))


@pytest.mark.parametrize("events", [10, 2000])
def test_space_insights_query_count_independent_of_the_events(
    space, events, django_assert_num_queries
):
    history([space], events)

    with django_assert_num_queries(SPACE_INSIGHTS_QUERIES):
        insights = space_insights(space, MARCH, individuals=True)

    assert insights.go_to
    assert insights.vitals.counts[(EventKind.POSTED, "question")] == events // 5


@pytest.mark.parametrize(("spaces", "events"), [(1, 10), (50, 2000)])
def test_organisation_insights_query_count_independent_of_spaces_and_events(
    owner, spaces, events, django_assert_num_queries
):
    made = [make_space(owner, name=f"Space {n}") for n in range(spaces)]
    history(made, events)

    with django_assert_num_queries(ORGANISATION_QUERIES):
        organisation = organisation_insights(MARCH)

    assert len(organisation.rows) == spaces
    assert organisation.active_period == min(events, 20)


def test_period_stays_in_the_organisations_zone_when_another_is_active(settings, space):
    settings.TIME_ZONE = "Europe/London"
    person = add_member(space).person
    late = event(EventKind.VIEWED, person, space, date(2026, 7, 1), 23, 30)
    compute_rollups(Period(date(2026, 6, 30), date(2026, 7, 3)))

    with timezone.override("Asia/Tokyo"):  # e.g. a person's own zone, activated for a page
        july = Period(date(2026, 7, 1), date(2026, 7, 1))
        assert july.start == late.time - timedelta(hours=23, minutes=30)
        assert july.end == late.time + timedelta(minutes=30)
        found = vitals([space], july)[space.pk]

    assert DailyActivity.objects.get(person=person).day == date(2026, 7, 1)
    assert found.daily_active == [1]


def test_weekly_active_share_counts_current_members_only(space, owner):
    from afterclass.spaces.actions import do_invite_to_space, do_leave_space

    stays, goes = PersonFactory(), PersonFactory()
    add_member(space, stays)
    add_member(space, goes)
    make_post(space, stays)
    make_post(space, goes)
    do_leave_space(space, actor=goes)
    # Added by a moderator: the invited person did nothing themselves.
    invited = PersonFactory()
    do_invite_to_space(space, [invited], actor=owner)
    compute_rollups(Period.last_days(7))
    found = vitals([space], Period.last_days(7))[space.pk]
    assert found.members == 3  # the owner, stays, invited
    assert found.active_7 == 3  # the owner (created the space), stays, goes
    assert found.members_active_7 == 2
    assert found.weekly_active_pct == 66.7
    assert not DailyActivity.objects.filter(person=invited).exists()


def test_new_contributors_are_those_without_contributions_in_the_90_days_before(space, owner):
    from afterclass.insights.metrics import NEW_AFTER_DAYS

    period = Period(date(2026, 6, 1), date(2026, 6, 28))
    returning, new, long_gone = PersonFactory(), PersonFactory(), PersonFactory()
    for person in (returning, new, long_gone):
        add_member(space, person)
    event(EventKind.COMMENTED, returning, space, date(2026, 5, 10))
    event(EventKind.COMMENTED, long_gone, space, period.first - timedelta(days=NEW_AFTER_DAYS + 1))
    for person in (returning, new, long_gone):
        event(EventKind.POSTED, person, space, date(2026, 6, 5))
    # The rollup job (or `afterclass insights rollup`) computes the days read: pages only read.
    ensure_rollups(Period(period.first - timedelta(days=NEW_AFTER_DAYS + 1), period.last))
    insights = space_insights(space, period, individuals=False)
    assert insights.new_contributors == 2  # new, and long_gone who came back after 90 days
