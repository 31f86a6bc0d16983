"""The demo's structured learning: the Excel follow-up space's sessions, units and progress."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from afterclass.demo.learning import SPACE_SLUG
from afterclass.demo.people import ADMIN_EMAIL
from afterclass.insights.models import Event, EventKind
from afterclass.learning.models import (
    Activity,
    ActivityKind,
    Progress,
    ProgressState,
    QuickCheckAttempt,
    QuickCheckQuestion,
    Session,
    Submission,
    SubmissionState,
    Unit,
)
from afterclass.learning.queries import my_learning
from afterclass.people.models import Person
from afterclass.posts.models import Comment
from afterclass.spaces.models import Membership, MembershipState, Role, Space


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def learning_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Session,
            Unit,
            Activity,
            QuickCheckQuestion,
            Progress,
            Submission,
            QuickCheckAttempt,
            Comment,
        )
    }


@pytest.mark.django_db
def test_demo_learning_loads_once_with_every_activity_kind_and_progress():
    run_demo()
    first = learning_counts()

    run_demo()

    assert learning_counts() == first
    now = timezone.now()
    space = Space.objects.get(slug=SPACE_SLUG)
    trainer = Membership.objects.get(space=space, person__job_title="Trainer").person

    sessions = list(Session.objects.filter(space=space))
    assert len(sessions) == 3
    for session in sessions:
        assert session.time_zone == "Europe/London"
        assert session.place or session.link
        assert list(session.facilitators.all()) == [trainer]
        assert now - timedelta(days=35) < session.starts_at < now

    units = list(Unit.objects.filter(space=space).order_by("position"))
    assert [unit.title for unit in units[:3]] == [f"After workshop {n}" for n in (1, 2, 3)]
    for unit, session in zip(units, sessions, strict=False):
        assert unit.session == session
        assert session.ends_at < unit.release_at < now
        assert unit.released_notified_at is not None
    assert now < units[2].due_at < now + timedelta(days=7)  # due soon
    assert units[3].release_at > now  # next week's, hidden from learners
    assert units[3].released_notified_at is None

    activities = Activity.objects.filter(unit__space=space)
    assert set(activities.values_list("kind", flat=True)) == set(ActivityKind.values)
    for unit in units:
        assert 2 <= unit.activities.count() <= 4
    for check in activities.filter(kind=ActivityKind.QUICK_CHECK):
        questions = list(check.questions.all())
        assert 2 <= len(questions) <= 3
        assert all(question.correct and question.explanation for question in questions)
    assert activities.filter(kind=ActivityKind.REFLECTION, shared_with_group=True).exists()

    # Several members have worked through the units, by the actions, some weeks ago.
    learners = Progress.objects.filter(activity__unit__space=space).values("person").distinct()
    assert learners.count() >= 5
    assert not Membership.objects.filter(
        space=space, person__in=learners, role__in=[Role.OWNER, Role.MODERATOR]
    ).exists()
    assert (
        not Membership.objects.filter(space=space, person__in=learners)
        .exclude(state=MembershipState.ACTIVE)
        .exists()
    )
    done = Progress.objects.filter(activity__kind=ActivityKind.READING, state=ProgressState.DONE)
    assert done.count() >= 5
    assert Progress.objects.filter(updated_at__lt=now - timedelta(days=14)).exists()
    assert not Progress.objects.filter(activity__unit__release_at__gt=now).exists()

    for prompt in activities.filter(kind=ActivityKind.DISCUSSION):
        comments = Comment.objects.filter(post=prompt.post)
        assert 1 <= comments.count() <= 5
        assert prompt.post.comment_count == comments.count()
        assert all(comment.created_at >= prompt.post.created_at for comment in comments)
        assert prompt.post.last_activity_at == max(comment.created_at for comment in comments)

    tasks = Submission.objects.filter(activity__kind=ActivityKind.TASK)
    assert tasks.filter(state=SubmissionState.NEEDS_WORK).count() == 1
    assert tasks.filter(state=SubmissionState.COMPLETE).count() >= 3
    assert tasks.filter(state=SubmissionState.SUBMITTED).count() == 1  # in the review queue
    reviewed = tasks.exclude(state=SubmissionState.SUBMITTED)
    assert set(reviewed.values_list("feedback_by", flat=True)) == {trainer.pk}
    assert all(s.submitted_at < s.feedback_at < now for s in reviewed)
    assert Submission.objects.filter(activity__kind=ActivityKind.REFLECTION).count() >= 3

    scores = {(a.score, a.total) for a in QuickCheckAttempt.objects.all()}
    assert len(scores) >= 3
    assert Progress.objects.filter(attempts__gt=1).exists()

    # Insights have the history: events dated when they happened, not when the demo loaded.
    completed = Event.objects.filter(kind=EventKind.ACTIVITY_COMPLETED, space=space)
    assert completed.filter(time__lt=now - timedelta(days=14)).exists()
    assert Event.objects.filter(kind=EventKind.FEEDBACK_GIVEN, space=space).count() == (
        reviewed.count()
    )

    # Someone who has not finished the latest unit sees it due soon in My learning.
    waiting = Membership.objects.filter(
        space=space, role=Role.MEMBER, state=MembershipState.ACTIVE
    ).exclude(person__in=Progress.objects.filter(activity__unit=units[2]).values("person"))
    assert any(my_learning(membership.person).due_soon for membership in waiting)


@pytest.mark.django_db
def test_demo_learning_page_opens_for_the_demo_admin(client):
    run_demo()
    client.force_login(Person.objects.get(email=ADMIN_EMAIL))

    response = client.get(reverse("learning-space", args=[SPACE_SLUG]))

    assert response.status_code == 200
    body = response.content.decode()
    for title in ("After workshop 1", "After workshop 3", "Putting it together"):
        assert title in body
