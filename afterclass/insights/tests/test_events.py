"""Analytics events as the actions record them: the department and level of the actor and of
the person interacted with, and anonymous acts that are never attributed, not even through
the rollups or a breakdown."""

from datetime import timedelta

import pytest
from django.db.models import Sum

from afterclass.insights.events import record_event
from afterclass.insights.metrics import space_insights
from afterclass.insights.models import (
    DailyActivity,
    DailyCount,
    DailyInteraction,
    Event,
    EventKind,
)
from afterclass.insights.periods import Period, today
from afterclass.insights.rollups import compute_rollups
from afterclass.people.tests.factories import PersonFactory
from afterclass.polls.actions import do_vote_in_poll
from afterclass.polls.tests.factories import make_poll, option_ids
from afterclass.posts.actions import do_react, do_vote
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.actions import do_update_space
from afterclass.spaces.models import AnonymousQuestions
from afterclass.spaces.tests.factories import add_member

pytestmark = pytest.mark.django_db


def test_record_event_keeps_the_department_and_level_of_that_time(space, sales, it, staff):
    person = PersonFactory(department=sales, level=staff)

    first = record_event(EventKind.VIEWED, person=person, space=space)
    person.department = it
    person.level = None
    person.save()
    second = record_event(EventKind.VIEWED, person=person, space=space)

    assert Event.objects.filter(pk=first.pk).values_list("department_id", "level_id").get() == (
        sales.pk,
        staff.pk,
    )
    assert Event.objects.filter(pk=second.pk).values_list("department_id", "level_id").get() == (
        it.pk,
        None,
    )


def test_record_event_reads_the_other_persons_department_and_level(
    space, sales, it, staff, manager
):
    actor = PersonFactory(department=sales, level=staff)
    other = PersonFactory(department=it, level=manager)

    with_other = record_event(EventKind.COMMENTED, person=actor, space=space, other_id=other.pk)
    with_self = record_event(EventKind.COMMENTED, person=actor, space=space, other_id=actor.pk)

    rows = dict(
        Event.objects.filter(pk__in=[with_other.pk, with_self.pk]).values_list(
            "pk", "other_department_id"
        )
    )
    assert rows == {with_other.pk: it.pk, with_self.pk: None}
    assert Event.objects.get(pk=with_other.pk).other_level_id == manager.pk
    assert Event.objects.get(pk=with_self.pk).other_level_id is None


def test_record_event_anonymous_keeps_nobody(space, sales, it, staff):
    actor = PersonFactory(department=sales, level=staff)
    other = PersonFactory(department=it)

    found = record_event(
        EventKind.COMMENTED, person=actor, space=space, anonymous=True, other_id=other.pk
    )

    row = Event.objects.get(pk=found.pk)
    assert (row.kind, row.space_id) == (EventKind.COMMENTED, space.pk)
    assert (row.person_id, row.department_id, row.level_id) == (None, None, None)
    assert (row.other_department_id, row.other_level_id) == (None, None)


def test_posts_actions_record_the_post_kind_and_whom_they_interact_with(
    space, sales, it, staff, manager
):
    author = add_member(space, PersonFactory(department=sales, level=staff)).person
    helper = add_member(space, PersonFactory(department=it, level=manager)).person

    question = make_post(space, author, kind="question")
    answer = make_comment(question, helper)
    make_comment(question, author, parent=answer)
    do_react(actor=author, kind="helped", comment=answer)

    rows = list(
        Event.objects.filter(space=space, person__isnull=False)
        .exclude(kind__in=[EventKind.SPACE_CREATED, EventKind.JOINED, EventKind.RULES_ACCEPTED])
        .order_by("pk")
        .values_list("kind", "detail", "person_id", "department_id", "other_department_id")
    )
    assert rows == [
        (EventKind.POSTED, "question", author.pk, sales.pk, None),
        (EventKind.ANSWERED, "", helper.pk, it.pk, sales.pk),
        (EventKind.COMMENTED, "", author.pk, sales.pk, it.pk),
        (EventKind.REACTED, "helped", author.pk, sales.pk, it.pk),
    ]


@pytest.fixture
def anonymous_thread(space, owner, sales, it, staff, manager):
    """An anonymous question by a Sales manager, answered by someone in IT, whose answer the
    asker replies to, votes for and reacts to, and whose reply someone else reacts to."""
    do_update_space(space, actor=owner, anonymous_questions=AnonymousQuestions.EVERYONE)
    space.refresh_from_db()
    asker = add_member(space, PersonFactory(department=sales, level=manager)).person
    helper = add_member(space, PersonFactory(department=it, level=staff)).person
    before = Event.objects.count()
    question = make_post(space, asker, kind="question", anonymous=True)
    answer = make_comment(question, helper)
    reply = make_comment(question, asker, parent=answer)
    do_vote(answer, actor=asker)
    do_react(actor=asker, kind="helped", comment=answer)
    do_react(actor=helper, kind="like", comment=reply)
    do_react(actor=helper, kind="like", post=question)
    return {"asker": asker, "helper": helper, "before": before}


def test_anonymous_question_the_askers_events_carry_nobody(anonymous_thread):
    asker, helper = anonymous_thread["asker"], anonymous_thread["helper"]
    events = Event.objects.order_by("pk")[anonymous_thread["before"] :]

    rows = [
        (e.kind, e.detail, e.person_id, e.department_id, e.level_id, e.other_department_id)
        for e in events
    ]
    assert rows == [
        (EventKind.POSTED, "question", None, None, None, None),
        (EventKind.ANSWERED, "", helper.pk, helper.department_id, helper.level_id, None),
        (EventKind.COMMENTED, "", None, None, None, None),
        (EventKind.VOTED, "", None, None, None, None),
        (EventKind.REACTED, "helped", None, None, None, None),
        (EventKind.REACTED, "like", helper.pk, helper.department_id, helper.level_id, None),
        (EventKind.REACTED, "like", helper.pk, helper.department_id, helper.level_id, None),
    ]
    assert all(e.other_level_id is None for e in events)
    assert (
        not Event.objects.filter(person=asker)
        .exclude(kind__in=[EventKind.JOINED, EventKind.RULES_ACCEPTED])
        .exists()
    )


def test_anonymous_question_is_counted_but_never_attributed_in_the_rollups(space, anonymous_thread):
    asker = anonymous_thread["asker"]
    compute_rollups(Period(today(), today()))

    assert not DailyActivity.objects.filter(person=asker).exists()
    assert not DailyInteraction.objects.filter(space=space).exists()
    counts = dict(
        DailyCount.objects.filter(space=space, kind__in=[EventKind.POSTED, EventKind.REACTED])
        .values_list("detail")
        .annotate(n=Sum("count"))
        .order_by()
    )
    assert counts == {"question": 1, "helped": 1, "like": 2}
    insights = space_insights(space, Period.last_days(7), individuals=True)
    assert insights.ladder.creators == 0  # the only post is anonymous
    assert insights.cross_department_pct is None
    assert insights.go_to == []  # the helper's answer went to nobody known
    assert sum(group.people for group in insights.departments.groups) == 0


def test_anonymous_poll_answer_is_counted_but_not_attributed(space):
    author, named_voter, secret_voter = (add_member(space).person for _ in range(3))
    named = make_poll(space, author)
    secret = make_poll(space, author, anonymous=True)

    do_vote_in_poll(named, actor=named_voter, option_ids=option_ids(named)[:1])
    do_vote_in_poll(secret, actor=secret_voter, option_ids=option_ids(secret)[:1])

    answers = Event.objects.filter(kind=EventKind.POLL_ANSWERED).order_by("pk")
    assert [(e.person_id, e.department_id) for e in answers] == [
        (named_voter.pk, None),
        (None, None),
    ]
    compute_rollups(Period(today() - timedelta(days=1), today()))
    assert not DailyActivity.objects.filter(person=secret_voter, contributions__gt=0).exists()
    assert DailyActivity.objects.get(person=named_voter, space=space).contributions == 1
    assert DailyCount.objects.get(space=space, kind=EventKind.POLL_ANSWERED).count == 2
