"""Every learning action: what it does, whom it refuses, and that a refusal changes nothing."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from afterclass.audit.models import AuditEntry
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed
from afterclass.insights.models import Event, EventKind
from afterclass.learning.actions import (
    QuestionIn,
    do_answer_quick_check,
    do_copy_units,
    do_create_activity,
    do_create_session,
    do_create_unit,
    do_delete_activity,
    do_delete_unit,
    do_give_feedback,
    do_mark_done,
    do_move_activity,
    do_move_unit,
    do_nudge,
    do_submit,
    do_update_activity,
    do_update_unit,
)
from afterclass.learning.models import (
    Activity,
    Progress,
    ProgressState,
    QuickCheckAttempt,
    Submission,
    SubmissionState,
    Unit,
)
from afterclass.learning.tests.factories import make_activity, make_course, make_unit
from afterclass.notifications.models import Notification, NotificationKind
from afterclass.posts.tests.factories import make_comment
from afterclass.spaces.models import Role
from afterclass.spaces.tests.factories import add_member

pytestmark = pytest.mark.django_db


def _positions(rows):
    return list(rows.order_by("position").values_list("title", flat=True))


# --- Units ----------------------------------------------------------------------------------


def test_create_unit_appends_in_order_and_audits(space, facilitator):
    make_unit(space, facilitator, title="One")
    make_unit(space, facilitator, title="Two")
    assert _positions(Unit.objects.filter(space=space)) == ["One", "Two"]
    assert AuditEntry.objects.filter(action="unit.create").count() == 2


def test_create_unit_refuses_due_before_release(space, facilitator):
    release = timezone.now() + timedelta(days=2)
    with pytest.raises(InvalidInput) as error:
        do_create_unit(space, actor=facilitator, title="Late", release_at=release,
                       due_at=release - timedelta(hours=1))  # fmt: skip
    assert error.value.field == "due_at"
    assert not Unit.objects.exists()


def test_create_unit_database_refuses_due_before_release(space):
    from django.db import IntegrityError

    now = timezone.now()
    with pytest.raises(IntegrityError):
        Unit.objects.create(space=space, title="x", position=1, release_at=now, due_at=now)


def test_update_unit_refuses_due_before_existing_release(unit, facilitator):
    with pytest.raises(InvalidInput):
        do_update_unit(unit, actor=facilitator, due_at=unit.release_at - timedelta(minutes=1))


def test_create_unit_refuses_learner(space, learner):
    with pytest.raises(NotAllowed):
        do_create_unit(space, actor=learner, title="Mine")
    assert not Unit.objects.exists()


def test_create_unit_refuses_facilitator_of_another_space(space, owner):
    elsewhere = make_course(owner, name="Another cohort")
    stranger = add_member(elsewhere, role=Role.MODERATOR).person
    with pytest.raises(NotAllowed):
        do_create_unit(space, actor=stranger, title="Not mine")


def test_move_unit_up_down_and_to_position(space, facilitator):
    one, two, three = (make_unit(space, facilitator, title=t) for t in ("One", "Two", "Three"))
    do_move_unit(three, actor=facilitator, direction="up")
    assert _positions(Unit.objects.filter(space=space)) == ["One", "Three", "Two"]
    do_move_unit(one, actor=facilitator, direction="down")
    assert _positions(Unit.objects.filter(space=space)) == ["Three", "One", "Two"]
    do_move_unit(two, actor=facilitator, to=1)
    assert _positions(Unit.objects.filter(space=space)) == ["Two", "Three", "One"]
    do_move_unit(two, actor=facilitator, direction="up")  # already first: nothing changes
    assert _positions(Unit.objects.filter(space=space)) == ["Two", "Three", "One"]
    with pytest.raises(InvalidInput):
        do_move_unit(two, actor=facilitator, to=9)


def test_delete_unit_closes_the_gap(space, facilitator):
    _one, two, _three = (make_unit(space, facilitator, title=t) for t in ("One", "Two", "Three"))
    do_delete_unit(two, actor=facilitator)
    assert list(Unit.objects.order_by("position").values_list("position", flat=True)) == [1, 2]


# --- Activities -----------------------------------------------------------------------------


def test_create_activity_renders_markdown_safely(unit, facilitator):
    activity = make_activity(unit, facilitator, instructions="**Read** <script>x()</script>")
    assert "<strong>Read</strong>" in activity.instructions_html
    assert "<script>" not in activity.instructions_html


def test_discussion_prompt_opens_a_thread(unit, facilitator, space):
    activity = make_activity(unit, facilitator, "discussion", title="What surprised you?")
    assert activity.post is not None
    assert activity.post.space_id == space.pk
    assert activity.post.title == "What surprised you?"


def test_quick_check_refuses_no_questions(unit, facilitator):
    with pytest.raises(InvalidInput) as error:
        do_create_activity(unit, actor=facilitator, kind="quick_check", title="Q", questions=[])
    assert error.value.field == "questions"
    assert not Activity.objects.exists()


def test_quick_check_refuses_question_without_correct_answer(unit, facilitator):
    with pytest.raises(InvalidInput, match="no correct answer"):
        do_create_activity(unit, actor=facilitator, kind="quick_check", title="Q",
                           questions=[QuestionIn("Why?", ["a", "b"], [])])  # fmt: skip


def test_quick_check_refuses_one_option_and_unknown_correct(unit, facilitator):
    with pytest.raises(InvalidInput, match="between 2"):
        do_create_activity(unit, actor=facilitator, kind="quick_check", title="Q",
                           questions=[QuestionIn("Why?", ["a"], [0])])  # fmt: skip
    with pytest.raises(InvalidInput, match="not one of its options"):
        do_create_activity(unit, actor=facilitator, kind="quick_check", title="Q",
                           questions=[QuestionIn("Why?", ["a", "b"], [5])])  # fmt: skip


def test_activity_refuses_oversized_instructions(unit, facilitator):
    with pytest.raises(InvalidInput, match="at most 20000"):
        make_activity(unit, facilitator, instructions="x" * 20001)


def test_only_reflection_can_be_shared(unit, facilitator):
    with pytest.raises(InvalidInput):
        make_activity(unit, facilitator, "task", shared_with_group=True)


def test_move_and_delete_activity(unit, facilitator):
    a, _b, c = (make_activity(unit, facilitator, title=t) for t in ("A", "B", "C"))
    do_move_activity(c, actor=facilitator, to=1)
    assert _positions(Activity.objects.filter(unit=unit)) == ["C", "A", "B"]
    do_delete_activity(a, actor=facilitator)
    assert list(Activity.objects.order_by("position").values_list("position", flat=True)) == [1, 2]


def test_copy_units_from_another_space_shifts_dates(space, owner, facilitator):
    source = make_course(owner, name="Last cohort")
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    first = do_create_unit(source, actor=owner, title="W1", release_at=start,
                           due_at=start + timedelta(days=7))  # fmt: skip
    make_activity(first, owner, "quick_check")
    make_activity(first, owner, "discussion")
    do_create_unit(source, actor=owner, title="W2", release_at=start + timedelta(days=14))
    new_start = datetime(2027, 3, 1, 9, tzinfo=UTC)
    copies = do_copy_units(space, source, actor=owner, first_release_at=new_start)
    assert [u.title for u in copies] == ["W1", "W2"]
    assert copies[0].release_at == new_start
    assert copies[0].due_at == new_start + timedelta(days=7)
    assert copies[1].release_at == new_start + timedelta(days=14)
    copied = list(copies[0].activities.order_by("position"))
    assert [a.kind for a in copied] == ["quick_check", "discussion"]
    assert copied[0].questions.count() == 2
    assert copied[1].post.space_id == space.pk


def test_copy_units_refuses_space_the_actor_does_not_facilitate(space, facilitator, owner):
    source = make_course(owner, name="Not theirs")
    make_unit(source, owner)
    with pytest.raises(NotAllowed):
        do_copy_units(space, source, actor=facilitator)
    assert Unit.objects.filter(space=space).count() == 0


# --- Completion rules -----------------------------------------------------------------------


def test_reading_done_and_undone(unit, facilitator, learner):
    reading = make_activity(unit, facilitator, "reading")
    do_mark_done(reading, actor=learner)
    assert Progress.objects.get(activity=reading, person=learner).state == ProgressState.DONE
    assert Event.objects.filter(kind=EventKind.ACTIVITY_COMPLETED, person=learner).exists()
    do_mark_done(reading, actor=learner, done=False)
    assert Progress.objects.get(activity=reading, person=learner).state == "not_started"


def test_mark_done_only_for_readings(unit, facilitator, learner):
    task = make_activity(unit, facilitator, "task")
    with pytest.raises(InvalidInput):
        do_mark_done(task, actor=learner)


def test_discussion_done_when_learner_comments(unit, facilitator, learner):
    from afterclass.learning.queries import space_learning

    prompt = make_activity(unit, facilitator, "discussion")
    page = space_learning(unit.space, learner)
    assert page.units[0].activities[0].state == "not_started"
    make_comment(prompt.post, learner, "My answer")
    page = space_learning(unit.space, learner)
    assert page.units[0].activities[0].state == "done"


def test_task_submission_and_feedback_flow(
    unit, facilitator, learner, django_capture_on_commit_callbacks
):
    task = make_activity(unit, facilitator, "task")
    submission = do_submit(task, actor=learner, text="My plan")
    assert Progress.objects.get(activity=task, person=learner).state == "submitted"
    assert Event.objects.filter(kind=EventKind.ACTIVITY_SUBMITTED).exists()
    with django_capture_on_commit_callbacks(execute=True):
        do_give_feedback(submission, actor=facilitator, feedback="Add a timeline.", complete=False)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.NEEDS_WORK
    assert Progress.objects.get(activity=task, person=learner).state == "needs_work"
    note = Notification.objects.get(recipient=learner, kind=NotificationKind.FEEDBACK)
    assert "needs another look" in note.message
    do_submit(task, actor=learner, text="My plan with a timeline")
    submission.refresh_from_db()
    assert submission.state == SubmissionState.SUBMITTED
    assert submission.text == "My plan with a timeline"
    do_give_feedback(submission, actor=facilitator, feedback="", complete=True)
    assert Progress.objects.get(activity=task, person=learner).state == "complete"
    assert Event.objects.filter(kind=EventKind.FEEDBACK_GIVEN).count() == 2
    with pytest.raises(Conflict):
        do_submit(task, actor=learner, text="Again")


def test_feedback_refuses_learner(unit, facilitator, learner, other_learner):
    task = make_activity(unit, facilitator, "task")
    submission = do_submit(task, actor=learner, text="Mine")
    with pytest.raises(NotAllowed):
        do_give_feedback(submission, actor=other_learner, feedback="Meh", complete=True)


def test_needs_work_feedback_must_say_why(unit, facilitator, learner):
    submission = do_submit(make_activity(unit, facilitator, "task"), actor=learner, text="x")
    with pytest.raises(InvalidInput):
        do_give_feedback(submission, actor=facilitator, feedback=" ", complete=False)


def test_reflection_is_done_on_submission(unit, facilitator, learner):
    reflection = make_activity(unit, facilitator, "reflection")
    do_submit(reflection, actor=learner, text="I learned to ask")
    assert Progress.objects.get(activity=reflection, person=learner).state == "done"


def test_submit_refuses_oversized_and_empty_text(unit, facilitator, learner):
    task = make_activity(unit, facilitator, "task")
    with pytest.raises(InvalidInput, match="at most 20000"):
        do_submit(task, actor=learner, text="x" * 20001)
    with pytest.raises(InvalidInput):
        do_submit(task, actor=learner, text="   ")
    assert not Submission.objects.exists()


def test_submit_refuses_closed_activity(unit, facilitator, learner):
    task = make_activity(unit, facilitator, "task")
    do_update_activity(task, actor=facilitator, is_closed=True)
    with pytest.raises(NotAllowed, match="closed"):
        do_submit(task, actor=learner, text="Late")
    assert not Submission.objects.exists()


def test_submit_refuses_unreleased_activity(space, facilitator, learner):
    later = make_unit(space, facilitator, release_at=timezone.now() + timedelta(days=1))
    task = make_activity(later, facilitator, "task")
    with pytest.raises(NotAllowed, match="not released"):
        do_submit(task, actor=learner, text="Early")


def test_submit_refuses_non_member(unit, facilitator, outsider):
    task = make_activity(unit, facilitator, "task")
    with pytest.raises(NotAllowed):
        do_submit(task, actor=outsider, text="Hi")


# --- Quick checks ---------------------------------------------------------------------------


def test_quick_check_scores_retries_and_keeps_best(unit, facilitator, learner):
    check = make_activity(unit, facilitator, "quick_check")
    q1, q2 = check.questions.order_by("position")
    result = do_answer_quick_check(check, actor=learner, answers={q1.pk: [0], q2.pk: [0]})
    assert (result.score, result.total, result.best_score, result.attempts) == (1, 2, 1, 1)
    assert result.questions[1].explanation == "Tables are not charts."
    assert result.questions[1].correct_options == [0, 2]
    result = do_answer_quick_check(check, actor=learner, answers={q1.pk: [0], q2.pk: [2, 0]})
    assert (result.score, result.best_score, result.attempts) == (2, 2, 2)
    result = do_answer_quick_check(check, actor=learner, answers={q1.pk: [1]})
    assert (result.score, result.best_score, result.attempts) == (0, 2, 3)
    progress = Progress.objects.get(activity=check, person=learner)
    assert (progress.state, progress.best_score, progress.attempts) == ("done", 2, 3)
    assert QuickCheckAttempt.objects.filter(person=learner).count() == 3


def test_quick_check_refuses_empty_and_foreign_answers(unit, facilitator, learner):
    check = make_activity(unit, facilitator, "quick_check")
    with pytest.raises(InvalidInput):
        do_answer_quick_check(check, actor=learner, answers={})
    with pytest.raises(InvalidInput):
        do_answer_quick_check(check, actor=learner, answers={999999: [0]})
    assert not QuickCheckAttempt.objects.exists()


# --- Sessions -------------------------------------------------------------------------------


def test_session_reads_naive_times_in_its_time_zone(space, facilitator):
    session = do_create_session(
        space, actor=facilitator, title="Workshop 1", time_zone="Europe/Paris",
        starts_at=datetime(2026, 7, 1, 9, 30), ends_at=datetime(2026, 7, 1, 12),  # noqa: DTZ001
        facilitator_ids=[facilitator.pk],
    )  # fmt: skip
    assert session.starts_at == datetime(2026, 7, 1, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert session.starts_at.astimezone(UTC).hour == 7
    assert list(session.facilitators.all()) == [facilitator]


def test_session_refuses_bad_zone_end_before_start_and_learner_facilitators(
    space, facilitator, learner
):
    start = timezone.now()
    with pytest.raises(InvalidInput, match="time zone"):
        do_create_session(space, actor=facilitator, title="W", time_zone="Mars/Base",
                          starts_at=start, ends_at=start + timedelta(hours=1))  # fmt: skip
    with pytest.raises(InvalidInput, match="end after"):
        do_create_session(space, actor=facilitator, title="W", starts_at=start, ends_at=start)
    with pytest.raises(InvalidInput, match="Facilitators"):
        do_create_session(
            space,
            actor=facilitator,
            title="W",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            facilitator_ids=[learner.pk],
        )


# --- Nudges ---------------------------------------------------------------------------------


def test_nudge_tells_only_who_has_not_finished(
    unit, facilitator, learner, other_learner, django_capture_on_commit_callbacks
):
    reading = make_activity(unit, facilitator, "reading")
    do_mark_done(reading, actor=learner)
    with django_capture_on_commit_callbacks(execute=True):
        assert do_nudge(reading, actor=facilitator) == 1
    told = set(Notification.objects.filter(kind=NotificationKind.NUDGE)
               .values_list("recipient_id", flat=True))  # fmt: skip
    assert told == {other_learner.pk}
    assert AuditEntry.objects.filter(action="activity.nudge", actor_id=facilitator.pk).exists()


def test_nudge_discussion_skips_who_commented(unit, facilitator, learner, other_learner):
    prompt = make_activity(unit, facilitator, "discussion")
    make_comment(prompt.post, learner, "Done")
    assert do_nudge(prompt, actor=facilitator) == 1


def test_nudge_refuses_learner(unit, facilitator, learner):
    with pytest.raises(NotAllowed):
        do_nudge(make_activity(unit, facilitator), actor=learner)
