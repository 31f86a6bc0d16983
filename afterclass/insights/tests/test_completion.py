"""Purpose in a structured space: completion of released activities, per activity, per unit and
overall, by learners (not facilitators), with the plan's target and the recommendation."""

from datetime import timedelta

from django.utils import timezone

from afterclass.insights.metrics import space_insights
from afterclass.insights.periods import Period
from afterclass.insights.rollups import compute_rollups
from afterclass.insights.serialize import space_data
from afterclass.learning.actions import do_mark_done
from afterclass.learning.queries import progress_grid
from afterclass.learning.tests.factories import make_activity, make_course, make_unit
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import do_comment, do_hide_comment
from afterclass.spaces.models import Role
from afterclass.spaces.tests.factories import add_member


def test_completion_per_activity_unit_and_overall():
    owner = PersonFactory()
    space = make_course(owner, target_completion_pct=60)
    learners = [add_member(space).person for _ in range(4)]
    first = make_unit(space, owner, title="After workshop 1")
    reading = make_activity(first, owner, "reading", title="Read the guide")
    task = make_activity(first, owner, "reading", title="Watch the video")
    second = make_unit(space, owner, title="After workshop 2")
    last = make_activity(second, owner, "reading", title="Plan a dashboard")
    later = make_unit(space, owner, title="Not yet", release_at=timezone.now() + timedelta(days=3))
    make_activity(later, owner, "reading", title="Hidden for now")
    for learner in learners[:3]:
        do_mark_done(reading, actor=learner)
    do_mark_done(task, actor=learners[0])
    for learner in learners:
        do_mark_done(last, actor=learner)
    do_mark_done(reading, actor=owner)  # a facilitator's own progress is not counted

    found = space_insights(space, Period.last_days(28), individuals=False)

    assert [(c.unit, c.activity, c.done, c.learners) for c in found.completion] == [
        ("After workshop 1", "Read the guide", 3, 4),
        ("After workshop 1", "Watch the video", 1, 4),
        ("After workshop 2", "Plan a dashboard", 4, 4),
    ]
    assert [(u.unit, u.done, u.possible, u.pct) for u in found.unit_completion] == [
        ("After workshop 1", 4, 8, 50.0),
        ("After workshop 2", 4, 4, 100.0),
    ]
    assert found.vitals.completion_pct == 66.7  # 8 of 3 released activities x 4 learners
    assert [(t.name, t.actual, t.status) for t in found.targets] == [
        ("Activities completed", 66.7, "met")
    ]
    data = space_data(found)
    assert data["purpose"]["unit_completion"][0] == {
        "unit": "After workshop 1", "done": 4, "possible": 8, "pct": 50.0
    }  # fmt: skip


def test_structured_space_page_shows_completion_charts(client):
    owner = PersonFactory()
    space = make_course(owner)
    unit = make_unit(space, owner, title="After workshop 1")
    do_mark_done(make_activity(unit, owner, "reading"), actor=add_member(space).person)
    client.force_login(owner)
    body = client.get(f"/spaces/{space.slug}/insights/").content.decode()
    assert "Completion per unit" in body
    assert "Completion per activity" in body
    response = client.get(f"/spaces/{space.slug}/insights/unit-completion.csv")
    assert "After workshop 1,100\r\n" in response.content.decode()


def test_completion_agrees_with_the_progress_grid_and_counts_discussion_prompts():
    owner = PersonFactory()
    space = make_course(owner)
    learners = [add_member(space).person for _ in range(5)]
    facilitator = add_member(space, role=Role.MODERATOR).person
    unit = make_unit(space, owner, title="After workshop 1")
    reading = make_activity(unit, owner, "reading", title="Read the guide")
    prompt = make_activity(unit, owner, "discussion", title="Share a chart")
    for learner in learners[:3]:
        do_mark_done(reading, actor=learner)
    do_mark_done(reading, actor=facilitator)  # not a learner
    do_comment(prompt.post, actor=learners[0], body="Mine")
    do_comment(prompt.post, actor=learners[0], body="Mine again")  # one learner, once
    hidden = do_comment(prompt.post, actor=learners[1], body="Hidden")
    do_hide_comment(hidden, actor=owner, reason="Off topic")
    do_comment(prompt.post, actor=learners[2], body="Theirs")
    do_comment(prompt.post, actor=facilitator, body="Well done")  # not a learner

    found = space_insights(space, Period.last_days(28), individuals=False)

    assert [(c.activity, c.done, c.learners) for c in found.completion] == [
        ("Read the guide", 3, 5),
        ("Share a chart", 2, 5),
    ]
    grid = progress_grid(space)
    assert [(c.activity.title, c.finished, len(grid.rows)) for c in grid.columns] == [
        (c.activity, c.done, c.learners) for c in found.completion
    ]


def _completion_queries(django_assert_num_queries, learners: int, activities: int) -> None:
    owner = PersonFactory()
    space = make_course(owner)
    people = [add_member(space).person for _ in range(learners)]
    unit = make_unit(space, owner)
    for number in range(activities):
        kind = "discussion" if number % 2 else "reading"
        activity = make_activity(unit, owner, kind, title=f"Activity {number}")
        for person in people:
            if kind == "discussion":
                do_comment(activity.post, actor=person, body="Done")
            else:
                do_mark_done(activity, actor=person)
    period = Period.last_days(28)
    compute_rollups(Period.last_days(120))  # every day the figures read, today included
    with django_assert_num_queries(COMPLETION_SPACE_QUERIES):
        found = space_insights(space, period, individuals=True)
    assert [c.done for c in found.completion] == [learners] * activities


# A structured space's insights: one query for its completion on top of those of any space
# (nobody answered across departments here, so nobody is looked up for the go-to colleagues).
COMPLETION_SPACE_QUERIES = 25


def test_completion_queries_do_not_grow_with_learners_and_activities(django_assert_num_queries):
    _completion_queries(django_assert_num_queries, learners=1, activities=2)
    _completion_queries(django_assert_num_queries, learners=12, activities=8)
