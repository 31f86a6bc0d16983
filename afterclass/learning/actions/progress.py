"""Learners take part: mark a reading done, submit a task or a reflection, answer a quick check;
facilitators give feedback and nudge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from afterclass.attachments.attach import NO_CHANGE, apply_files, check_files
from afterclass.audit.log import record_audit
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed
from afterclass.core.validation import clean_text
from afterclass.insights.events import record_event
from afterclass.insights.models import EventKind
from afterclass.learning.access import check_can_take_part, check_is_facilitator, is_learner
from afterclass.learning.actions.common import set_progress
from afterclass.learning.models import (
    FINISHED_STATES,
    Activity,
    ActivityKind,
    Progress,
    ProgressState,
    QuickCheckAttempt,
    Submission,
    SubmissionState,
)
from afterclass.notifications.actions import Notice, notify
from afterclass.notifications.models import NotificationKind
from afterclass.posts.models import Comment, ContentState
from afterclass.spaces.models import Membership, MembershipState, Role, Space

if TYPE_CHECKING:
    from afterclass.people.models import Person

SUBMISSION_LENGTH = 20000
FEEDBACK_LENGTH = 10000


def activity_url(activity: Activity) -> str:
    return reverse("learning-activity", args=[activity.pk])


def _check_kind(activity: Activity, *kinds: str) -> None:
    if activity.kind not in kinds:
        names = " or ".join(str(ActivityKind(kind).label).lower() for kind in kinds)
        raise InvalidInput(f"This works only on a {names}.", field="activity")


def do_view_activity(activity: Activity, *, actor: Person) -> None:
    """A learner opens an activity: recorded for insights (facilitators looking are not)."""
    if is_learner(actor, activity.unit.space):
        record_event(EventKind.ACTIVITY_VIEWED, person=actor, space=activity.unit.space)


def do_mark_done(activity: Activity, *, actor: Person, done: bool = True) -> Progress:
    """A learner marks a reading done, or takes it back."""
    _check_kind(activity, ActivityKind.READING)
    check_can_take_part(actor, activity)
    with transaction.atomic():
        progress = set_progress(
            activity, actor, ProgressState.DONE if done else ProgressState.NOT_STARTED
        )
        if done:
            record_event(EventKind.ACTIVITY_COMPLETED, person=actor, space=activity.unit.space)
    return progress


def do_submit(
    activity: Activity, *, actor: Person, text: str, attachment_ids: Sequence[int] | None = None
) -> Submission:
    """A learner submits a task or a reflection (again, after "needs another look": the new text
    replaces the old and waits for feedback). A reflection needs no feedback: it is done.

    A task takes text and/or files: `attachment_ids` is the whole list of its files (those it
    has now and the learner's own new uploads; those left out are deleted), None to keep them.
    A reflection is text only."""
    _check_kind(activity, ActivityKind.TASK, ActivityKind.REFLECTION)
    check_can_take_part(actor, activity)
    reflection = activity.kind == ActivityKind.REFLECTION
    if reflection and attachment_ids:
        raise InvalidInput("A reflection is written: only a task takes files.",
                           field="attachment_ids")  # fmt: skip
    existing = Submission.objects.filter(activity=activity, person=actor).first()
    if existing is not None and existing.state == SubmissionState.COMPLETE:
        raise Conflict("This is already marked complete; there is nothing more to submit.")
    current = list(existing.attachments.all()) if existing is not None else []
    files = NO_CHANGE
    if attachment_ids is not None:
        files = check_files(actor, attachment_ids, current=current)
    has_files = bool(files.files) if attachment_ids is not None else bool(current)
    text = clean_text(text, "answer", max_length=SUBMISSION_LENGTH, required=reflection)
    if not text and not has_files:
        raise InvalidInput("Write an answer or attach a file.", field="answer")
    now = timezone.now()
    with transaction.atomic():
        submission, _ = Submission.objects.update_or_create(
            activity=activity, person=actor,
            defaults={"text": text, "state": SubmissionState.SUBMITTED, "submitted_at": now},
        )  # fmt: skip
        apply_files(files, "submission", submission, actor=actor)
        set_progress(activity, actor, ProgressState.DONE if reflection else ProgressState.SUBMITTED)
        record_event(EventKind.ACTIVITY_SUBMITTED, person=actor, space=activity.unit.space)
        record_audit("submission.submit", submission, actor=actor,
                     space_id=activity.unit.space_id, **files.audit())  # fmt: skip
    return submission


def do_give_feedback(
    submission: Submission, *, actor: Person, feedback: str, complete: bool
) -> Submission:
    """A facilitator writes feedback on a task and marks it complete or "needs another look";
    the learner is told."""
    activity = submission.activity
    space = activity.unit.space
    check_is_facilitator(actor, space)
    if activity.kind != ActivityKind.TASK:
        raise InvalidInput("Feedback is given on tasks.", field="submission")
    feedback = clean_text(feedback, "feedback", max_length=FEEDBACK_LENGTH,
                          required=not complete)  # fmt: skip
    state = SubmissionState.COMPLETE if complete else SubmissionState.NEEDS_WORK
    with transaction.atomic():
        submission.feedback, submission.state = feedback, state
        submission.feedback_by, submission.feedback_at = actor, timezone.now()
        submission.save(update_fields=["feedback", "state", "feedback_by", "feedback_at"])
        set_progress(
            activity,
            submission.person,
            ProgressState.COMPLETE if complete else ProgressState.NEEDS_WORK,
        )
        record_event(EventKind.FEEDBACK_GIVEN, person=actor, space=space)
        record_audit("submission.feedback", submission, actor=actor, space_id=space.pk,
                     state=state)  # fmt: skip
        verdict = "is complete" if complete else "needs another look"
        notify(
            Notice(
                NotificationKind.FEEDBACK,
                f"{actor.display_name}: your work on “{activity.title}” {verdict}.",
                activity_url(activity),
                space_id=space.pk,
                actor_id=actor.pk,
                by_id=actor.pk,
            ),
            [submission.person_id],
        )
    return submission


@dataclass(frozen=True)
class QuestionResult:
    question_id: int
    correct: bool
    chosen: list[int]
    correct_options: list[int]
    explanation: str


@dataclass(frozen=True)
class QuickCheckResult:
    score: int
    total: int
    best_score: int
    attempts: int
    questions: list[QuestionResult]


def do_answer_quick_check(
    activity: Activity, *, actor: Person, answers: dict[int, list[int]]
) -> QuickCheckResult:
    """A learner answers a quick check: a question scores when exactly its correct options are
    chosen. Retries are allowed; the best attempt counts. Explanations come back every time."""
    _check_kind(activity, ActivityKind.QUICK_CHECK)
    check_can_take_part(actor, activity)
    questions = list(activity.questions.all())
    if not questions:
        raise Conflict("This quick check has no questions yet.")
    if not answers:
        raise InvalidInput("Choose an answer to at least one question.", field="answers")
    known = {q.pk for q in questions}
    if set(answers) - known:
        raise InvalidInput("An answer names a question of another quick check.", field="answers")
    results = []
    for question in questions:
        chosen = sorted(set(answers.get(question.pk, [])))
        results.append(
            QuestionResult(
                question.pk,
                chosen == sorted(question.correct),
                chosen,
                list(question.correct),
                question.explanation,
            )
        )
    score = sum(result.correct for result in results)
    with transaction.atomic():
        QuickCheckAttempt.objects.create(
            activity=activity, person=actor, score=score, total=len(questions),
            answers={str(r.question_id): r.chosen for r in results},
        )  # fmt: skip
        before = Progress.objects.filter(activity=activity, person=actor).first()
        best = max(score, before.best_score or 0) if before is not None else score
        attempts = (before.attempts if before is not None else 0) + 1
        set_progress(activity, actor, ProgressState.DONE, best_score=best, attempts=attempts)
        record_event(EventKind.ACTIVITY_COMPLETED, person=actor, space=activity.unit.space)
    return QuickCheckResult(score, len(questions), best, attempts, results)


def unfinished_learners(activity: Activity) -> QuerySet[Membership, Any]:
    """Person ids of the space's learners (active members who are not facilitators) who have not
    finished the activity: for a discussion prompt, who have not commented in its thread."""
    learners = Membership.objects.filter(
        space_id=activity.unit.space_id, state=MembershipState.ACTIVE, role=Role.MEMBER
    )
    if activity.kind == ActivityKind.DISCUSSION:
        commented = Comment.objects.filter(
            post_id=activity.post_id or 0, author=OuterRef("person_id"), state=ContentState.VISIBLE
        )
        learners = learners.exclude(Exists(commented))
    else:
        finished = Progress.objects.filter(
            activity=activity, person=OuterRef("person_id"), state__in=FINISHED_STATES
        )
        learners = learners.exclude(Exists(finished))
    return learners.values_list("person_id", flat=True)


def do_nudge(activity: Activity, *, actor: Person) -> int:
    """A facilitator reminds every learner who has not finished the activity; returns how many."""
    space = activity.unit.space
    check_is_facilitator(actor, space)
    if not activity.unit.is_released():
        raise NotAllowed("This activity is not released yet: nobody can do it.")
    people = list(unfinished_learners(activity))
    with transaction.atomic():
        record_audit("activity.nudge", activity, actor=actor, space_id=space.pk,
                     count=len(people))  # fmt: skip
        notify(
            Notice(NotificationKind.NUDGE,
                   f"A reminder from {actor.display_name}: “{activity.title}” in {space.name}.",
                   activity_url(activity), space_id=space.pk, actor_id=actor.pk, by_id=actor.pk),
            people,
        )  # fmt: skip
    return len(people)


def do_record_progress_export(space: Space, *, actor: Person) -> None:
    """Facilitators download the learners' progress as CSV (names and states): audited."""
    check_is_facilitator(actor, space)
    # One INSERT: atomic on its own, no savepoint needed.
    record_audit("progress.export", space, actor=actor, space_id=space.pk)
